package dev.clave.attestation.pki;

import java.math.BigInteger;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

/**
 * ECDSA P-256 signing with RFC 6979 deterministic nonces: the same steps as BouncyCastle's
 * {@code ECDSASigner} with {@code HMacDSAKCalculator(SHA256Digest)}, so the signatures are byte-identical,
 * but k·G is computed by {@link P256FixedBase} (constant time, per-position tables), about twice as fast.
 * The nonce generation and the scalar arithmetic s = k⁻¹(e + r·d) mod n stay BouncyCastle's, with its
 * constant-time {@code modOddInverse}, as in {@code ECDSASigner}; the nonce generator's HMAC hashes with the
 * JDK's intrinsic SHA-256 ({@link JdkSha256Digest}: same bytes, a quarter of the time).
 *
 * <p>Like BouncyCastle's, the nonce and d pass through {@link BigInteger}s, whose arithmetic is not
 * constant time; the point multiplication, the dominant and most studied leak, is.
 */
public final class P256Signer {
  private static final BigInteger N = P256Curve.N;

  private P256Signer() {}

  /**
   * Signs the digest {@code hash} (SHA-256 output, or any length: truncated to n's bit length as FIPS
   * 186-4 requires) with the private scalar d, 0 &lt; d &lt; n. Returns {r, s}.
   */
  public static BigInteger[] sign(BigInteger d, byte[] hash) {
    if (d.signum() <= 0 || d.compareTo(N) >= 0) {
      throw new IllegalArgumentException("the private scalar is out of range");
    }
    final BigInteger e = calculateE(hash);
    final HMacDSAKCalculator nonces = new HMacDSAKCalculator(new JdkSha256Digest());
    nonces.init(N, d, hash);
    final long[] k = new long[4];
    final long[] x = new long[4];
    BigInteger r;
    BigInteger s;
    do {
      BigInteger nonce;
      do {
        nonce = nonces.nextK(); // in [1, n − 1]
        P256Field.fromBytes(k, 0, BigIntegers.asUnsignedByteArray(32, nonce), 0);
        P256FixedBase.multiplyX(x, k);
        r = P256Field.toBigInteger(x, 0).mod(N);
      } while (r.signum() == 0);
      s = BigIntegers.modOddInverse(N, nonce).multiply(e.add(d.multiply(r))).mod(N);
    } while (s.signum() == 0);
    java.util.Arrays.fill(k, 0);
    return new BigInteger[] {r, s};
  }

  /** The digest as an integer, keeping its leftmost bitlength(n) = 256 bits (ECDSASigner.calculateE). */
  private static BigInteger calculateE(byte[] hash) {
    final int messageBits = hash.length * 8;
    BigInteger e = new BigInteger(1, hash);
    if (messageBits > N.bitLength()) {
      e = e.shiftRight(messageBits - N.bitLength());
    }
    return e;
  }
}
