package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;

class KeyMaterialTest {
  private static KeyPair pair(String algorithm, AlgorithmParameterSpec spec) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    if (spec != null) {
      g.initialize(spec);
    }
    return g.generateKeyPair();
  }

  private static KeyPair pair(String algorithm, int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    g.initialize(bits);
    return g.generateKeyPair();
  }

  @Test
  void derivedPublicKeysEqualTheJdksEncoding() throws Exception {
    check(KeyType.P256, pair("EC", new ECGenParameterSpec("secp256r1")));
    check(KeyType.P384, pair("EC", new ECGenParameterSpec("secp384r1")));
    check(KeyType.ED25519, pair("Ed25519", null));
    check(KeyType.RSA2048, pair("RSA", 2048));
  }

  private static void check(KeyType type, KeyPair pair) {
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    assertThat(KeyMaterial.privateKeyType(pkcs8)).isEqualTo(type);
    assertThat(KeyMaterial.derivePublicKey(type, pkcs8)).as(type.yamlName()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(KeyMaterial.publicKeyType(pair.getPublic().getEncoded())).isEqualTo(type);
  }

  @Test
  void unsupportedAlgorithmsCurvesAndSizesAreNamed() throws Exception {
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(pair("EC", new ECGenParameterSpec("secp521r1")).getPrivate().getEncoded()))
        .hasMessage("unsupported elliptic curve 1.3.132.0.35; supported: P-256, P-384 (as named curves)");
    KeyPair rsa1024 = pair("RSA", 1024);
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(rsa1024.getPrivate().getEncoded()))
        .hasMessage("unsupported RSA key size 1024 bits; supported: RSA-2048, RSA-3072");
    assertThatThrownBy(() -> KeyMaterial.publicKeyType(rsa1024.getPublic().getEncoded()))
        .hasMessage("unsupported RSA key size 1024 bits; supported: RSA-2048, RSA-3072");
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(pair("Ed448", null).getPrivate().getEncoded()))
        .hasMessage("unsupported key algorithm 1.3.101.113; supported: P-256, P-384, Ed25519, RSA-2048, RSA-3072");
  }

  @Test
  void malformedEncodingsAreRefused() throws Exception {
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(new byte[] {0x30, 0x03, 0x02, 0x01}))
        .hasMessage("not a PKCS#8 private key (DER PrivateKeyInfo)");
    byte[] good = pair("Ed25519", null).getPrivate().getEncoded();
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(trailing)).hasMessage("not a PKCS#8 private key (DER PrivateKeyInfo)");
    assertThatThrownBy(() -> KeyMaterial.publicKeyType(good)).hasMessage("not a public key (DER SubjectPublicKeyInfo)");
  }

  @Test
  void anEmbeddedPublicKeyMustBelongToThePrivateKey() throws Exception {
    KeyPair a = pair("Ed25519", null);
    KeyPair b = pair("Ed25519", null);
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(a.getPrivate().getEncoded());
    byte[] otherPublic = SubjectPublicKeyInfo.getInstance(b.getPublic().getEncoded()).getPublicKeyData().getBytes();
    byte[] mismatched =
        new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey(), null, otherPublic).getEncoded(ASN1Encoding.DER);
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(mismatched))
        .hasMessage("the public key inside the Ed25519 PKCS#8 key does not belong to its private key");

    // EC: an ECPrivateKey carrying another key's point.
    KeyPair ec = pair("EC", new ECGenParameterSpec("secp256r1"));
    KeyPair ec2 = pair("EC", new ECGenParameterSpec("secp256r1"));
    PrivateKeyInfo ecInfo = PrivateKeyInfo.getInstance(ec.getPrivate().getEncoded());
    byte[] wrongPoint = SubjectPublicKeyInfo.getInstance(ec2.getPublic().getEncoded()).getPublicKeyData().getBytes();
    byte[] rightPoint = SubjectPublicKeyInfo.getInstance(ec.getPublic().getEncoded()).getPublicKeyData().getBytes();
    var params = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(ecInfo.parsePrivateKey()).getParametersObject();
    java.math.BigInteger d = ((ECPrivateKey) ec.getPrivate()).getS();
    byte[] withWrong =
        new PrivateKeyInfo(
                ecInfo.getPrivateKeyAlgorithm(),
                new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, new DERBitString(wrongPoint), params))
            .getEncoded(ASN1Encoding.DER);
    byte[] withRight =
        new PrivateKeyInfo(
                ecInfo.getPrivateKeyAlgorithm(),
                new org.bouncycastle.asn1.sec.ECPrivateKey(256, d, new DERBitString(rightPoint), params))
            .getEncoded(ASN1Encoding.DER);
    assertThatThrownBy(() -> KeyMaterial.privateKeyType(withWrong))
        .hasMessage("the public key inside the P-256 PKCS#8 key does not belong to its private key");
    assertThat(KeyMaterial.privateKeyType(withRight)).isEqualTo(KeyType.P256);
  }

  @Test
  void generatedKeysAreOfTheirType() {
    var random = new SecureRandom();
    for (KeyType type : new KeyType[] {KeyType.P256, KeyType.P384, KeyType.ED25519}) {
      assertThat(KeyMaterial.privateKeyType(KeyMaterial.generate(type, random))).isEqualTo(type);
    }
  }
}
