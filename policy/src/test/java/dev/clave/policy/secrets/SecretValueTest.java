package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretValueTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void binaryCopiesOnTheWayInAndOut() {
    byte[] input = {1, 2, 3};
    SecretValue.Binary value = new SecretValue.Binary(input);
    input[0] = 9;
    assertThat(value.bytes()).containsExactly(1, 2, 3);
    value.bytes()[1] = 9;
    assertThat(value.bytes()).containsExactly(1, 2, 3);
    assertThat(value).isEqualTo(new SecretValue.Binary(new byte[] {1, 2, 3}));
    assertThat(value).isNotEqualTo(new SecretValue.Binary(new byte[] {1, 2, 4}));
  }

  @Test
  void keysAndCertificatesCopyTheirBytes() throws Exception {
    byte[] pkcs8 = KeyMaterial.generate(KeyType.P256, RANDOM);
    SecretValue.PrivateKey key = new SecretValue.PrivateKey(KeyType.P256, pkcs8);
    pkcs8[pkcs8.length - 1] ^= 1;
    assertThat(key.pkcs8()).isNotEqualTo(pkcs8);
    key.pkcs8()[0] = 0;
    assertThat(key.pkcs8()[0]).isEqualTo((byte) 0x30);

    Map<String, SecretValue> values =
        SecretGenerator.generate(
            List.of(Specs.key("k", KeyType.P256), Specs.ca("ca", "k", null), Specs.cert("c", "k", "ca")),
            SecretGenerator.Predecessor.NONE,
            Map.of(),
            Instant.now(),
            RANDOM);
    SecretValue.Certificate cert = (SecretValue.Certificate) values.get("c");
    List<byte[]> chain = new ArrayList<>(cert.chain());
    byte[] first = chain.get(0);
    SecretValue.Certificate copy = new SecretValue.Certificate(cert.der(), chain, cert.privateKey());
    first[0] = 0;
    chain.clear();
    assertThat(copy.chain()).hasSize(1);
    assertThat(copy.chain().get(0)[0]).isEqualTo((byte) 0x30);
    copy.chain().get(0)[0] = 0;
    assertThat(copy).isEqualTo(cert);
    assertThatThrownBy(() -> copy.chain().add(new byte[0])).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringShowsNoSecretMaterial() throws Exception {
    assertThat(new SecretValue.Ascii("hunter2").toString()).doesNotContain("hunter2").isEqualTo("Ascii[redacted, 7 chars]");
    byte[] bytes = {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef};
    assertThat(new SecretValue.Binary(bytes).toString())
        .doesNotContain("dead")
        .doesNotContain("-34")
        .isEqualTo("Binary[redacted, 4 bytes]");
    byte[] pkcs8 = KeyMaterial.generate(KeyType.ED25519, RANDOM);
    String text = new SecretValue.PrivateKey(KeyType.ED25519, pkcs8).toString();
    assertThat(text).isEqualTo("PrivateKey[Ed25519, redacted]");

    Map<String, SecretValue> values =
        SecretGenerator.generate(
            List.of(Specs.key("k", KeyType.ED25519), Specs.ca("ca", "k", null)),
            SecretGenerator.Predecessor.NONE,
            Map.of(),
            Instant.now(),
            RANDOM);
    SecretValue.PrivateKey key = (SecretValue.PrivateKey) values.get("k");
    String certText = values.get("ca").toString();
    assertThat(certText).isEqualTo("Certificate[CN=ca, chain of 0, with private key]");
    assertThat(certText).doesNotContain(Base64.getEncoder().encodeToString(key.pkcs8()).substring(20, 40));
    assertThat(certText).doesNotContain(HexFormat.of().formatHex(key.pkcs8()).substring(40, 60));
  }

  @Test
  void constructorsCheckTheirEncodings() throws Exception {
    byte[] p256 = KeyMaterial.generate(KeyType.P256, RANDOM);
    assertThatThrownBy(() -> new SecretValue.PrivateKey(KeyType.P384, p256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the PKCS#8 key is P-256, not P-384");
    assertThatThrownBy(() -> new SecretValue.PublicKey(p256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecretValue.Certificate(p256, List.of(), null))
        .hasMessage("not a valid X.509 certificate (DER)");

    Map<String, SecretValue> values =
        SecretGenerator.generate(
            List.of(Specs.key("k", KeyType.P256), Specs.key("other", KeyType.P256), Specs.ca("ca", "k", null)),
            SecretGenerator.Predecessor.NONE,
            Map.of(),
            Instant.now(),
            RANDOM);
    byte[] der = ((SecretValue.Certificate) values.get("ca")).der();
    assertThatThrownBy(() -> new SecretValue.Certificate(der, List.of(), (SecretValue.PrivateKey) values.get("other")))
        .hasMessage("the private key does not belong to the certificate");
    byte[] trailing = java.util.Arrays.copyOf(der, der.length + 2);
    assertThatThrownBy(() -> new SecretValue.Certificate(trailing, List.of(), null)).isInstanceOf(IllegalArgumentException.class);
  }
}
