package dev.clave.attestation.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.HexFormat;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/** The provider against RFC 7748's vectors and against the JDK's own providers, in both directions. */
class ClaveCryptoProviderTest {
  private static final Provider CLAVE = new ClaveCryptoProvider();
  private static final Provider SUN_EC = Security.getProvider("SunEC");
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void x25519MatchesRfc7748Section61() throws Exception {
    byte[] alicePriv = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    byte[] bobPub = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    KeyFactory kf = KeyFactory.getInstance("XDH", CLAVE);
    var priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, alicePriv));
    var pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, uOf(bobPub)));
    KeyAgreement ka = KeyAgreement.getInstance("XDH", CLAVE);
    ka.init(priv);
    ka.doPhase(pub, true);
    assertThat(HEX.formatHex(ka.generateSecret()))
        .isEqualTo("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  }

  @Test
  void x25519AgreesWithTheJdkAndEncodesKeysTheSameWay() throws Exception {
    KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH", CLAVE);
    ours.initialize(NamedParameterSpec.X25519);
    KeyPairGenerator jdk = KeyPairGenerator.getInstance("XDH", SUN_EC);
    jdk.initialize(NamedParameterSpec.X25519);
    for (int i = 0; i < 20; i++) {
      KeyPair a = ours.generateKeyPair();
      KeyPair b = jdk.generateKeyPair();
      byte[] ab = agree("XDH", CLAVE, a, b);
      byte[] ba = agree("XDH", SUN_EC, b, a);
      assertThat(ab).hasSize(32).isEqualTo(ba);
      // The JDK's factory reads our encodings and ours reads the JDK's, to the same keys.
      KeyFactory jdkKf = KeyFactory.getInstance("XDH", SUN_EC);
      KeyFactory ourKf = KeyFactory.getInstance("XDH", CLAVE);
      assertThat(jdkKf.generatePublic(new X509EncodedKeySpec(a.getPublic().getEncoded())).getEncoded())
          .isEqualTo(a.getPublic().getEncoded());
      assertThat(ourKf.generatePublic(new X509EncodedKeySpec(b.getPublic().getEncoded())).getEncoded())
          .isEqualTo(b.getPublic().getEncoded());
      assertThat(jdkKf.generatePrivate(new PKCS8EncodedKeySpec(a.getPrivate().getEncoded())).getEncoded())
          .isEqualTo(a.getPrivate().getEncoded());
      assertThat(ourKf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
          ((java.security.interfaces.XECPublicKey) b.getPublic()).getU())).getEncoded()).isEqualTo(b.getPublic().getEncoded());
    }
  }

  @Test
  void smallOrderPeerKeysAndOtherCurvesAreRefused() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("XDH", CLAVE);
    g.initialize(NamedParameterSpec.X25519);
    KeyAgreement ka = KeyAgreement.getInstance("XDH", CLAVE);
    ka.init(g.generateKeyPair().getPrivate());
    var zero = KeyFactory.getInstance("XDH", CLAVE).generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, BigInteger.ZERO));
    assertThatThrownBy(() -> ka.doPhase(zero, true)).isInstanceOf(InvalidKeyException.class).hasMessageContaining("small order");

    assertThatThrownBy(() -> g.initialize(NamedParameterSpec.X448))
        .isInstanceOf(java.security.InvalidAlgorithmParameterException.class);
    KeyPairGenerator x448 = KeyPairGenerator.getInstance("XDH", SUN_EC);
    x448.initialize(NamedParameterSpec.X448);
    assertThatThrownBy(() -> ka.init(x448.generateKeyPair().getPrivate())).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void ecdsaSignaturesInteroperateWithTheJdkInBothDirections() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", SUN_EC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    byte[] message = "the CertificateVerify transcript".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 20; i++) {
      KeyPair k = g.generateKeyPair();
      byte[] ourSig = sign(CLAVE, k, message);
      assertThat(verify(SUN_EC, k, message, ourSig)).isTrue();
      assertThat(verify(CLAVE, k, message, ourSig)).isTrue();
      byte[] jdkSig = sign(SUN_EC, k, message);
      assertThat(verify(CLAVE, k, message, jdkSig)).isTrue();

      byte[] other = message.clone();
      other[i % other.length] ^= 1;
      assertThat(verify(CLAVE, k, other, jdkSig)).isFalse();
      byte[] flipped = jdkSig.clone();
      flipped[flipped.length - 1] ^= 1;
      assertThat(verify(CLAVE, k, message, flipped)).isFalse();
    }
    KeyPair k = g.generateKeyPair();
    assertThat(sign(CLAVE, k, message)).as("RFC 6979: same key and message, same signature")
        .isEqualTo(sign(CLAVE, k, message));
  }

  @Test
  void malformedDerSignaturesAreErrorsNotVerdicts() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", SUN_EC);
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair k = g.generateKeyPair();
    byte[] good = sign(CLAVE, k, new byte[] {1});
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    byte[] padded = HEX.parseHex("300802020001020200" + "01"); // r = 0x0001: not minimal
    byte[] negative = HEX.parseHex("3006020180020101");
    for (byte[] bad : new byte[][] {new byte[0], trailing, padded, negative, java.util.Arrays.copyOf(good, good.length - 1)}) {
      assertThatThrownBy(() -> verify(CLAVE, k, new byte[] {1}, bad)).isInstanceOf(SignatureException.class)
          .hasMessageContaining("signature");
    }
  }

  @Test
  void otherCurvesAreRefusedSoTheJcaFallsBackToTheJdk() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC", SUN_EC);
    g.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair k = g.generateKeyPair();
    Signature s = Signature.getInstance("SHA256withECDSA", CLAVE);
    assertThatThrownBy(() -> s.initSign(k.getPrivate())).isInstanceOf(InvalidKeyException.class);
    assertThatThrownBy(() -> s.initVerify(k.getPublic())).isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void ed25519InteroperatesWithTheJdkAndMatchesRfc8032() throws Exception {
    // RFC 8032 §7.1, TEST 2: a one-byte message.
    var kf = java.security.KeyFactory.getInstance("Ed25519", SUN_EC);
    var priv = kf.generatePrivate(new java.security.spec.EdECPrivateKeySpec(java.security.spec.NamedParameterSpec.ED25519,
        HEX.parseHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")));
    Signature s = Signature.getInstance("Ed25519", CLAVE);
    s.initSign(priv);
    s.update(new byte[] {0x72});
    assertThat(HEX.formatHex(s.sign())).isEqualTo("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519", SUN_EC);
    byte[] message = "the CertificateVerify transcript".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (int i = 0; i < 20; i++) {
      KeyPair k = g.generateKeyPair();
      byte[] ours = edSign(CLAVE, k, message);
      assertThat(ours).isEqualTo(edSign(SUN_EC, k, message)); // deterministic: the same bytes
      assertThat(edVerify(SUN_EC, k, message, ours)).isTrue();
      assertThat(edVerify(CLAVE, k, message, ours)).isTrue();
      byte[] other = message.clone();
      other[i % other.length] ^= 1;
      assertThat(edVerify(CLAVE, k, other, ours)).isFalse();
      byte[] flipped = ours.clone();
      flipped[i] ^= 1;
      assertThat(edVerify(CLAVE, k, message, flipped)).isFalse();
    }
    KeyPair k = g.generateKeyPair();
    assertThatThrownBy(() -> edVerify(CLAVE, k, message, new byte[63])).isInstanceOf(SignatureException.class);
    KeyPair ed448 = KeyPairGenerator.getInstance("Ed448", SUN_EC).generateKeyPair();
    assertThatThrownBy(() -> Signature.getInstance("Ed25519", CLAVE).initVerify(ed448.getPublic()))
        .isInstanceOf(InvalidKeyException.class);
  }

  @Test
  void ed25519SigningWithOneKeyObjectManyTimesUsesItsOwnPublicKeyEachTime() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519", SUN_EC);
    byte[] message = "handshake".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    KeyPair a = g.generateKeyPair();
    KeyPair b = g.generateKeyPair();
    for (int i = 0; i < 3; i++) { // the public key is derived once per key object, then remembered
      assertThat(edVerify(SUN_EC, a, message, edSign(CLAVE, a, message))).isTrue();
      assertThat(edVerify(SUN_EC, b, message, edSign(CLAVE, b, message))).isTrue();
    }
    // A key object whose secret bytes change (no JDK key does) must not be signed for with the old public key.
    byte[][] seed = {((java.security.interfaces.EdECPrivateKey) a.getPrivate()).getBytes().orElseThrow()};
    java.security.interfaces.EdECPrivateKey changing = new java.security.interfaces.EdECPrivateKey() {
      @Override public java.util.Optional<byte[]> getBytes() { return java.util.Optional.of(seed[0].clone()); }
      @Override public NamedParameterSpec getParams() { return NamedParameterSpec.ED25519; }
      @Override public String getAlgorithm() { return "Ed25519"; }
      @Override public String getFormat() { return null; }
      @Override public byte[] getEncoded() { return null; }
    };
    assertThat(edVerify(SUN_EC, a, message, edSign(CLAVE, new KeyPair(a.getPublic(), changing), message))).isTrue();
    seed[0] = ((java.security.interfaces.EdECPrivateKey) b.getPrivate()).getBytes().orElseThrow();
    assertThat(edVerify(SUN_EC, b, message, edSign(CLAVE, new KeyPair(b.getPublic(), changing), message))).isTrue();
  }

  static byte[] edSign(Provider p, KeyPair k, byte[] message) throws Exception {
    Signature s = Signature.getInstance("Ed25519", p);
    s.initSign(k.getPrivate());
    s.update(message);
    return s.sign();
  }

  static boolean edVerify(Provider p, KeyPair k, byte[] message, byte[] sig) throws Exception {
    Signature s = Signature.getInstance("Ed25519", p);
    s.initVerify(k.getPublic());
    s.update(message);
    return s.verify(sig);
  }

  static byte[] agree(String alg, Provider p, KeyPair mine, KeyPair theirs) throws Exception {
    KeyAgreement ka = KeyAgreement.getInstance(alg, p);
    ka.init(mine.getPrivate());
    ka.doPhase(theirs.getPublic(), true);
    return ka.generateSecret();
  }

  static byte[] sign(Provider p, KeyPair k, byte[] message) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA", p);
    s.initSign(k.getPrivate());
    s.update(message);
    return s.sign();
  }

  static boolean verify(Provider p, KeyPair k, byte[] message, byte[] sig) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA", p);
    s.initVerify(k.getPublic());
    s.update(message);
    return s.verify(sig);
  }

  private static BigInteger uOf(byte[] littleEndian) {
    byte[] big = new byte[littleEndian.length];
    for (int i = 0; i < big.length; i++) {
      big[i] = littleEndian[big.length - 1 - i];
    }
    return new BigInteger(1, big);
  }
}
