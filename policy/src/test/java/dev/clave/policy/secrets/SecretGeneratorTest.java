package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;

class SecretGeneratorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static Map<String, SecretValue> generate(SecretSpec... specs) throws SecretException {
    return SecretGenerator.generate(List.of(specs), SecretGenerator.Predecessor.NONE, Map.of(), NOW, RANDOM);
  }

  private static SecretValue one(SecretSpec spec) throws SecretException {
    return generate(spec).get(spec.name());
  }

  // ---- ascii and binary ----

  @Test
  void asciiAlphabetIsPrintableAsciiWithoutSpace() {
    assertThat(SecretGenerator.ASCII_ALPHABET).hasSize(94).startsWith("!").endsWith("~").doesNotContain(" ");
    assertThat(SecretGenerator.ASCII_ALPHABET.chars().distinct().count()).isEqualTo(94);
  }

  @Test
  void asciiDefaultsToTwentyCharactersFromTheAlphabet() throws Exception {
    String value = ((SecretValue.Ascii) one(Specs.ascii("pw"))).value();
    assertThat(value).hasSize(20);
    assertThat(value.chars()).allMatch(c -> c >= 0x21 && c <= 0x7E);
  }

  @Test
  void asciiUsesTheWholeAlphabetAndHonoursSize() throws Exception {
    String big = ((SecretValue.Ascii) one(Specs.of("pw", SecretKind.ASCII).size(65536).build())).value();
    assertThat(big).hasSize(65536);
    Set<Integer> seen = new HashSet<>();
    big.chars().forEach(seen::add);
    // 94 symbols, ~697 draws each: a missing symbol means a biased or truncated alphabet.
    assertThat(seen).hasSize(94);
    assertThat(((SecretValue.Ascii) one(Specs.of("pw", SecretKind.ASCII).size(1).build())).value()).hasSize(1);
  }

  @Test
  void binaryDefaultsToTwentyBytesAndHonoursSize() throws Exception {
    assertThat(((SecretValue.Binary) one(Specs.binary("b"))).bytes()).hasSize(20);
    assertThat(((SecretValue.Binary) one(Specs.of("b", SecretKind.BINARY).size(1).build())).bytes()).hasSize(1);
    assertThat(((SecretValue.Binary) one(Specs.of("b", SecretKind.BINARY).size(65536).build())).bytes()).hasSize(65536);
    SecretValue first = one(Specs.binary("b"));
    SecretValue second = one(Specs.binary("b"));
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void sizesOutOfRangeAreRefused() {
    assertThatThrownBy(() -> one(Specs.of("pw", SecretKind.ASCII).size(0).build()))
        .isInstanceOf(SecretException.class)
        .hasMessage("secret 'pw': size 0 is out of range 1..65536 characters");
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).size(65537).build()))
        .hasMessage("secret 'b': size 65537 is out of range 1..65536 bytes");
  }

  @Test
  void explicitAsciiAndBinaryValues() throws Exception {
    assertThat(one(Specs.of("pw", SecretKind.ASCII).value("s3cr3t with space").build()))
        .isEqualTo(new SecretValue.Ascii("s3cr3t with space"));
    assertThat(((SecretValue.Binary) one(Specs.of("b", SecretKind.BINARY).value("00ff10AB\n").build())).bytes())
        .containsExactly(0x00, 0xff, 0x10, 0xab);
  }

  @Test
  void badHexIsRefusedWithoutShowingTheValue() {
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).value("abcz").build()))
        .hasMessage("secret 'b': value is not hex: invalid character at offset 3");
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).value("abc").build()))
        .hasMessage("secret 'b': value has an odd number of hex digits (3)");
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).value("").build()))
        .hasMessage("secret 'b': value is empty (a binary value is written in hex)");
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).value("0x12").build()))
        .hasMessage("secret 'b': value is not hex: invalid character at offset 1");
    // Non-ASCII digits (Character.digit would accept these) are not hex.
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).value("\u0661\u0662").build()))
        .hasMessage("secret 'b': value is not hex: invalid character at offset 0");
  }

  // ---- keys ----

  @Test
  void generatedKeysLoadWithTheJdkAndSign() throws Exception {
    for (KeyType type : KeyType.values()) {
      SecretValue.PrivateKey key = (SecretValue.PrivateKey) one(Specs.key("k", type));
      assertThat(key.keyType()).isEqualTo(type);
      String algorithm = KeyMaterial.jdkAlgorithm(type);
      var priv = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.pkcs8()));
      var pub = KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(key.publicKey().spki()));
      Signature signer = Signature.getInstance(KeyMaterial.signatureAlgorithm(type));
      signer.initSign(priv);
      signer.update("message".getBytes());
      byte[] signature = signer.sign();
      signer.initVerify(pub);
      signer.update("message".getBytes());
      assertThat(signer.verify(signature)).as(type.yamlName()).isTrue();
      signer.initVerify(pub);
      signer.update("messagE".getBytes());
      assertThat(signer.verify(signature)).as(type.yamlName()).isFalse();
    }
  }

  @Test
  void ed25519IsPkcs8VersionTwoWithThePublicKey() throws Exception {
    SecretValue.PrivateKey key = (SecretValue.PrivateKey) one(Specs.key("k", KeyType.ED25519));
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.pkcs8());
    assertThat(info.getVersion().intValueExact()).isEqualTo(1); // v2 per RFC 5958
    assertThat(info.hasPublicKey()).isTrue();
    byte[] spki = key.publicKey().spki();
    byte[] raw = java.util.Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    assertThat(info.getPublicKeyData().getBytes()).isEqualTo(raw);
  }

  @Test
  void explicitPrivateKeyIsCheckedAgainstKeyType() throws Exception {
    var generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    var pair = generator.generateKeyPair();
    String pem = Pem.encode(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded());

    SecretValue.PrivateKey key =
        (SecretValue.PrivateKey) one(Specs.of("k", SecretKind.PRIVATE_KEY).keyType(KeyType.P384).value(pem).build());
    assertThat(key.pkcs8()).isEqualTo(pair.getPrivate().getEncoded());
    assertThat(key.publicKey().spki()).isEqualTo(pair.getPublic().getEncoded());

    assertThatThrownBy(() -> one(Specs.of("k", SecretKind.PRIVATE_KEY).value(pem).build()))
        .hasMessage("secret 'k': value is a P-384 key but key_type is P-256; set key_type: P-384");
    assertThatThrownBy(
            () ->
                one(
                    Specs.of("k", SecretKind.PRIVATE_KEY)
                        .value("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n")
                        .build()))
        .hasMessage(
            "secret 'k': expected '-----BEGIN PRIVATE KEY-----' but line 1 is '-----BEGIN EC PRIVATE KEY-----'"
                + " (a legacy key format; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt')");
    assertThatThrownBy(() -> one(Specs.of("k", SecretKind.PRIVATE_KEY).value(pem + pem).build()))
        .hasMessageContaining("only whitespace may follow '-----END PRIVATE KEY-----'");
  }

  @Test
  void publicKeyIsDerivedOrExplicit() throws Exception {
    Map<String, SecretValue> values =
        generate(
            Specs.key("k", KeyType.P256),
            Specs.of("pub", SecretKind.PUBLIC_KEY).privateKey("k").build());
    SecretValue.PrivateKey key = (SecretValue.PrivateKey) values.get("k");
    SecretValue.PublicKey pub = (SecretValue.PublicKey) values.get("pub");
    assertThat(pub.spki()).isEqualTo(key.publicKey().spki());
    assertThat(pub.keyType()).isEqualTo(KeyType.P256);

    String pem = Pem.encode(Pem.PUBLIC_KEY, pub.spki());
    assertThat(one(Specs.of("p", SecretKind.PUBLIC_KEY).value(pem).build())).isEqualTo(pub);
    assertThatThrownBy(
            () ->
                generate(
                    Specs.key("other", KeyType.P256),
                    Specs.of("p", SecretKind.PUBLIC_KEY).value(pem).privateKey("other").build()))
        .hasMessage("secret 'p': value is not the public key of private_key 'other'");
    assertThatThrownBy(() -> one(Specs.of("p", SecretKind.PUBLIC_KEY).build()))
        .hasMessage("secret 'p': a public-key needs private_key or value");
  }

  // ---- migration ----

  @Test
  void migrationKeepsAsciiAndBinaryOfTheSameKind() throws Exception {
    List<SecretSpec> before = List.of(Specs.ascii("pw"), Specs.binary("b"), Specs.ascii("was_ascii"));
    Map<String, SecretValue> old = SecretGenerator.generate(before, SecretGenerator.Predecessor.NONE, Map.of(), NOW, RANDOM);

    List<SecretSpec> after =
        List.of(
            Specs.of("pw", SecretKind.ASCII).size(40).build(), // size changes do not regenerate
            Specs.binary("b"),
            Specs.binary("was_ascii"),
            Specs.ascii("new"));
    Map<String, SecretValue> updated =
        SecretGenerator.generate(after, new SecretGenerator.Predecessor(before, old), Map.of(), NOW, RANDOM);
    assertThat(updated.get("pw")).isEqualTo(old.get("pw"));
    assertThat(updated.get("b")).isEqualTo(old.get("b"));
    assertThat(updated.get("was_ascii")).isInstanceOf(SecretValue.Binary.class);
    assertThat(updated.get("new")).isInstanceOf(SecretValue.Ascii.class);
  }

  @Test
  void explicitValueWinsOverMigration() throws Exception {
    List<SecretSpec> before = List.of(Specs.ascii("pw"));
    Map<String, SecretValue> old = SecretGenerator.generate(before, SecretGenerator.Predecessor.NONE, Map.of(), NOW, RANDOM);
    Map<String, SecretValue> updated =
        SecretGenerator.generate(
            List.of(Specs.of("pw", SecretKind.ASCII).value("chosen").build()),
            new SecretGenerator.Predecessor(before, old),
            Map.of(),
            NOW,
            RANDOM);
    assertThat(updated.get("pw")).isEqualTo(new SecretValue.Ascii("chosen"));
  }

  @Test
  void privateKeysMigrateOnlyWhenBothVersionsSayMigrate() throws Exception {
    SecretSpec migrating = Specs.of("k", SecretKind.PRIVATE_KEY).keyType(KeyType.P256).migrate(true).build();
    SecretSpec plain = Specs.key("k", KeyType.P256);
    SecretSpec otherType = Specs.of("k", SecretKind.PRIVATE_KEY).keyType(KeyType.P384).migrate(true).build();
    SecretSpec cert = Specs.cert("c", "k", null);

    Map<String, SecretValue> old =
        SecretGenerator.generate(List.of(migrating, cert), SecretGenerator.Predecessor.NONE, Map.of(), NOW, RANDOM);
    var predecessor = new SecretGenerator.Predecessor(List.of(migrating, cert), old);

    Map<String, SecretValue> kept = SecretGenerator.generate(List.of(migrating, cert), predecessor, Map.of(), NOW, RANDOM);
    assertThat(kept.get("k")).isEqualTo(old.get("k"));
    // Certificates are always regenerated, here with the kept key.
    SecretValue.Certificate oldCert = (SecretValue.Certificate) old.get("c");
    SecretValue.Certificate newCert = (SecretValue.Certificate) kept.get("c");
    assertThat(newCert.der()).isNotEqualTo(oldCert.der());
    assertThat(newCert.x509().getPublicKey()).isEqualTo(oldCert.x509().getPublicKey());

    assertThat(SecretGenerator.generate(List.of(plain), predecessor, Map.of(), NOW, RANDOM).get("k"))
        .isNotEqualTo(old.get("k"));
    assertThat(SecretGenerator.generate(List.of(otherType), predecessor, Map.of(), NOW, RANDOM).get("k"))
        .isNotEqualTo(old.get("k"));
    var plainBefore = new SecretGenerator.Predecessor(List.of(plain), Map.of("k", old.get("k")));
    assertThat(SecretGenerator.generate(List.of(migrating), plainBefore, Map.of(), NOW, RANDOM).get("k"))
        .isNotEqualTo(old.get("k"));
  }

  @Test
  void previouslyImportedValuesAreNotMigrated() throws Exception {
    SecretSpec importedBefore = Specs.of("pw", SecretKind.ASCII).importFrom("other", "pw").build();
    var predecessor = new SecretGenerator.Predecessor(List.of(importedBefore), Map.of("pw", new SecretValue.Ascii("theirs")));
    Map<String, SecretValue> updated =
        SecretGenerator.generate(List.of(Specs.ascii("pw")), predecessor, Map.of(), NOW, RANDOM);
    assertThat(updated.get("pw")).isNotEqualTo(new SecretValue.Ascii("theirs"));
  }

  // ---- imports and kinds ----

  @Test
  void importsAreTakenAndTypeChecked() throws Exception {
    SecretSpec imported = Specs.of("pw", SecretKind.ASCII).importFrom("other", "their_pw").build();
    Map<String, SecretValue> values =
        SecretGenerator.generate(
            List.of(imported), SecretGenerator.Predecessor.NONE, Map.of("pw", new SecretValue.Ascii("x")), NOW, RANDOM);
    assertThat(values.get("pw")).isEqualTo(new SecretValue.Ascii("x"));

    assertThatThrownBy(
            () ->
                SecretGenerator.generate(
                    List.of(imported),
                    SecretGenerator.Predecessor.NONE,
                    Map.of("pw", new SecretValue.Binary(new byte[] {1})),
                    NOW,
                    RANDOM))
        .hasMessage("secret 'pw' is declared ascii but the imported secret 'their_pw' of session 'other' is a binary value");
    assertThatThrownBy(
            () -> SecretGenerator.generate(List.of(imported), SecretGenerator.Predecessor.NONE, Map.of(), NOW, RANDOM))
        .hasMessage("secret 'pw' is imported from session 'other' but no imported value was supplied");

    Map<String, SecretValue> made = generate(Specs.key("k", KeyType.P256), Specs.cert("leaf", "k", null));
    assertThatThrownBy(
            () ->
                SecretGenerator.generate(
                    List.of(Specs.of("ca", SecretKind.X509_CA).importFrom("other", "leaf").build()),
                    SecretGenerator.Predecessor.NONE,
                    Map.of("ca", made.get("leaf")),
                    NOW,
                    RANDOM))
        .hasMessage(
            "secret 'ca' is declared x509-ca but the imported secret 'leaf' of session 'other' is a certificate that is"
                + " not a CA (CA:false)");
  }

  @Test
  void configFragmentsAreLeftOutAndUnsupportedKindsRefused() throws Exception {
    Map<String, SecretValue> values =
        generate(Specs.ascii("a"), Specs.of("frag", SecretKind.CONFIG_FRAGMENT).value("x: 1").build(), Specs.binary("b"));
    assertThat(values.keySet()).containsExactly("a", "b");
    assertThatThrownBy(() -> generate(Specs.of("j", SecretKind.JWT).build()))
        .hasMessage("secret 'j': kind jwt is not supported by Clave yet");
    assertThatThrownBy(() -> generate(Specs.ascii("a"), Specs.binary("a")))
        .hasMessage("secret 'a' is defined twice");
  }

  @Test
  void messagesNeverContainTheValue() {
    String secret = "SUPERSECRETVALUE";
    assertThatThrownBy(() -> one(Specs.of("k", SecretKind.PRIVATE_KEY).value(secret).build()))
        .isInstanceOf(SecretException.class)
        .message()
        .doesNotContain(secret);
    assertThatThrownBy(
            () ->
                one(
                    Specs.of("k", SecretKind.PRIVATE_KEY)
                        .value("-----BEGIN PRIVATE KEY-----\n" + secret + "!\n-----END PRIVATE KEY-----")
                        .build()))
        .message()
        .doesNotContain(secret)
        .contains("not valid base64");
    assertThatThrownBy(() -> one(Specs.of("b", SecretKind.BINARY).value("00" + secret).build()))
        .message()
        .doesNotContain(secret)
        .doesNotContain("S");
  }
}
