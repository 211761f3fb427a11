package dev.clave.policy.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.bouncycastle.util.encoders.Base32;
import org.bouncycastle.util.encoders.Base64;
import org.bouncycastle.util.encoders.Hex;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SecretEncodingTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static Map<String, SecretValue> values;

  @BeforeAll
  static void chain() throws Exception {
    values =
        SecretGenerator.generate(
            List.of(
                Specs.key("root_key", KeyType.P384),
                Specs.key("leaf_key", KeyType.P256),
                Specs.ca("root", "root_key", null),
                Specs.ca("intermediate", "root_key", "root"),
                Specs.cert("leaf", "leaf_key", "intermediate"),
                Specs.of("pub", SecretKind.PUBLIC_KEY).privateKey("leaf_key").build(),
                Specs.of("bin", SecretKind.BINARY).size(37).build()),
            SecretGenerator.Predecessor.NONE,
            Map.of(),
            Instant.now(),
            RANDOM);
  }

  private static SecretValue.Certificate cert(String name) {
    return (SecretValue.Certificate) values.get(name);
  }

  private static byte[] render(SecretKind kind, String suffix, SecretValue value) throws SecretException {
    return SecretEncoding.parse(kind, suffix).render(value);
  }

  private static String text(SecretKind kind, String suffix, SecretValue value) throws SecretException {
    return new String(render(kind, suffix, value), UTF_8);
  }

  // ---- which suffixes each kind allows ----

  @Test
  void allowedSuffixesPerKind() {
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.ASCII)).containsExactly("");
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.BINARY))
        .containsExactly("", ":bin", ":hex", ".hex", ":base64", ":base64url", ":base32", ":base32nopad");
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.PRIVATE_KEY))
        .containsExactly("", ":pem", ":pkcs8:pem", ":der", ":pkcs8:der");
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.PUBLIC_KEY)).containsExactly("", ":spki:pem", ":spki:der");
    List<String> certificate =
        List.of(
            "", ":crt", ":crt:pem", ".crt", ":crt:der", ":privatekey", ":privatekey:pem", ":privatekey:pkcs8:pem", ".key",
            ":privatekey:der", ":privatekey:pkcs8:der", ":chain", ".chain", ":pkcs12-with-private-key");
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.X509)).containsExactlyElementsOf(certificate);
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.X509_CA)).containsExactlyElementsOf(certificate);
    assertThat(SecretEncoding.allowedSuffixes(SecretKind.CONFIG_FRAGMENT)).isEmpty();
  }

  @Test
  void binaryRenderingsAreMarked() throws Exception {
    assertThat(SecretEncoding.parse(SecretKind.BINARY, "").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.BINARY, ":bin").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.BINARY, ":hex").binary()).isFalse();
    assertThat(SecretEncoding.parse(SecretKind.PRIVATE_KEY, ":der").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.PRIVATE_KEY, ":pkcs8:der").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.PUBLIC_KEY, ":spki:der").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.X509, ":crt:der").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.X509, ":privatekey:der").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.X509, ":pkcs12-with-private-key").binary()).isTrue();
    assertThat(SecretEncoding.parse(SecretKind.X509, "").binary()).isFalse();
    assertThat(SecretEncoding.parse(SecretKind.X509, ":chain").binary()).isFalse();
    for (SecretEncoding e : SecretEncoding.values()) {
      boolean expected = e.suffixes().stream().anyMatch(s -> s.endsWith("der") || s.contains("pkcs12") || s.equals(":bin"));
      assertThat(e.binary()).as(e.name()).isEqualTo(expected || e == SecretEncoding.BINARY_RAW);
    }
  }

  @Test
  void wrongSuffixesAreRefusedWithTheAllowedOnes() {
    assertThatThrownBy(() -> SecretEncoding.parse(SecretKind.ASCII, ":hex"))
        .isInstanceOf(SecretException.class)
        .hasMessage("suffix ':hex' is not valid for an ascii secret; allowed: '' (none)");
    assertThatThrownBy(() -> SecretEncoding.parse(SecretKind.PUBLIC_KEY, ":pem"))
        .hasMessage("suffix ':pem' is not valid for a public-key secret; allowed: '' (none), ':spki:pem', ':spki:der'");
    assertThatThrownBy(() -> SecretEncoding.parse(SecretKind.PRIVATE_KEY, ".key"))
        .hasMessageStartingWith("suffix '.key' is not valid for a private-key secret");
    assertThatThrownBy(() -> SecretEncoding.parse(SecretKind.BINARY, ":HEX")).hasMessageStartingWith("suffix ':HEX'");
    assertThatThrownBy(() -> SecretEncoding.parse(SecretKind.CONFIG_FRAGMENT, ""))
        .hasMessage(
            "config-fragment secrets cannot be injected with a placeholder (config fragments are used in configuration"
                + " sections)");
  }

  // ---- ascii and binary ----

  @Test
  void asciiRendersItsUtf8Text() throws Exception {
    assertThat(render(SecretKind.ASCII, "", new SecretValue.Ascii("pä$$"))).isEqualTo("pä$$".getBytes(UTF_8));
  }

  @Test
  void binaryRenderingsMatchIndependentEncoders() throws Exception {
    SecretValue.Binary bin = (SecretValue.Binary) values.get("bin");
    byte[] raw = bin.bytes();
    assertThat(render(SecretKind.BINARY, "", bin)).isEqualTo(raw);
    assertThat(render(SecretKind.BINARY, ":bin", bin)).isEqualTo(raw);
    assertThat(text(SecretKind.BINARY, ":hex", bin)).isEqualTo(Hex.toHexString(raw));
    assertThat(text(SecretKind.BINARY, ".hex", bin)).isEqualTo(Hex.toHexString(raw));
    assertThat(text(SecretKind.BINARY, ":base64", bin)).isEqualTo(Base64.toBase64String(raw));
    assertThat(text(SecretKind.BINARY, ":base64url", bin))
        .isEqualTo(Base64.toBase64String(raw).replace('+', '-').replace('/', '_'));
    assertThat(text(SecretKind.BINARY, ":base32", bin)).isEqualTo(Base32.toBase32String(raw));
    assertThat(text(SecretKind.BINARY, ":base32nopad", bin)).isEqualTo(Base32.toBase32String(raw).replace("=", ""));
  }

  @Test
  void rfc4648TestVectors() throws Exception {
    String[] input = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    String[] base64 = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    String[] base32 = {"", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB", "MZXW6YTBOI======"};
    String[] hex = {"", "66", "666f", "666f6f", "666f6f62", "666f6f6261", "666f6f626172"};
    for (int i = 0; i < input.length; i++) {
      var v = new SecretValue.Binary(input[i].getBytes(UTF_8));
      assertThat(text(SecretKind.BINARY, ":base64", v)).isEqualTo(base64[i]);
      assertThat(text(SecretKind.BINARY, ":base32", v)).isEqualTo(base32[i]);
      assertThat(text(SecretKind.BINARY, ":base32nopad", v)).isEqualTo(base32[i].replace("=", ""));
      assertThat(text(SecretKind.BINARY, ":hex", v)).isEqualTo(hex[i]);
    }
    var urlSpecial = new SecretValue.Binary(new byte[] {(byte) 0xfb, (byte) 0xff});
    assertThat(text(SecretKind.BINARY, ":base64", urlSpecial)).isEqualTo("+/8=");
    assertThat(text(SecretKind.BINARY, ":base64url", urlSpecial)).isEqualTo("-_8=");
  }

  // ---- keys ----

  @Test
  void privateKeyRenderings() throws Exception {
    SecretValue.PrivateKey key = (SecretValue.PrivateKey) values.get("leaf_key");
    for (String suffix : List.of("", ":pem", ":pkcs8:pem")) {
      String pem = text(SecretKind.PRIVATE_KEY, suffix, key);
      assertPem(pem, "PRIVATE KEY", key.pkcs8());
    }
    assertThat(render(SecretKind.PRIVATE_KEY, ":der", key)).isEqualTo(key.pkcs8());
    assertThat(render(SecretKind.PRIVATE_KEY, ":pkcs8:der", key)).isEqualTo(key.pkcs8());
  }

  @Test
  void publicKeyRenderings() throws Exception {
    SecretValue.PublicKey pub = (SecretValue.PublicKey) values.get("pub");
    assertThat(pub.spki()).isEqualTo(cert("leaf").x509().getPublicKey().getEncoded());
    assertPem(text(SecretKind.PUBLIC_KEY, "", pub), "PUBLIC KEY", pub.spki());
    assertPem(text(SecretKind.PUBLIC_KEY, ":spki:pem", pub), "PUBLIC KEY", pub.spki());
    assertThat(render(SecretKind.PUBLIC_KEY, ":spki:der", pub)).isEqualTo(pub.spki());
  }

  // ---- certificates ----

  @Test
  void certificateAndItsKeyRenderings() throws Exception {
    SecretValue.Certificate leaf = cert("leaf");
    for (String suffix : List.of("", ":crt", ":crt:pem", ".crt")) {
      assertPem(text(SecretKind.X509, suffix, leaf), "CERTIFICATE", leaf.der());
      assertThat(parseAll(text(SecretKind.X509, suffix, leaf))).containsExactly(leaf.x509());
    }
    assertThat(render(SecretKind.X509, ":crt:der", leaf)).isEqualTo(leaf.der());
    byte[] pkcs8 = ((SecretValue.PrivateKey) values.get("leaf_key")).pkcs8();
    for (String suffix : List.of(":privatekey", ":privatekey:pem", ":privatekey:pkcs8:pem", ".key")) {
      assertPem(text(SecretKind.X509, suffix, leaf), "PRIVATE KEY", pkcs8);
    }
    assertThat(render(SecretKind.X509, ":privatekey:der", leaf)).isEqualTo(pkcs8);
    assertThat(render(SecretKind.X509, ":privatekey:pkcs8:der", leaf)).isEqualTo(pkcs8);
  }

  @Test
  void chainsInBothOrders() throws Exception {
    var leaf = cert("leaf").x509();
    var intermediate = cert("intermediate").x509();
    var root = cert("root").x509();
    assertThat(parseAll(text(SecretKind.X509, ":chain", cert("leaf")))).containsExactly(intermediate, root);
    assertThat(parseAll(text(SecretKind.X509, ".chain", cert("leaf")))).containsExactly(root, intermediate, leaf);
    assertThat(parseAll(text(SecretKind.X509_CA, ":chain", cert("intermediate")))).containsExactly(root);
    assertThat(text(SecretKind.X509_CA, ":chain", cert("root"))).isEmpty();
    assertThat(parseAll(text(SecretKind.X509_CA, ".chain", cert("root")))).containsExactly(root);
  }

  @Test
  void pkcs12LoadsWithAnEmptyPassword() throws Exception {
    byte[] p12 = render(SecretKind.X509, ":pkcs12-with-private-key", cert("leaf"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(p12), new char[0]);
    assertThat(java.util.Collections.list(store.aliases())).containsExactly("1");
    var key = store.getKey("1", new char[0]);
    assertThat(key.getEncoded()).isEqualTo(((SecretValue.PrivateKey) values.get("leaf_key")).toJavaKey().getEncoded());
    Certificate[] chain = store.getCertificateChain("1");
    assertThat(chain).containsExactly(cert("leaf").x509(), cert("intermediate").x509(), cert("root").x509());

    KeyStore wrong = KeyStore.getInstance("PKCS12");
    assertThatThrownBy(() -> wrong.load(new ByteArrayInputStream(p12), "x".toCharArray())).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void renderingsNeedingAPrivateKeyFailWithoutOne() throws Exception {
    SecretValue.Certificate bare = new SecretValue.Certificate(cert("leaf").der(), List.of(), null);
    for (String suffix : List.of(":privatekey", ".key", ":privatekey:der", ":pkcs12-with-private-key")) {
      assertThatThrownBy(() -> render(SecretKind.X509, suffix, bare))
          .isInstanceOf(SecretException.class)
          .hasMessageContaining("needs the certificate's private key, which this secret does not have");
    }
  }

  @Test
  void renderingRefusesAValueOfAnotherKind() {
    assertThatThrownBy(() -> render(SecretKind.BINARY, ":hex", new SecretValue.Ascii("x")))
        .hasMessage("the rendering ':hex' does not apply to Ascii values");
  }

  private static void assertPem(String pem, String label, byte[] der) throws Exception {
    PemObject object;
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      object = reader.readPemObject();
      assertThat(reader.readPemObject()).isNull();
    }
    assertThat(object.getType()).isEqualTo(label);
    assertThat(object.getContent()).isEqualTo(der);
    assertThat(pem).startsWith("-----BEGIN " + label + "-----\n").endsWith("-----END " + label + "-----\n");
    for (String line : pem.split("\n")) {
      assertThat(line.length()).isLessThanOrEqualTo(64);
    }
  }

  private static List<Certificate> parseAll(String pem) throws Exception {
    Collection<? extends Certificate> certs =
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(UTF_8)));
    return new ArrayList<>(certs);
  }
}
