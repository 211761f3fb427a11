package dev.clave.policy.secrets;

import dev.clave.policy.secrets.SecretSpec.Endpoint;
import dev.clave.policy.secrets.SecretSpec.SecretExport;
import dev.clave.policy.secrets.SecretSpec.SecretImport;
import dev.clave.policy.secrets.SecretSpec.SubjectAltName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Test builder for {@link SecretSpec}, whose canonical constructor has fifteen components. */
final class Specs {
  private final String name;
  private final SecretKind kind;
  private String value;
  private Integer size;
  private KeyType keyType;
  private boolean migrate;
  private String privateKey;
  private String issuer;
  private String commonName;
  private final List<SubjectAltName> sans = new ArrayList<>();
  private Endpoint endpoint;
  private Duration validFor;
  private final List<SecretExport> exports = new ArrayList<>();
  private SecretImport importFrom;

  private Specs(String name, SecretKind kind) {
    this.name = name;
    this.kind = kind;
    if (kind == SecretKind.PRIVATE_KEY) {
      keyType = KeyType.P256; // what the parser fills in when key_type is absent
    }
  }

  static Specs of(String name, SecretKind kind) {
    return new Specs(name, kind);
  }

  static SecretSpec ascii(String name) {
    return of(name, SecretKind.ASCII).build();
  }

  static SecretSpec binary(String name) {
    return of(name, SecretKind.BINARY).build();
  }

  static SecretSpec key(String name, KeyType type) {
    return of(name, SecretKind.PRIVATE_KEY).keyType(type).build();
  }

  static SecretSpec ca(String name, String key, String issuer) {
    return of(name, SecretKind.X509_CA).privateKey(key).issuer(issuer).build();
  }

  static SecretSpec cert(String name, String key, String issuer) {
    return of(name, SecretKind.X509).privateKey(key).issuer(issuer).build();
  }

  Specs value(String v) {
    value = v;
    return this;
  }

  Specs size(Integer s) {
    size = s;
    return this;
  }

  Specs keyType(KeyType t) {
    keyType = t;
    return this;
  }

  Specs migrate(boolean m) {
    migrate = m;
    return this;
  }

  Specs privateKey(String k) {
    privateKey = k;
    return this;
  }

  Specs issuer(String i) {
    issuer = i;
    return this;
  }

  Specs commonName(String cn) {
    commonName = cn;
    return this;
  }

  Specs dns(String d) {
    sans.add(new SubjectAltName(SubjectAltName.Type.DNS, d));
    return this;
  }

  Specs ip(String ip) {
    sans.add(new SubjectAltName(SubjectAltName.Type.IP, ip));
    return this;
  }

  Specs endpoint(Endpoint e) {
    endpoint = e;
    return this;
  }

  Specs validFor(Duration d) {
    validFor = d;
    return this;
  }

  Specs exportTo(String session, String hash) {
    exports.add(new SecretExport(session, hash, null));
    return this;
  }

  Specs exportToNamespace(String namespace) {
    exports.add(new SecretExport(null, null, namespace));
    return this;
  }

  Specs importFrom(String session, String secret) {
    importFrom = new SecretImport(session, secret);
    return this;
  }

  SecretSpec build() {
    return new SecretSpec(
        name, kind, value, size, keyType, migrate, privateKey, issuer, commonName, sans, endpoint, validFor, exports,
        false, importFrom);
  }
}
