package dev.clave.policy.secrets;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Key encodings for the five {@link KeyType}s: recognising PKCS#8 and SPKI DER, deriving a public key from a
 * private one, generating keys and choosing signature algorithms. The JDK does the cryptography (key
 * generation, signing); BouncyCastle's ASN.1 classes read the encodings and its lightweight API derives
 * public keys, which the JDK cannot do from a PKCS#8 key alone.
 *
 * <p>Failures are {@link IllegalArgumentException}s whose messages describe the encoding, never its bytes.
 */
final class KeyMaterial {
  private static final BigInteger F4 = RSAKeyGenParameterSpec.F4;

  private KeyMaterial() {}

  /**
   * The key type of an unencrypted PKCS#8 key, checking that the JDK loads it and that a public key carried
   * inside (EC, or RFC 5958 v2) belongs to the private key.
   */
  static KeyType privateKeyType(byte[] pkcs8) {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(pkcs8));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a PKCS#8 private key (DER PrivateKeyInfo)");
    }
    KeyType type;
    byte[] embedded;
    try {
      type = keyType(info.getPrivateKeyAlgorithm(), () -> RSAPrivateKey.getInstance(info.parsePrivateKey()).getModulus());
      embedded = embeddedPublicKey(type, info);
    } catch (UnsupportedKeyException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a PKCS#8 private key (malformed key inside PrivateKeyInfo)");
    }
    toJavaPrivateKey(type, pkcs8); // the JDK must accept it too, or signing would fail later
    if (embedded != null) {
      byte[] derived = SubjectPublicKeyInfo.getInstance(derivePublicKey(type, pkcs8)).getPublicKeyData().getBytes();
      if (!Arrays.equals(derived, embedded)) {
        throw new IllegalArgumentException("the public key inside the " + type.yamlName() + " PKCS#8 key does not belong to its private key");
      }
    }
    return type;
  }

  /** The public key bits a PKCS#8 key carries (RFC 5958 v2 field, or the EC key's own field), or null. */
  private static byte[] embeddedPublicKey(KeyType type, PrivateKeyInfo info) throws IOException {
    if (info.hasPublicKey()) {
      return info.getPublicKeyData().getBytes();
    }
    if (type == KeyType.P256 || type == KeyType.P384) {
      var bits = ECPrivateKey.getInstance(info.parsePrivateKey()).getPublicKey();
      return bits == null ? null : bits.getBytes();
    }
    return null;
  }

  /** The key type of a DER SubjectPublicKeyInfo, checking that the JDK loads it. */
  static KeyType publicKeyType(byte[] spki) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(spki));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a public key (DER SubjectPublicKeyInfo)");
    }
    KeyType type;
    try {
      type = keyType(info.getAlgorithm(), () -> RSAPublicKey.getInstance(info.parsePublicKey()).getModulus());
    } catch (UnsupportedKeyException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a public key (malformed key inside SubjectPublicKeyInfo)");
    }
    toJavaPublicKey(type, spki);
    return type;
  }

  /** A well-formed key of an algorithm, curve or size Clave does not support. */
  private static final class UnsupportedKeyException extends IllegalArgumentException {
    UnsupportedKeyException(String message) {
      super(message);
    }
  }

  private interface ModulusReader {
    BigInteger read() throws IOException;
  }

  private static KeyType keyType(AlgorithmIdentifier algorithm, ModulusReader rsaModulus) throws IOException {
    ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      ASN1Encodable params = algorithm.getParameters();
      if (X9ObjectIdentifiers.prime256v1.equals(params)) {
        return KeyType.P256;
      }
      if (SECObjectIdentifiers.secp384r1.equals(params)) {
        return KeyType.P384;
      }
      throw new UnsupportedKeyException(
          "unsupported elliptic curve "
              + (params instanceof ASN1ObjectIdentifier curve ? curve.getId() : "(explicit parameters)")
              + "; supported: P-256, P-384 (as named curves)");
    }
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      return KeyType.ED25519;
    }
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
      int bits = rsaModulus.read().bitLength();
      return switch (bits) {
        case 2048 -> KeyType.RSA2048;
        case 3072 -> KeyType.RSA3072;
        default -> throw new UnsupportedKeyException("unsupported RSA key size " + bits + " bits; supported: RSA-2048, RSA-3072");
      };
    }
    throw new UnsupportedKeyException(
        "unsupported key algorithm " + oid.getId() + "; supported: P-256, P-384, Ed25519, RSA-2048, RSA-3072");
  }

  /** The JDK algorithm name for KeyFactory and KeyPairGenerator. */
  static String jdkAlgorithm(KeyType type) {
    return switch (type) {
      case P256, P384 -> "EC";
      case ED25519 -> "Ed25519";
      case RSA2048, RSA3072 -> "RSA";
    };
  }

  /** The signature algorithm a key of this type signs certificates with. */
  static String signatureAlgorithm(KeyType type) {
    return switch (type) {
      case P256 -> "SHA256withECDSA";
      case P384 -> "SHA384withECDSA";
      case ED25519 -> "Ed25519";
      case RSA2048, RSA3072 -> "SHA256withRSA";
    };
  }

  static java.security.PrivateKey toJavaPrivateKey(KeyType type, byte[] pkcs8) {
    try {
      return KeyFactory.getInstance(jdkAlgorithm(type)).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the JDK does not accept this " + type.yamlName() + " PKCS#8 key");
    }
  }

  static java.security.PublicKey toJavaPublicKey(byte[] spki) {
    return toJavaPublicKey(publicKeyType(spki), spki);
  }

  private static java.security.PublicKey toJavaPublicKey(KeyType type, byte[] spki) {
    try {
      return KeyFactory.getInstance(jdkAlgorithm(type)).generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the JDK does not accept this " + type.yamlName() + " public key");
    }
  }

  /**
   * The SubjectPublicKeyInfo (DER) of a PKCS#8 key: EC keys as named curve with an uncompressed point, RSA with
   * a NULL parameter, Ed25519 without parameters, as the JDK encodes them.
   */
  static byte[] derivePublicKey(KeyType type, byte[] pkcs8) {
    try {
      AsymmetricKeyParameter key = PrivateKeyFactory.createKey(pkcs8);
      AsymmetricKeyParameter pub =
          switch (key) {
            case ECPrivateKeyParameters ec ->
                new ECPublicKeyParameters(
                    new FixedPointCombMultiplier().multiply(ec.getParameters().getG(), ec.getD()).normalize(),
                    ec.getParameters());
            case Ed25519PrivateKeyParameters ed -> ed.generatePublicKey();
            case RSAPrivateCrtKeyParameters rsa -> new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
            default -> throw new IllegalStateException("unexpected key parameters");
          };
      SubjectPublicKeyInfo info = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub);
      if (type == KeyType.RSA2048 || type == KeyType.RSA3072) {
        // Keep the JDK's encoding: rsaEncryption with an explicit NULL parameter.
        info = new SubjectPublicKeyInfo(
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), info.getPublicKeyData().getBytes());
      }
      return info.getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot derive a public key from this " + type.yamlName() + " key");
    }
  }

  /**
   * A new key, PKCS#8 DER. Ed25519 keys are written as RFC 5958 {@code OneAsymmetricKey} version 2 (with the
   * public key), which is what SCONE emits; the JDK's KeyFactory reads both version 1 and version 2 (its
   * PKCS8Key accepts both since JDK 16), and the tests load the generated keys with it. Other types are
   * written as the JDK encodes them (version 1; EC keys without the optional public key).
   */
  static byte[] generate(KeyType type, SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(jdkAlgorithm(type));
      switch (type) {
        case P256 -> generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        case P384 -> generator.initialize(new ECGenParameterSpec("secp384r1"), random);
        case ED25519 -> generator.initialize(255, random);
        case RSA2048 -> generator.initialize(new RSAKeyGenParameterSpec(2048, F4), random);
        case RSA3072 -> generator.initialize(new RSAKeyGenParameterSpec(3072, F4), random);
      }
      KeyPair pair = generator.generateKeyPair();
      byte[] pkcs8 = pair.getPrivate().getEncoded();
      if (type == KeyType.ED25519) {
        pkcs8 = withPublicKey(pkcs8, pair.getPublic().getEncoded());
      }
      return pkcs8;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("the JDK cannot generate a " + type.yamlName() + " key", e);
    }
  }

  /** Rewrites a v1 PrivateKeyInfo as v2 OneAsymmetricKey carrying the public key (RFC 5958 §2). */
  private static byte[] withPublicKey(byte[] pkcs8, byte[] spki) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pkcs8);
    if (info.hasPublicKey()) {
      return pkcs8;
    }
    byte[] publicKey = SubjectPublicKeyInfo.getInstance(spki).getPublicKeyData().getBytes();
    return new PrivateKeyInfo(info.getPrivateKeyAlgorithm(), info.parsePrivateKey(), info.getAttributes(), publicKey)
        .getEncoded(ASN1Encoding.DER);
  }

  /**
   * Whether the private key belongs to the public key: signs a fixed message and verifies it, which works the
   * same for every algorithm and for any encoding of the public key.
   */
  static boolean matches(KeyType type, byte[] pkcs8, java.security.PublicKey publicKey, SecureRandom random) {
    byte[] message = "clave key match check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(signatureAlgorithm(type));
      signer.initSign(toJavaPrivateKey(type, pkcs8), random);
      signer.update(message);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureAlgorithm(type));
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false; // a public key of another algorithm or curve does not match
    }
  }
}
