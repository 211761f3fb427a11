package dev.clave.attestation.pki;

import static dev.clave.attestation.pki.P256Field52.mul;
import static dev.clave.attestation.pki.P256Field52.sqr;
import static dev.clave.attestation.pki.P256Field52.sub;

import java.math.BigInteger;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Constant-time k·G for P-256 signing (k is the secret nonce): the affine x-coordinate only, which is all
 * ECDSA needs.
 *
 * <p>Method: k is made odd (k, or n − k, whose point has the same x), then recoded into 43 signed odd
 * digits, k = Σ d_i·2^(6i), with d_0…d_41 in {±1, ±3, …, ±63} and d_42 in {1, 3, …, 15} (the regular
 * recoding: d_i = ((k ≫ 6i) mod 2^7 | 1) − 2^6, plain bit extraction). Each position i has its own table of
 * the 32 odd multiples j·2^(6i)·G, so there are no doublings: the accumulator starts as the first digit's
 * point and takes one mixed (Jacobian + affine) addition per further digit. Every step is the same work
 * whatever the digits are: the table is scanned in full and the entry selected with masks, y is negated
 * by a mask, and the field arithmetic is {@link P256Field52}. The final Z⁻¹ is BouncyCastle's constant-time
 * safegcd.
 *
 * <p>Why the incomplete addition formula is safe: before step i the accumulator is Q = Σ_{j<i} d_j·2^(6j)
 * (an integer, odd, |Q| ≤ 2^(6i) − 1), and the formula fails only when Q ≡ 0 or Q ≡ ±d_i·2^(6i) (mod n).
 * Q is odd and below 2^252 &lt; n in magnitude, so never ≡ 0; the table entry d_i·2^(6i)·G is never infinity
 * (n is prime and larger than both factors). For i ≤ 41 the integers Q ∓ d_i·2^(6i) are non-zero with magnitude below 2^(6(i+1)) ≤ 2^252 &lt; n,
 * so they are not multiples of n. At the last step Q + d_42·2^252 = k ∈ (0, n) is not one either; but
 * Q − d_42·2^252 reaches −n for exactly one odd k, {@link #EXCEPTIONAL_K} = 15·2^253 − n (d_42 = 15,
 * Q = −(n mod 2^252)), where the formula meets P + P and yields Z = 0. That one public scalar's x is
 * precomputed and selected by a mask, so the code path stays the same.
 *
 * <p>Tables: 43 × 32 entries of 10 limbs (x, y in {@link P256Field52}'s form) = 110 KB, built once at
 * class initialization from public data with BouncyCastle's arithmetic (~20 ms).
 */
final class P256FixedBase {
  private static final int WINDOW = 6;
  private static final int POSITIONS = 43;
  private static final int ENTRIES = 32;
  private static final int ENTRY = 10; // x, y: 5 limbs each, Montgomery form
  private static final long[] TABLE = new long[POSITIONS * ENTRIES * ENTRY];

  static final BigInteger N = P256Curve.N;
  private static final long[] N_LIMBS = P256Field.limbs(N);
  /** The one odd scalar in (0, n) for which the last addition doubles (see the class comment). */
  static final BigInteger EXCEPTIONAL_K = BigInteger.valueOf(15).shiftLeft(253).subtract(N);
  private static final long[] EXCEPTIONAL_K_LIMBS = P256Field.limbs(EXCEPTIONAL_K);
  private static final long[] EXCEPTIONAL_X;

  static {
    buildTables();
    ECPoint p = EcdsaP256.DOMAIN.getG().multiply(EXCEPTIONAL_K).normalize();
    EXCEPTIONAL_X = P256Field.limbs(p.getAffineXCoord().toBigInteger());
  }

  private P256FixedBase() {}

  private static void buildTables() {
    ECPoint base = EcdsaP256.DOMAIN.getG();
    ECPoint[] points = new ECPoint[POSITIONS * ENTRIES];
    for (int i = 0; i < POSITIONS; i++) {
      ECPoint twice = base.twice();
      ECPoint multiple = base;
      for (int j = 0; j < ENTRIES; j++) {
        points[i * ENTRIES + j] = multiple;
        multiple = multiple.add(twice);
      }
      base = base.timesPow2(WINDOW);
    }
    EcdsaP256.DOMAIN.getCurve().normalizeAll(points);
    for (int e = 0; e < points.length; e++) {
      ECPoint p = points[e];
      System.arraycopy(P256Field52.montgomery(p.getAffineXCoord().toBigInteger()), 0, TABLE, ENTRY * e, 5);
      System.arraycopy(P256Field52.montgomery(p.getAffineYCoord().toBigInteger()), 0, TABLE, ENTRY * e + 5, 5);
    }
  }

  // Work array layout (offsets): field elements of 5 limbs.
  private static final int X = 0;
  private static final int Y = 5;
  private static final int Z = 10;
  private static final int PT = 15; // looked-up affine point, x then y
  private static final int NEG = 25;
  private static final int Z1Z1 = 30;
  private static final int T2 = 35;
  private static final int U2 = 40;
  private static final int S2 = 45;
  private static final int H = 50;
  private static final int R = 55;
  private static final int HH = 60;
  private static final int HHH = 65;
  private static final int V = 70;
  private static final int WORK = 75;

  /**
   * The affine x-coordinate of k·G as a plain 256-bit value in {@code out[0…3]} (limbs, least significant
   * first), for 0 &lt; k &lt; n given as plain limbs in {@code k[0…3]}. Constant time in k.
   */
  static void multiplyX(long[] out, long[] k) {
    // k odd: keep it; k even: n − k (odd, since n is odd), whose point is the negation: same x.
    final long[] nk = new long[4];
    long borrow = 0;
    for (int l = 0; l < 4; l++) {
      final long a = N_LIMBS[l];
      final long d = a - k[l];
      final long b1 = lt(a, k[l]);
      nk[l] = d - borrow;
      borrow = b1 | lt(d, borrow);
    }
    final long even = (k[0] & 1) - 1; // −1 when even
    final long[] odd = new long[4];
    for (int l = 0; l < 4; l++) {
      odd[l] = (k[l] & ~even) | (nk[l] & even);
    }

    final long[] w = new long[WORK];
    lookup(w, PT, 0, digit(odd, 0));
    P256Field52.copy(w, X, w, PT);
    P256Field52.copy(w, Y, w, PT + 5);
    P256Field52.copy(w, Z, P256Field52.ONE, 0);
    for (int i = 1; i < POSITIONS; i++) {
      final int d = i < POSITIONS - 1 ? digit(odd, i) : lastDigit(odd);
      lookup(w, PT, i, d);
      addAffine(w);
    }

    P256Field52.invert(w, H, w, Z);
    sqr(w, H, w, H);
    mul(w, X, w, X, w, H);
    P256Field52.fromMontgomery(w, X, w, X);
    final long[] x = P256Field52.to64(w, X);

    long diff = 0;
    for (int l = 0; l < 4; l++) {
      diff |= odd[l] ^ EXCEPTIONAL_K_LIMBS[l];
    }
    final long exceptional = ((diff | -diff) >>> 63) - 1; // −1 when diff == 0
    for (int l = 0; l < 4; l++) {
      out[l] = (x[l] & ~exceptional) | (EXCEPTIONAL_X[l] & exceptional);
    }
  }

  /**
   * 1 when {@code x < y} as unsigned 64-bit integers, else 0, without a comparison (which may compile to a
   * branch): the borrow out of x − y, the top bit of (¬x ∧ y) ∨ ((¬x ∨ y) ∧ (x − y)) (Hacker's Delight §2-13).
   */
  static long lt(long x, long y) {
    return ((~x & y) | ((~x | y) & (x - y))) >>> 63;
  }

  /** Signed digit i &lt; 42 of the odd scalar k: ((k ≫ 6i) mod 2^7 | 1) − 64, odd, in [−63, 63]. */
  private static int digit(long[] k, int i) {
    final int pos = WINDOW * i;
    final int limb = pos >>> 6;
    final int shift = pos & 63;
    long bits = k[limb] >>> shift;
    if (shift > 57 && limb < 3) { // public: the window straddles two limbs
      bits |= k[limb + 1] << (64 - shift);
    }
    return (int) ((bits & 0x7F) | 1) - 64;
  }

  /** The top digit, (k ≫ 252) | 1: odd, in [1, 15]. */
  private static int lastDigit(long[] k) {
    return (int) ((k[3] >>> 60) | 1);
  }

  /**
   * Stores d·2^(6i)·G (affine, Montgomery) at w[o…o+9]: reads all 32 entries of position i, keeping the
   * one for |d| by mask, then negates y by mask when d &lt; 0.
   */
  private static void lookup(long[] w, int o, int position, int d) {
    final int sign = d >> 31; // −1 when negative
    final int index = (((d ^ sign) - sign) - 1) >>> 1;
    long x0 = 0;
    long x1 = 0;
    long x2 = 0;
    long x3 = 0;
    long x4 = 0;
    long y0 = 0;
    long y1 = 0;
    long y2 = 0;
    long y3 = 0;
    long y4 = 0;
    int e = position * ENTRIES * ENTRY;
    for (int j = 0; j < ENTRIES; j++, e += ENTRY) {
      final long m = (long) (((j ^ index) - 1) >> 31); // −1 when j == index
      x0 |= TABLE[e] & m;
      x1 |= TABLE[e + 1] & m;
      x2 |= TABLE[e + 2] & m;
      x3 |= TABLE[e + 3] & m;
      x4 |= TABLE[e + 4] & m;
      y0 |= TABLE[e + 5] & m;
      y1 |= TABLE[e + 6] & m;
      y2 |= TABLE[e + 7] & m;
      y3 |= TABLE[e + 8] & m;
      y4 |= TABLE[e + 9] & m;
    }
    w[o] = x0;
    w[o + 1] = x1;
    w[o + 2] = x2;
    w[o + 3] = x3;
    w[o + 4] = x4;
    w[o + 5] = y0;
    w[o + 6] = y1;
    w[o + 7] = y2;
    w[o + 8] = y3;
    w[o + 9] = y4;
    P256Field52.neg(w, NEG, w, o + 5);
    final long negate = sign;
    for (int l = 0; l < 5; l++) {
      w[o + 5 + l] = (w[o + 5 + l] & ~negate) | (w[NEG + l] & negate);
    }
  }

  /**
   * (X, Y, Z) += (x, y) at PT, the mixed addition "madd-2004-hmv" (8M + 3S); valid whenever neither point
   * is infinity and they are not equal or opposite, which the class comment shows for every step.
   */
  private static void addAffine(long[] w) {
    sqr(w, Z1Z1, w, Z);
    mul(w, T2, w, Z, w, Z1Z1);
    mul(w, U2, w, PT, w, Z1Z1);
    mul(w, S2, w, PT + 5, w, T2);
    sub(w, H, w, U2, w, X);
    sub(w, R, w, S2, w, Y);
    mul(w, Z, w, Z, w, H); // Z3 = Z1·H
    sqr(w, HH, w, H);
    mul(w, HHH, w, H, w, HH);
    mul(w, V, w, X, w, HH);
    sqr(w, X, w, R);
    sub(w, X, w, X, w, HHH);
    sub(w, X, w, X, w, V);
    sub(w, X, w, X, w, V); // X3 = R² − HHH − 2V
    mul(w, Y, w, Y, w, HHH);
    sub(w, V, w, V, w, X);
    mul(w, V, w, R, w, V);
    sub(w, Y, w, V, w, Y); // Y3 = R·(V − X3) − Y1·HHH
  }
}
