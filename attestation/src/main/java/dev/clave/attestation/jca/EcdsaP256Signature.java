package dev.clave.attestation.jca;

import dev.clave.attestation.pki.P256PublicKey;
import dev.clave.attestation.pki.P256Signer;
import dev.clave.attestation.pki.PkiException;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SHA256withECDSA for P-256 keys, DER-encoded signatures ({@code SEQUENCE {r, s}}, read strictly). Verifies
 * on Clave's P-256 arithmetic; signs with {@link P256Signer} (Clave's constant-time fixed-base k·G, with
 * BouncyCastle's RFC 6979 nonces and scalar arithmetic: byte-identical to BouncyCastle's ECDSASigner), so a
 * weak random source cannot leak the key. Keys on other curves are refused at init (the JCA then tries the JDK's provider).
 */
final class EcdsaP256Signature extends SignatureSpi {
  private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  private static final BigInteger A = P.subtract(BigInteger.valueOf(3));
  private static final BigInteger B = new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
  private static final BigInteger N = new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
  private static final BigInteger GX = new BigInteger("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16);
  private static final BigInteger GY = new BigInteger("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16);
  /**
   * Recently verified keys, so a client that talks to the same server again reuses the per-key tables
   * {@link P256PublicKey} builds after a few verifications. Bounded: cleared when full.
   */
  private static final int KEY_CACHE = 64;
  private static final Map<ECPoint, P256PublicKey> KEYS = new ConcurrentHashMap<>();

  private final MessageDigest digest = sha256();
  private P256PublicKey verifyKey;
  private BigInteger signKey;

  @Override
  protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
    if (!(publicKey instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
      throw new InvalidKeyException("not a P-256 public key");
    }
    verifyKey = KEYS.get(ec.getW());
    if (verifyKey == null) {
      try {
        verifyKey = P256PublicKey.fromAffine(coordinate(ec.getW().getAffineX()), coordinate(ec.getW().getAffineY()));
      } catch (PkiException e) {
        throw new InvalidKeyException("not a P-256 public key: " + e.getMessage());
      }
      if (KEYS.size() >= KEY_CACHE) {
        KEYS.clear();
      }
      KEYS.put(ec.getW(), verifyKey);
    }
    signKey = null;
    digest.reset();
  }

  @Override
  protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
    engineInitSign(privateKey, null);
  }

  @Override
  protected void engineInitSign(PrivateKey privateKey, SecureRandom random) throws InvalidKeyException {
    if (!(privateKey instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
      throw new InvalidKeyException("not a P-256 private key");
    }
    BigInteger d = ec.getS();
    if (d.signum() <= 0 || d.compareTo(N) >= 0) {
      throw new InvalidKeyException("the private scalar is out of range");
    }
    signKey = d;
    verifyKey = null;
    digest.reset();
  }

  @Override
  protected void engineUpdate(byte b) {
    digest.update(b);
  }

  @Override
  protected void engineUpdate(byte[] b, int off, int len) {
    digest.update(b, off, len);
  }

  @Override
  protected void engineUpdate(java.nio.ByteBuffer input) {
    digest.update(input);
  }

  @Override
  protected byte[] engineSign() throws SignatureException {
    if (signKey == null) {
      throw new SignatureException("not initialized for signing");
    }
    BigInteger[] rs = P256Signer.sign(signKey, digest.digest());
    ClaveCryptoProvider.ECDSA_SIGNATURES.increment();
    return DerSignature.encode(rs[0], rs[1]);
  }

  @Override
  protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
    if (verifyKey == null) {
      throw new SignatureException("not initialized for verification");
    }
    byte[] hash = digest.digest();
    BigInteger[] rs = DerSignature.decode(sigBytes); // throws SignatureException on malformed DER, as the JDK does
    ClaveCryptoProvider.ECDSA_VERIFICATIONS.increment();
    return verifyKey.verify(hash, rs[0], rs[1]);
  }

  @Override
  @Deprecated
  protected void engineSetParameter(String param, Object value) {
    throw new InvalidParameterException("SHA256withECDSA has no parameters");
  }

  @Override
  @Deprecated
  protected Object engineGetParameter(String param) {
    throw new InvalidParameterException("SHA256withECDSA has no parameters");
  }

  @Override
  protected void engineSetParameter(java.security.spec.AlgorithmParameterSpec params)
      throws java.security.InvalidAlgorithmParameterException {
    if (params != null) {
      throw new java.security.InvalidAlgorithmParameterException("SHA256withECDSA has no parameters");
    }
  }

  static boolean isP256(ECParameterSpec p) {
    return p != null
        && p.getCofactor() == 1
        && p.getOrder().equals(N)
        && p.getCurve().getField() instanceof ECFieldFp f && f.getP().equals(P)
        && p.getCurve().getA().equals(A)
        && p.getCurve().getB().equals(B)
        && p.getGenerator().getAffineX().equals(GX)
        && p.getGenerator().getAffineY().equals(GY);
  }

  private static byte[] coordinate(BigInteger v) throws InvalidKeyException {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new InvalidKeyException("not a P-256 public key");
    }
    byte[] big = v.toByteArray();
    byte[] out = new byte[32];
    int n = Math.min(big.length, 32);
    System.arraycopy(big, big.length - n, out, 32 - n, n);
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }
}
