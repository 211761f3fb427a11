package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.secrets.SecretSpec.Endpoint;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.Test;

class SecretGeneratorCertificateTest {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  private static Map<String, SecretValue> generate(SecretSpec... specs) throws SecretException {
    return SecretGenerator.generate(List.of(specs), SecretGenerator.Predecessor.NONE, Map.of(), NOW, RANDOM);
  }

  private static SecretValue.Certificate cert(Map<String, SecretValue> values, String name) {
    return (SecretValue.Certificate) values.get(name);
  }

  @Test
  void threeLevelChainValidatesWithPkixAndCarriesSanAndEku() throws Exception {
    // Listed leaf first: the generator must order by dependencies itself.
    Map<String, SecretValue> values =
        generate(
            Specs.of("leaf", SecretKind.X509)
                .privateKey("leaf_key")
                .issuer("intermediate")
                .dns("db.example.com")
                .dns("db")
                .ip("10.0.0.7")
                .ip("::1")
                .endpoint(Endpoint.SERVER)
                .build(),
            Specs.ca("intermediate", "intermediate_key", "root"),
            Specs.of("root", SecretKind.X509_CA).privateKey("root_key").commonName("Clave Test Root").build(),
            Specs.key("leaf_key", KeyType.P256),
            Specs.key("intermediate_key", KeyType.P384),
            Specs.key("root_key", KeyType.ED25519));
    assertThat(values.keySet()).containsExactly("leaf", "intermediate", "root", "leaf_key", "intermediate_key", "root_key");

    SecretValue.Certificate root = cert(values, "root");
    SecretValue.Certificate intermediate = cert(values, "intermediate");
    SecretValue.Certificate leaf = cert(values, "leaf");
    assertThat(root.chain()).isEmpty();
    assertThat(intermediate.chain()).containsExactly(root.der());
    assertThat(leaf.chain()).containsExactly(intermediate.der(), root.der());

    Pkix.validate(leaf, root.x509(), NOW, SERVER_AUTH);
    Pkix.validate(intermediate, root.x509(), NOW, null);

    X509Certificate x = leaf.x509();
    assertThat(x.getSubjectX500Principal().getName()).isEqualTo("CN=db.example.com");
    assertThat(x.getIssuerX500Principal()).isEqualTo(intermediate.x509().getSubjectX500Principal());
    assertThat(x.getSubjectAlternativeNames())
        .containsExactly(
            List.of(2, "db.example.com"), List.of(2, "db"), List.of(7, "10.0.0.7"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(x.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(x.getBasicConstraints()).isEqualTo(-1);
    assertThat(x.getKeyUsage()).isEqualTo(usage(0)); // digitalSignature only for an EC key
    assertThat(x.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(), Extension.keyUsage.getId());
    // Signature algorithms follow the issuer's key.
    assertThat(x.getSigAlgName()).isEqualTo("SHA384withECDSA");
    assertThat(intermediate.x509().getSigAlgName()).isEqualTo("Ed25519");
    assertThat(root.x509().getSigAlgName()).isEqualTo("Ed25519");

    X509Certificate ca = intermediate.x509();
    assertThat(ca.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE); // CA:true, no path length
    assertThat(ca.getKeyUsage()).isEqualTo(usage(5, 6)); // keyCertSign, cRLSign
    assertThat(ca.getExtendedKeyUsage()).isNull();
    assertThat(root.x509().getSubjectX500Principal().getName()).isEqualTo("CN=Clave Test Root");

    // Key identifiers link each certificate to its issuer.
    assertThat(authorityKeyId(x)).isEqualTo(subjectKeyId(ca));
    assertThat(authorityKeyId(ca)).isEqualTo(subjectKeyId(root.x509()));
    assertThat(authorityKeyId(root.x509())).isEqualTo(subjectKeyId(root.x509()));

    // The certificate's private key is the leaf_key value, and signs for its public key.
    assertThat(leaf.privateKey()).isEqualTo(values.get("leaf_key"));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(leaf.privateKey().toJavaKey());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(x.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).isTrue();
  }

  @Test
  void validationFailsAgainstAnotherRootOrOutsideValidity() throws Exception {
    Map<String, SecretValue> values =
        generate(
            Specs.key("k", KeyType.P256),
            Specs.ca("root", "k", null),
            Specs.ca("other_root", "k", null),
            Specs.of("leaf", SecretKind.X509).privateKey("k").issuer("root").endpoint(Endpoint.CLIENT).build());
    SecretValue.Certificate leaf = cert(values, "leaf");
    Pkix.validate(leaf, cert(values, "root").x509(), NOW, CLIENT_AUTH);
    assertThatThrownBy(() -> Pkix.validate(leaf, cert(values, "other_root").x509(), NOW, null))
        .isInstanceOf(CertPathValidatorException.class);
    assertThatThrownBy(() -> Pkix.validate(leaf, cert(values, "root").x509(), NOW, SERVER_AUTH))
        .isInstanceOf(CertPathValidatorException.class);
    assertThatThrownBy(() -> Pkix.validate(leaf, cert(values, "root").x509(), NOW.minus(Duration.ofHours(2)), null))
        .isInstanceOf(CertPathValidatorException.class);
    assertThatThrownBy(() -> Pkix.validate(leaf, cert(values, "root").x509(), NOW.plus(Duration.ofDays(366)), null))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void selfSignedLeafValidatesAsItsOwnAnchor() throws Exception {
    Map<String, SecretValue> values =
        generate(Specs.key("k", KeyType.P256), Specs.of("self", SecretKind.X509).privateKey("k").build());
    SecretValue.Certificate self = cert(values, "self");
    assertThat(self.chain()).isEmpty();
    assertThat(self.x509().getSubjectX500Principal().getName()).isEqualTo("CN=self"); // the secret's name
    assertThat(self.x509().getIssuerX500Principal()).isEqualTo(self.x509().getSubjectX500Principal());
    assertThat(self.x509().getExtendedKeyUsage()).isNull();
    Pkix.validate(self, self.x509(), NOW, null);
  }

  @Test
  void validityStartsAnHourEarlyAndDefaultsTo365Days() throws Exception {
    Map<String, SecretValue> values =
        generate(
            Specs.key("k", KeyType.P256),
            Specs.ca("ca", "k", null),
            Specs.of("short", SecretKind.X509).privateKey("k").issuer("ca").validFor(Duration.ofDays(90)).build(),
            Specs.of("long", SecretKind.X509).privateKey("k").issuer("ca").validFor(Duration.ofDays(3650)).build());
    X509Certificate ca = cert(values, "ca").x509();
    assertThat(ca.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    X509Certificate shortLived = cert(values, "short").x509();
    assertThat(shortLived.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    // A certificate never outlives its issuer.
    assertThat(cert(values, "long").x509().getNotAfter()).isEqualTo(ca.getNotAfter());
  }

  @Test
  void serialsArePositiveRandomAndSixteenBytes() throws Exception {
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Map<String, SecretValue> values = generate(Specs.key("k", KeyType.P256), Specs.ca("ca", "k", null));
      serials.add(cert(values, "ca").x509().getSerialNumber());
    }
    assertThat(serials).doesNotHaveDuplicates();
    for (BigInteger serial : serials) {
      assertThat(serial.signum()).isPositive();
      assertThat(serial.toByteArray()).hasSize(16);
    }
  }

  @Test
  void commonNameIsExplicitElseFirstDnsSanElseName() throws Exception {
    Map<String, SecretValue> values =
        generate(
            Specs.key("k", KeyType.P256),
            Specs.of("a", SecretKind.X509).privateKey("k").commonName("Explicit CN").dns("x.example").build(),
            Specs.of("b", SecretKind.X509).privateKey("k").ip("192.0.2.1").dns("first.example").dns("second.example").build(),
            Specs.of("c.d", SecretKind.X509).privateKey("k").ip("192.0.2.1").build());
    assertThat(cert(values, "a").x509().getSubjectX500Principal().getName()).isEqualTo("CN=Explicit CN");
    assertThat(cert(values, "b").x509().getSubjectX500Principal().getName()).isEqualTo("CN=first.example");
    assertThat(cert(values, "c.d").x509().getSubjectX500Principal().getName()).isEqualTo("CN=c.d");
  }

  @Test
  void rsaLeafGetsKeyEnciphermentAndRsaIssuerSignsWithSha256() throws Exception {
    Map<String, SecretValue> values =
        generate(
            Specs.key("rsa", KeyType.RSA2048),
            Specs.ca("ca", "rsa", null),
            Specs.of("leaf", SecretKind.X509).privateKey("rsa").issuer("ca").build());
    X509Certificate leaf = cert(values, "leaf").x509();
    assertThat(leaf.getKeyUsage()).isEqualTo(usage(0, 2)); // digitalSignature, keyEncipherment
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withRSA");
    Pkix.validate(cert(values, "leaf"), cert(values, "ca").x509(), NOW, null);
  }

  @Test
  void everyKeyTypeCanIssue() throws Exception {
    for (KeyType type : KeyType.values()) {
      if (type == KeyType.RSA3072 || type == KeyType.RSA2048) {
        continue; // RSA issuance is covered above; generating more RSA keys only costs time
      }
      Map<String, SecretValue> values =
          generate(
              Specs.key("ca_key", type),
              Specs.key("leaf_key", KeyType.P256),
              Specs.ca("ca", "ca_key", null),
              Specs.cert("leaf", "leaf_key", "ca"));
      assertThat(cert(values, "leaf").x509().getSigAlgName())
          .isEqualTo(KeyMaterial.signatureAlgorithm(type));
      Pkix.validate(cert(values, "leaf"), cert(values, "ca").x509(), NOW, null);
    }
  }

  @Test
  void explicitCertificateWithKeyAndIssuer() throws Exception {
    Map<String, SecretValue> made =
        generate(Specs.key("k", KeyType.P256), Specs.key("k2", KeyType.P256), Specs.ca("ca", "k", null), Specs.cert("c", "k2", "ca"));
    SecretValue.Certificate madeCert = cert(made, "c");
    String keyPem = Pem.encode(Pem.PRIVATE_KEY, ((SecretValue.PrivateKey) made.get("k2")).pkcs8());
    String caKeyPem = Pem.encode(Pem.PRIVATE_KEY, ((SecretValue.PrivateKey) made.get("k")).pkcs8());
    String certPem = Pem.encode(Pem.CERTIFICATE, madeCert.der());
    String caPem = Pem.encode(Pem.CERTIFICATE, cert(made, "ca").der());

    Map<String, SecretValue> values =
        generate(
            Specs.of("ca_key", SecretKind.PRIVATE_KEY).keyType(KeyType.P256).value(caKeyPem).build(),
            Specs.of("ca", SecretKind.X509_CA).value(caPem).privateKey("ca_key").build(),
            Specs.of("key", SecretKind.PRIVATE_KEY).keyType(KeyType.P256).value(keyPem).build(),
            Specs.of("c", SecretKind.X509).value(certPem).privateKey("key").issuer("ca").build(),
            Specs.of("bare", SecretKind.X509).value(certPem).build());
    SecretValue.Certificate c = cert(values, "c");
    assertThat(c.der()).isEqualTo(madeCert.der());
    assertThat(c.chain()).containsExactly(cert(made, "ca").der());
    assertThat(c.privateKey()).isEqualTo(made.get("k2"));
    assertThat(cert(values, "bare").privateKey()).isNull();
    assertThat(cert(values, "bare").chain()).isEmpty();

    // The key must belong to the certificate, and the issuer must have signed it.
    assertThatThrownBy(
            () ->
                generate(
                    Specs.of("key", SecretKind.PRIVATE_KEY).keyType(KeyType.P256).value(caKeyPem).build(),
                    Specs.of("c", SecretKind.X509).value(certPem).privateKey("key").build()))
        .isInstanceOf(SecretException.class)
        .hasMessage("secret 'c': the certificate's public key does not belong to private_key 'key'");
    assertThatThrownBy(
            () ->
                generate(
                    Specs.of("other", SecretKind.X509_CA).value(certPem).build()))
        .hasMessage("secret 'other': an x509-ca value must be a CA certificate (basicConstraints CA:true)");
    assertThatThrownBy(
            () ->
                generate(
                    Specs.key("k", KeyType.P256),
                    Specs.ca("wrong_ca", "k", null),
                    Specs.of("c", SecretKind.X509).value(certPem).issuer("wrong_ca").build()))
        .hasMessage("secret 'c': the certificate was not issued by issuer 'wrong_ca'");
  }

  @Test
  void refusesCyclesAndBadReferences() {
    assertThatThrownBy(
            () -> generate(Specs.key("k", KeyType.P256), Specs.ca("a", "k", "b"), Specs.ca("b", "k", "a")))
        .isInstanceOf(SecretException.class)
        .hasMessage("secrets refer to each other in a cycle (through issuer or private_key): a -> b -> a");
    assertThatThrownBy(() -> generate(Specs.key("k", KeyType.P256), Specs.ca("a", "k", "a")))
        .hasMessage("secrets refer to each other in a cycle (through issuer or private_key): a -> a");
    assertThatThrownBy(() -> generate(Specs.cert("c", "missing", null)))
        .hasMessage("secret 'c': private_key 'missing' is not a secret of this session");
    assertThatThrownBy(() -> generate(Specs.key("k", KeyType.P256), Specs.cert("leaf", "k", null), Specs.cert("c", "k", "leaf")))
        .hasMessage("secret 'c': issuer 'leaf' is an x509 secret, not x509-ca");
    assertThatThrownBy(() -> generate(Specs.ascii("k"), Specs.cert("c", "k", null)))
        .hasMessage("secret 'c': private_key 'k' is an ascii secret, not private-key");
    assertThatThrownBy(() -> generate(Specs.of("c", SecretKind.X509).build()))
        .hasMessage("secret 'c': a generated x509 certificate needs private_key");
    assertThatThrownBy(
            () -> generate(Specs.key("k", KeyType.P256), Specs.of("c", SecretKind.X509).privateKey("k").ip("999.1.1.1").build()))
        .hasMessage("secret 'c': SAN 'ip:999.1.1.1' is not an IPv4 or IPv6 address");
    assertThatThrownBy(
            () -> generate(Specs.key("k", KeyType.P256), Specs.of("c", SecretKind.X509).privateKey("k").validFor(Duration.ZERO).build()))
        .hasMessage("secret 'c': valid_for must be between 1 second and 36525 days");
  }

  @Test
  void issuerWithoutPrivateKeyOrExpiredCannotIssue() throws Exception {
    Map<String, SecretValue> made = generate(Specs.key("k", KeyType.P256), Specs.ca("ca", "k", null));
    SecretValue.Certificate ca = cert(made, "ca");
    SecretValue.Certificate withoutKey = new SecretValue.Certificate(ca.der(), List.of(), null);
    assertThatThrownBy(
            () ->
                SecretGenerator.generate(
                    List.of(
                        Specs.of("ca", SecretKind.X509_CA).importFrom("other", "ca").build(),
                        Specs.key("k", KeyType.P256),
                        Specs.cert("leaf", "k", "ca")),
                    SecretGenerator.Predecessor.NONE,
                    Map.of("ca", withoutKey),
                    NOW,
                    RANDOM))
        .hasMessage("secret 'leaf': its issuer has no private key to sign with");
    assertThatThrownBy(
            () ->
                SecretGenerator.generate(
                    List.of(
                        Specs.of("ca", SecretKind.X509_CA).importFrom("other", "ca").build(),
                        Specs.key("k", KeyType.P256),
                        Specs.cert("leaf", "k", "ca")),
                    SecretGenerator.Predecessor.NONE,
                    Map.of("ca", ca),
                    NOW.plus(Duration.ofDays(400)),
                    RANDOM))
        .hasMessageStartingWith("secret 'leaf': its issuer expired at ");
  }

  private static boolean[] usage(int... bits) {
    boolean[] u = new boolean[9];
    for (int b : bits) {
      u[b] = true;
    }
    return u;
  }

  private static byte[] subjectKeyId(X509Certificate c) {
    byte[] ext = c.getExtensionValue(Extension.subjectKeyIdentifier.getId());
    return SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifier();
  }

  private static byte[] authorityKeyId(X509Certificate c) {
    byte[] ext = c.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets()).getKeyIdentifierOctets();
  }
}
