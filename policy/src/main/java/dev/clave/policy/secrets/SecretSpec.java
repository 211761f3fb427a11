package dev.clave.policy.secrets;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One entry of a session's {@code secrets:} list, validated: names are checked, references resolve, and the
 * fields present are the ones {@link #kind} allows. Optional fields are null when absent.
 *
 * @param name the secret's name, unique in its session
 * @param kind its kind
 * @param value the explicit value as written (printable text for ascii, hex for binary, PEM for keys and
 *     certificates, canonical YAML text for a config-fragment), or null when generated or imported
 * @param size ascii: characters; binary: bytes; null for the default (20)
 * @param keyType private-key: the algorithm (never null for a private-key: P-256 by default)
 * @param migrate private-key: keep the value across updates when both versions say so
 * @param privateKey public-key, x509, x509-ca: the name of the private-key secret
 * @param issuer x509, x509-ca: the name of the issuing x509-ca secret; null means self-signed
 * @param commonName x509, x509-ca: the subject CN; null means the first DNS SAN, else the secret's name
 * @param subjectAltNames x509, x509-ca: the SANs ({@code san:} and the older {@code dns:}), in order
 * @param endpoint x509: the extended key usage to add, or null
 * @param validFor x509, x509-ca: the validity period, or null for the default
 * @param exports who may import this secret
 * @param exportPublic whether the value may be read without authentication
 * @param importFrom where the value comes from, or null
 */
public record SecretSpec(
    String name,
    SecretKind kind,
    String value,
    Integer size,
    KeyType keyType,
    boolean migrate,
    String privateKey,
    String issuer,
    String commonName,
    List<SubjectAltName> subjectAltNames,
    Endpoint endpoint,
    Duration validFor,
    List<SecretExport> exports,
    boolean exportPublic,
    SecretImport importFrom) {

  public SecretSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    subjectAltNames = List.copyOf(subjectAltNames);
    exports = List.copyOf(exports);
  }

  /** Names and kinds only: an explicit {@code value} is secret material. */
  @Override
  public String toString() {
    return "SecretSpec[" + name + ", " + kind.yamlName() + (value != null ? ", explicit value" : "")
        + (importFrom != null ? ", imported from " + importFrom.session() : "") + "]";
  }

  /** The extended key usage an x509 certificate gets from {@code endpoint:}. */
  public enum Endpoint {
    SERVER,
    CLIENT
  }

  /** A subject alternative name: {@code dns:name} or {@code ip:address} (an IP literal, v4 or v6). */
  public record SubjectAltName(Type type, String value) {
    public enum Type {
      DNS,
      IP
    }
  }

  /**
   * One {@code export:} entry. Exactly one of {@code session} and {@code namespace} is set;
   * {@code sessionHash} (64 lowercase hex) only with {@code session}, pinning the importer's hash.
   */
  public record SecretExport(String session, String sessionHash, String namespace) {}

  /** {@code import: {session, secret}}: the exporting session's name and the secret's name there. */
  public record SecretImport(String session, String secret) {}
}
