package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.util.BigIntegers;

/**
 * A P-256 key pair of the simulated PKI (root CA, PCK CA, TCB signing, PCK, attestation key). Signatures
 * use deterministic nonces (RFC 6979), so signing needs no randomness and never leaks the key through a
 * weak one. {@link #toString()} never shows the private part.
 */
final class SimKey {
  private static final int COORDINATE = 32;
  private static final AlgorithmIdentifier EC_P256 =
      new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.prime256v1);
  static final AlgorithmIdentifier ECDSA_WITH_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

  private final ECPrivateKeyParameters privateKey;
  private final ECPublicKeyParameters publicKey;

  private SimKey(BigInteger d) {
    this.privateKey = new ECPrivateKeyParameters(d, EcdsaP256.DOMAIN);
    ECPoint q = new FixedPointCombMultiplier().multiply(EcdsaP256.DOMAIN.getG(), d).normalize();
    this.publicKey = new ECPublicKeyParameters(q, EcdsaP256.DOMAIN);
  }

  static SimKey generate(SecureRandom random) {
    BigInteger n = EcdsaP256.DOMAIN.getN();
    BigInteger d;
    do {
      d = BigIntegers.createRandomBigInteger(n.bitLength(), random);
    } while (d.signum() == 0 || d.compareTo(n) >= 0);
    return new SimKey(d);
  }

  /** Decodes an unencrypted PKCS#8 P-256 private key (what {@link #pkcs8()} writes, or OpenSSL's). */
  static SimKey fromPkcs8(byte[] der, String what) throws IOException {
    PrivateKeyInfo info;
    try {
      info = PrivateKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new IOException(what + " is not a PKCS#8 private key");
    }
    AlgorithmIdentifier alg = info.getPrivateKeyAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())
        || !(alg.getParameters() instanceof ASN1ObjectIdentifier curve)
        || !X9ObjectIdentifiers.prime256v1.equals(curve)) {
      throw new IOException(what + " is not a P-256 (prime256v1) EC private key");
    }
    BigInteger d;
    try {
      d = ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
    } catch (IOException | RuntimeException e) {
      throw new IOException(what + " holds a malformed EC private key");
    }
    if (d.signum() <= 0 || d.compareTo(EcdsaP256.DOMAIN.getN()) >= 0) {
      throw new IOException(what + " holds an EC private key outside the P-256 range");
    }
    return new SimKey(d);
  }

  /** Unencrypted PKCS#8 DER (RFC 5915 inside, curve named in the algorithm identifier). */
  byte[] pkcs8() {
    try {
      ECPrivateKey inner =
          new ECPrivateKey(256, privateKey.getD(), new DERBitString(publicKey.getQ().getEncoded(false)), null);
      return new PrivateKeyInfo(EC_P256, inner).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a private key", e);
    }
  }

  ECPublicKeyParameters publicKey() {
    return publicKey;
  }

  /** The 64-byte x‖y form quotes carry. */
  Bytes publicKeyRaw() {
    byte[] sec1 = publicKey.getQ().getEncoded(false);
    return Bytes.of(sec1, 1, 2 * COORDINATE);
  }

  SubjectPublicKeyInfo subjectPublicKeyInfo() {
    return new SubjectPublicKeyInfo(EC_P256, publicKey.getQ().getEncoded(false));
  }

  /** The DER SubjectPublicKeyInfo, as a certificate of this key carries it. */
  Bytes spkiDer() {
    try {
      return Bytes.wrap(subjectPublicKeyInfo().getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a public key", e);
    }
  }

  /** ECDSA-SHA256 over {@code message}, as raw r‖s (quotes, TCB info and QE identity signatures). */
  byte[] signRaw(byte[] message) {
    BigInteger[] rs = sign(message);
    byte[] out = new byte[2 * COORDINATE];
    BigIntegers.asUnsignedByteArray(rs[0], out, 0, COORDINATE);
    BigIntegers.asUnsignedByteArray(rs[1], out, COORDINATE, COORDINATE);
    return out;
  }

  /** ECDSA-SHA256 over {@code message}, DER {@code SEQUENCE {r, s}} (certificates and CRLs). */
  byte[] signDer(byte[] message) {
    BigInteger[] rs = sign(message);
    try {
      return new DERSequence(new ASN1Integer[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])})
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a signature", e);
    }
  }

  private BigInteger[] sign(byte[] message) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, privateKey);
    return signer.generateSignature(EcdsaP256.sha256(message));
  }

  /** A BouncyCastle content signer (ecdsa-with-SHA256) for certificate and CRL builders. */
  ContentSigner contentSigner() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    return new ContentSigner() {
      @Override
      public AlgorithmIdentifier getAlgorithmIdentifier() {
        return ECDSA_WITH_SHA256;
      }

      @Override
      public OutputStream getOutputStream() {
        return buffer;
      }

      @Override
      public byte[] getSignature() {
        return signDer(buffer.toByteArray());
      }
    };
  }

  @Override
  public String toString() {
    return "SimKey[P-256 public " + publicKeyRaw().hex().substring(0, 16) + "…]";
  }
}
