package dev.clave.policy.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

class KeyHashTest {
  /** The one key hash the reference (§1.9, §2.4) quotes in full, from SCONE's session-language docs. */
  static final String SCONE_EXAMPLE = "3s1pm8W6Be6cxvAQRbRP5YXd9YuERAr7KswN97uGtoPkRW87x1";

  @Test
  void sconeExampleParsesWithAValidChecksum() {
    KeyHash hash = KeyHash.parse(SCONE_EXAMPLE);
    assertThat(hash.digest()).hasSize(32);
    assertThat(hash.toString()).isEqualTo(SCONE_EXAMPLE);
    assertThat(hash).isEqualTo(KeyHash.ofDigest(hash.digest())).hasSameHashCodeAs(KeyHash.ofDigest(hash.digest()));
  }

  @Test
  void everySingleCharacterChangeIsRefused() {
    String alphabet = Base58.ALPHABET;
    int refused = 0;
    for (int i = 0; i < SCONE_EXAMPLE.length(); i++) {
      for (int k = 0; k < alphabet.length(); k++) {
        char c = alphabet.charAt(k);
        if (c == SCONE_EXAMPLE.charAt(i)) {
          continue;
        }
        String changed = SCONE_EXAMPLE.substring(0, i) + c + SCONE_EXAMPLE.substring(i + 1);
        assertThatThrownBy(() -> KeyHash.parse(changed)).as(changed).isInstanceOf(InvalidEncodingException.class);
        refused++;
      }
    }
    assertThat(refused).isEqualTo(50 * 57);
    // The typical report: one changed character breaks the checksum.
    String oneOff = SCONE_EXAMPLE.substring(0, 10) + "Z" + SCONE_EXAMPLE.substring(11);
    assertThatThrownBy(() -> KeyHash.parse(oneOff)).hasMessage("key hash: bad checksum (a character is wrong or missing)");
  }

  @Test
  void preciseErrors() {
    assertThatThrownBy(() -> KeyHash.parse(SCONE_EXAMPLE.substring(1)))
        .hasMessageStartingWith("key hash: wrong length: decodes to ");
    assertThatThrownBy(() -> KeyHash.parse(SCONE_EXAMPLE.replace('W', '0')))
        .hasMessage("key hash: bad Base58 character '0' at position 7 of 50 (Base58 leaves out 0, O, I and l)");
    // A legacy signer key is well formed Base58Check, but of another kind.
    assertThatThrownBy(() -> KeyHash.parse(SignerKeyTest.SCONE_LEGACY_SIGNER))
        .hasMessage("key hash: wrong version 0x0a, expected 0x01");
    assertThatThrownBy(() -> KeyHash.parse(SCONE_EXAMPLE + " ")).hasMessageContaining("U+0020 at position 51");
  }

  @Test
  void keyHashIsSha256OfTheDerSubjectPublicKeyInfo() throws Exception {
    KeyPair kp = TestKeys.generate("P-256");
    byte[] spki = kp.getPublic().getEncoded();
    KeyHash hash = KeyHash.of(spki);
    assertThat(hash.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(spki));
    assertThat(hash.toString()).hasSize(50);
    assertThat(KeyHash.parse(hash.toString())).isEqualTo(hash);
    assertThat(KeyHash.ofPem(TestKeys.publicPem(kp))).isEqualTo(hash);
    assertThat(hash.matches(spki)).isTrue();
    assertThat(hash.matches(TestKeys.generate("P-256").getPublic().getEncoded())).isFalse();
  }

  @Test
  void certificateHashEqualsTheHashOfItsKeyAsTheJdkEncodesIt() throws Exception {
    for (String alg : new String[] {"P-256", "P-384", "RSA", "Ed25519"}) {
      KeyPair kp = TestKeys.generate(alg);
      byte[] der = TestKeys.selfSigned(kp, "clave-" + alg);
      X509Certificate jdk = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      byte[] independent = MessageDigest.getInstance("SHA-256").digest(jdk.getPublicKey().getEncoded());
      String pem = TestKeys.pem("CERTIFICATE", der);
      assertThat(KeyHash.ofCertificate(der).digest()).as(alg).isEqualTo(independent);
      assertThat(KeyHash.ofCertificate(pem.getBytes(StandardCharsets.US_ASCII)).digest()).isEqualTo(independent);
      assertThat(KeyHash.ofPem(pem).digest()).isEqualTo(independent);
      // An identity file: a PKCS#8 key followed by the certificate (reference §2.4).
      assertThat(KeyHash.ofPem(TestKeys.privatePem(kp) + pem).digest()).isEqualTo(independent);
    }
  }

  @Test
  void pemMustHoldExactlyOneCertificateOrPublicKey() {
    KeyPair a = TestKeys.generate("P-256");
    String cert = TestKeys.pem("CERTIFICATE", TestKeys.selfSigned(a, "a"));
    assertThatThrownBy(() -> KeyHash.ofPem(cert + cert))
        .hasMessage("2 PEM CERTIFICATE or PUBLIC KEY blocks; expected exactly one (a certificate or a public key)");
    assertThatThrownBy(() -> KeyHash.ofPem(TestKeys.privatePem(a)))
        .hasMessage("no PEM CERTIFICATE or PUBLIC KEY block (found PRIVATE KEY); expected a certificate or a public key");
    assertThatThrownBy(() -> KeyHash.ofPem("-----BEGIN CERTIFICATE-----\nMIIB*\n-----END CERTIFICATE-----\n"))
        .hasMessageStartingWith("PEM block \"CERTIFICATE\" on line 1 is not valid base64");
    assertThatThrownBy(() -> KeyHash.ofPem("-----BEGIN CERTIFICATE-----\nMIIB\n"))
        .hasMessage("PEM block \"CERTIFICATE\" on line 1 has no END line");
    assertThatThrownBy(() -> KeyHash.ofPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PUBLIC KEY-----\n"))
        .hasMessage("PEM line 3: END line does not match \"BEGIN CERTIFICATE\" on line 1");
    assertThatThrownBy(() -> KeyHash.ofPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
        .hasMessageStartingWith("not a DER X.509 certificate");
    assertThatThrownBy(() -> KeyHash.ofPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"))
        .hasMessageStartingWith("not a DER SubjectPublicKeyInfo");
  }
}
