package dev.clave.policy.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

class SignerKeyTest {
  /** The older signer-key form quoted by the reference (§1.9) from SCONE's governance docs. */
  static final String SCONE_LEGACY_SIGNER = "LtLcbPVddnCkH36ZcRdgYsw4H8xDbYaFZfuefkDc25uq2qdjmM";

  /** The PEM signer of the reference's access_policy example (§1.9). */
  static final String SCONE_PEM_SIGNER = """
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAOsufQ7RCOXueVLQBpk7Y44GAaj+LzPbmHfdr/TPdlrE=
      -----END PUBLIC KEY-----
      """;

  @Test
  void legacyExampleDecodesToAnEd25519Key() {
    SignerKey key = SignerKey.parse(SCONE_LEGACY_SIGNER);
    assertThat(key.algorithm()).isEqualTo(SignerKey.Algorithm.ED25519);
    assertThat(key.rawKey()).hasSize(32);
    assertThat(key.toLegacy()).contains(SCONE_LEGACY_SIGNER);
    assertThat(key.text()).isEqualTo(SCONE_LEGACY_SIGNER);
    // The PEM form names the same key.
    SignerKey again = SignerKey.parse(key.toPem());
    assertThat(again).isEqualTo(key).hasSameHashCodeAs(key);
    assertThat(again.toPem()).startsWith("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA");
    assertThat(key.toPublicKey().getAlgorithm()).isIn("Ed25519", "EdDSA");
    assertThat(key.keyHash().toString()).hasSize(50);
    assertThat(key.toString()).isEqualTo("Ed25519 " + SCONE_LEGACY_SIGNER);
  }

  @Test
  void pemExampleFromTheAccessPolicyDocsParses() {
    SignerKey key = SignerKey.parse(SCONE_PEM_SIGNER);
    assertThat(key.algorithm()).isEqualTo(SignerKey.Algorithm.ED25519);
    byte[] spki = Base64.getDecoder().decode("MCowBQYDK2VwAyEAOsufQ7RCOXueVLQBpk7Y44GAaj+LzPbmHfdr/TPdlrE=");
    assertThat(key.spkiDer()).isEqualTo(spki);
    assertThat(key.rawKey()).isEqualTo(Arrays.copyOfRange(spki, 12, 44));
    assertThat(SignerKey.fromLegacy(key.toLegacy().orElseThrow())).isEqualTo(key);
  }

  @Test
  void jdkGeneratedKeysOfBothAlgorithmsParse() throws Exception {
    KeyPair ed = TestKeys.generate("Ed25519");
    SignerKey edKey = SignerKey.fromPem(TestKeys.publicPem(ed));
    assertThat(edKey.spkiDer()).isEqualTo(ed.getPublic().getEncoded());

    KeyPair p384 = TestKeys.generate("P-384");
    SignerKey pKey = SignerKey.parse(TestKeys.publicPem(p384));
    assertThat(pKey.algorithm()).isEqualTo(SignerKey.Algorithm.P384);
    assertThat(pKey.toLegacy()).isEmpty();
    assertThat(pKey.text()).isEqualTo(pKey.toPem());
    assertThat(pKey.rawKey()).hasSize(97);
    assertThat(pKey.toString()).startsWith("P-384 key ");
    // The JCA key works: a JDK signature verifies with it.
    Signature s = Signature.getInstance("SHA384withECDSA");
    s.initSign(p384.getPrivate());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    Signature v = Signature.getInstance("SHA384withECDSA");
    v.initVerify(pKey.toPublicKey());
    v.update(new byte[] {1, 2, 3});
    assertThat(v.verify(sig)).isTrue();
    assertThat(((ECPublicKey) pKey.toPublicKey()).getW()).isEqualTo(((ECPublicKey) p384.getPublic()).getW());
  }

  @Test
  void otherAlgorithmsAreRefusedByName() {
    assertThatThrownBy(() -> SignerKey.parse(TestKeys.publicPem(TestKeys.generate("P-256"))))
        .hasMessage("EC key on curve 1.2.840.10045.3.1.7; a signer key must be Ed25519 or P-384 (named curve secp384r1)");
    assertThatThrownBy(() -> SignerKey.parse(TestKeys.publicPem(TestKeys.generate("RSA"))))
        .hasMessage("key algorithm 1.2.840.113549.1.1.1 is not allowed; a signer key must be Ed25519 or P-384");
    assertThatThrownBy(() -> SignerKey.parse(TestKeys.publicPem(TestKeys.generate("X25519"))))
        .hasMessageStartingWith("key algorithm 1.3.101.110 is not allowed");
  }

  @Test
  void malformedKeysAreRefused() throws Exception {
    // The identity point (y = 1) is a valid encoding of a small-order point: not a usable key.
    byte[] identity = new byte[32];
    identity[0] = 1;
    assertThatThrownBy(() -> SignerKey.ed25519(identity)).hasMessageContaining("not a valid Ed25519 public key");
    assertThatThrownBy(() -> SignerKey.ed25519(new byte[31])).hasMessage("an Ed25519 public key is 32 bytes, got 31");
    // RFC 8410: Ed25519 parameters must be absent.
    byte[] raw = SignerKey.parse(SCONE_LEGACY_SIGNER).rawKey();
    byte[] withNull = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519, DERNull.INSTANCE), raw).getEncoded();
    assertThatThrownBy(() -> SignerKey.fromSpki(withNull)).hasMessageContaining("parameters must be absent");
    // A compressed P-384 point.
    byte[] spki = TestKeys.generate("P-384").getPublic().getEncoded();
    SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(spki);
    byte[] point = info.getPublicKeyData().getBytes();
    byte[] compressed = new byte[49];
    compressed[0] = (byte) (2 + (point[96] & 1));
    System.arraycopy(point, 1, compressed, 1, 48);
    byte[] compressedSpki = new SubjectPublicKeyInfo(info.getAlgorithm(), compressed).getEncoded();
    assertThatThrownBy(() -> SignerKey.fromSpki(compressedSpki)).hasMessageContaining("expected an uncompressed point");
    // A point off the curve.
    byte[] off = point.clone();
    off[96] ^= 1;
    byte[] offSpki = new SubjectPublicKeyInfo(info.getAlgorithm(), off).getEncoded();
    assertThatThrownBy(() -> SignerKey.fromSpki(offSpki)).hasMessage("P-384 key: the point is not on the curve");
  }

  @Test
  void legacyFormErrorsSayWhatWasExpected() {
    assertThatThrownBy(() -> SignerKey.parse(KeyHashTest.SCONE_EXAMPLE))
        .hasMessage("signer key (Base58Check Ed25519 form): wrong version 0x01, expected 0x0a");
    assertThatThrownBy(() -> SignerKey.parse("LtLcbPVddnCkH36ZcRdgYsw4H8xDbYaFZfuefkDc25uq2qdjmN"))
        .hasMessage("signer key (Base58Check Ed25519 form): bad checksum (a character is wrong or missing)");
    assertThatThrownBy(() -> SignerKey.parse("not a key")).hasMessageContaining("U+0020 at position 4");
    assertThat(SignerKey.parse("  " + SCONE_LEGACY_SIGNER + "\n")).isEqualTo(SignerKey.parse(SCONE_LEGACY_SIGNER));
    assertThat(HexFormat.of().formatHex(SignerKey.parse(SCONE_LEGACY_SIGNER).rawKey())).hasSize(64);
  }
}
