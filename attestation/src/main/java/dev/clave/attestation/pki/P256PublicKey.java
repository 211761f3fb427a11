package dev.clave.attestation.pki;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A validated P-256 public key that verifies ECDSA signatures over SHA-256 digests, on its own field and
 * point arithmetic ({@link P256Field}, {@link P256Jacobian}). Against BouncyCastle's ECDSASigner on one
 * core here (bench EcdsaP256Benchmark): about 150 µs against 200 µs for a key seen for the first time
 * (decoding included), which is the common case on a quote's first verification, and about 50 µs against
 * 90 µs for a key kept and used often.
 *
 * <p>The first verifications of a key run one doubling chain for u1·G + u2·Q. After
 * {@value #TABLE_AFTER_VERIFIES} verifications the key builds its own fixed-window table (53 KB; about
 * 0.65 ms, the cost of four or five first verifications), published through a volatile field; from then on
 * a verification is a sum of table points, with no doubling. Keys that a caller keeps (known platforms,
 * Intel's CAs) so become fast; keys used once or twice never pay for a table.
 *
 * <p>Immutable as far as callers can tell, and thread-safe: the table is built by exactly one thread (the
 * one that makes the third verification) and until it is published the others keep using the doubling
 * chain. Verification only: nothing here is secret, so nothing is constant time.
 */
public final class P256PublicKey {
  static final int TABLE_AFTER_VERIFIES = 2;

  private static final int COORDINATE_LENGTH = 32;
  private static final BigInteger N = P256Curve.N;
  /** r + n is another candidate x-coordinate exactly when r &lt; p − n. */
  private static final BigInteger P_MINUS_N = P256Curve.P.subtract(N);

  private final byte[] x;
  private final byte[] y;
  /** (x, y) in Montgomery form, the 8-limb affine layout of {@link P256Tables}. */
  private final long[] affine;
  private final AtomicInteger verifies = new AtomicInteger();
  private volatile long[] windows;

  private P256PublicKey(byte[] x, byte[] y, long[] affine) {
    this.x = x;
    this.y = y;
    this.affine = affine;
  }

  /**
   * The key with affine coordinates (x, y), each 32 bytes big-endian. Refuses coordinates that are not
   * field elements (≥ p) and points not on the curve; P-256's cofactor is 1, so that is full validation.
   */
  public static P256PublicKey fromAffine(byte[] x, byte[] y) throws PkiException {
    if (x == null || y == null || x.length != COORDINATE_LENGTH || y.length != COORDINATE_LENGTH) {
      throw invalid();
    }
    return decode(x, 0, y, 0);
  }

  /** The key in SEC 1 uncompressed form, 0x04 ‖ x ‖ y (65 bytes). Compressed points are refused. */
  public static P256PublicKey fromUncompressed(byte[] sec1) throws PkiException {
    if (sec1 == null || sec1.length != 1 + 2 * COORDINATE_LENGTH || sec1[0] != 0x04) {
      throw invalid();
    }
    return decode(sec1, 1, sec1, 1 + COORDINATE_LENGTH);
  }

  private static P256PublicKey decode(byte[] xs, int xo, byte[] ys, int yo) throws PkiException {
    final long[] affine = new long[P256Tables.AFFINE];
    P256Field.fromBytes(affine, 0, xs, xo);
    P256Field.fromBytes(affine, 4, ys, yo);
    if (!P256Field.isCanonical(affine, 0) || !P256Field.isCanonical(affine, 4)) {
      throw invalid();
    }
    P256Field.toMontgomery(affine, 0, affine, 0);
    P256Field.toMontgomery(affine, 4, affine, 4);
    if (!P256Curve.isOnCurve(affine, 0)) {
      throw invalid();
    }
    return new P256PublicKey(
        Arrays.copyOfRange(xs, xo, xo + COORDINATE_LENGTH),
        Arrays.copyOfRange(ys, yo, yo + COORDINATE_LENGTH),
        affine);
  }

  private static PkiException invalid() {
    return new PkiException("the public key is not a valid P-256 point");
  }

  /**
   * Whether (r, s) is a valid ECDSA signature by this key of the SHA-256 digest {@code sha256Digest}
   * (SEC 1 v2 §4.1.4; FIPS 186-5 §6.4.2): r and s in [1, n − 1], then with e the digest as a big-endian
   * integer, w = s⁻¹, u1 = e·w and u2 = r·w mod n, R = u1·G + u2·Q must be finite with x(R) ≡ r (mod n).
   * False for any r or s out of range (negative, zero, ≥ n, or null); never throws for any r and s.
   *
   * @throws IllegalArgumentException when the digest is not 32 bytes: a caller error, not a bad signature
   * @throws NullPointerException when the digest is null
   */
  public boolean verify(byte[] sha256Digest, BigInteger r, BigInteger s) {
    if (sha256Digest.length != COORDINATE_LENGTH) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + sha256Digest.length);
    }
    if (!isScalar(r) || !isScalar(s)) {
      return false;
    }
    final long[] tables = windowsForThisVerify();
    return tables != null ? verifyWithTable(sha256Digest, r, s, tables) : verifyWithDoublings(sha256Digest, r, s);
  }

  /** The key's fixed-window table, built now if this is the verification after the threshold. */
  private long[] windowsForThisVerify() {
    long[] w = windows;
    if (w == null && verifies.incrementAndGet() == TABLE_AFTER_VERIFIES + 1) {
      w = P256Tables.fixedWindows(affine, 0, P256Tables.KEY_WINDOW);
      windows = w;
    }
    return w;
  }

  /** The doubling-chain verification, whatever the key's state (tests compare the two paths). */
  boolean verifyWithDoublings(byte[] digest, BigInteger r, BigInteger s) {
    final long[][] u = scalars(digest, r, s);
    final P256Jacobian sum = new P256Jacobian();
    P256Combination.withDoublings(sum, u[0], u[1], affine, 0);
    return xMatches(sum, r);
  }

  /** The table verification with the key's table {@code windows} (tests pass one they built). */
  boolean verifyWithTable(byte[] digest, BigInteger r, BigInteger s, long[] windows) {
    final long[][] u = scalars(digest, r, s);
    final P256Jacobian sum = new P256Jacobian();
    P256Combination.withTables(sum, u[0], u[1], windows);
    return xMatches(sum, r);
  }

  /** Whether the table is built (for tests). */
  boolean hasTable() {
    return windows != null;
  }

  /** The key's affine point in Montgomery form (for tests; not a copy). */
  long[] affine() {
    return affine;
  }

  private static boolean isScalar(BigInteger v) {
    return v != null && v.signum() > 0 && v.compareTo(N) < 0;
  }

  /** u1 = e·s⁻¹ and u2 = r·s⁻¹ mod n as limbs; s is in [1, n − 1] and n is prime, so s⁻¹ exists. */
  private static long[][] scalars(byte[] digest, BigInteger r, BigInteger s) {
    final BigInteger w = P256Field.toBigInteger(P256SafeGcd.MOD_N.invert(P256Field.limbs(s)), 0);
    final BigInteger e = new BigInteger(1, digest); // 256 bits: no truncation for a 256-bit n
    return new long[][] {P256Field.limbs(e.multiply(w).mod(N)), P256Field.limbs(r.multiply(w).mod(N))};
  }

  /**
   * Whether R is finite and x(R) mod n = r. x(R) is in [0, p) and p &lt; 2n, so x(R) mod n = r means
   * x(R) = r or x(R) = r + n (possible only when r + n &lt; p).
   */
  private static boolean xMatches(P256Jacobian sum, BigInteger r) {
    if (sum.isInfinity()) {
      return false;
    }
    final long[] candidate = P256Field.limbs(r);
    P256Field.toMontgomery(candidate, 0, candidate, 0);
    if (sum.hasAffineX(candidate, 0)) {
      return true;
    }
    if (r.compareTo(P_MINUS_N) < 0) {
      final long[] wrapped = P256Field.limbs(r.add(N));
      P256Field.toMontgomery(wrapped, 0, wrapped, 0);
      return sum.hasAffineX(wrapped, 0);
    }
    return false;
  }

  /** The x-coordinate, 32 bytes big-endian (a copy). */
  public byte[] x() {
    return x.clone();
  }

  /** The y-coordinate, 32 bytes big-endian (a copy). */
  public byte[] y() {
    return y.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof P256PublicKey other && Arrays.equals(x, other.x) && Arrays.equals(y, other.y);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
  }

  /** "P256PublicKey[x=" and the first 8 bytes of x in hex, enough to tell keys apart in a log. */
  @Override
  public String toString() {
    return "P256PublicKey[x=" + HexFormat.of().formatHex(x, 0, 8) + "…]";
  }
}
