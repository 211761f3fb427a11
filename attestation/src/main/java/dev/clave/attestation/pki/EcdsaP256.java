package dev.clave.attestation.pki;

import dev.clave.attestation.Bytes;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;

/**
 * ECDSA P-256 with SHA-256, the only algorithm DCAP uses. Verification runs on {@link P256PublicKey},
 * Clave's own verify-only P-256 arithmetic: a first quote checks about nine signatures under keys never
 * seen before, where BouncyCastle's low-level path costs ~175 µs each and the JDK's ~450 µs. The tests
 * check it against BouncyCastle on random and adversarial inputs. {@link #DOMAIN} (BouncyCastle) remains
 * for signing, which only the simulation does.
 */
public final class EcdsaP256 {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  public static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH(), CURVE.getSeed());
  private static final int COORDINATE_LENGTH = 32;

  private EcdsaP256() {}

  /**
   * Decodes a raw 64-byte x‖y public key (the quote's attestation key format), checking that the point
   * is on the curve: a flipped bit yields an off-curve point, which must be refused, not used.
   */
  public static P256PublicKey rawPublicKey(Bytes xy) throws PkiException {
    if (xy.length() != 2 * COORDINATE_LENGTH) {
      throw new PkiException("a raw P-256 public key has 64 bytes, got " + xy.length());
    }
    byte[] b = xy.toByteArray();
    return P256PublicKey.fromAffine(
        java.util.Arrays.copyOfRange(b, 0, COORDINATE_LENGTH), java.util.Arrays.copyOfRange(b, COORDINATE_LENGTH, b.length));
  }

  /** Decodes an SEC1 point (as in a SubjectPublicKeyInfo), checking it lies on P-256. */
  public static P256PublicKey uncompressedPublicKey(byte[] sec1) throws PkiException {
    return P256PublicKey.fromUncompressed(sec1);
  }

  /** Verifies a raw r‖s signature (64 bytes) over {@code message}. */
  public static boolean verifyRaw(P256PublicKey key, byte[] message, Bytes rawSignature) {
    if (rawSignature.length() != 2 * COORDINATE_LENGTH) {
      return false;
    }
    byte[] sig = rawSignature.toByteArray();
    BigInteger r = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 0, COORDINATE_LENGTH));
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, COORDINATE_LENGTH, sig.length));
    return verify(key, sha256(message), r, s);
  }

  /** Verifies a DER {@code SEQUENCE {r, s}} signature (the X.509 and CRL format) over {@code message}. */
  public static boolean verifyDer(P256PublicKey key, byte[] message, byte[] derSignature) {
    BigInteger r;
    BigInteger s;
    try {
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(derSignature));
      if (seq.size() != 2) {
        return false;
      }
      r = ASN1Integer.getInstance(seq.getObjectAt(0)).getValue();
      s = ASN1Integer.getInstance(seq.getObjectAt(1)).getValue();
    } catch (Exception e) {
      // Any decoding failure is simply an invalid signature.
      return false;
    }
    return verify(key, sha256(message), r, s);
  }

  private static boolean verify(P256PublicKey key, byte[] hash, BigInteger r, BigInteger s) {
    return key.verify(hash, r, s); // rejects r, s outside [1, n-1] itself
  }

  public static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }
}
