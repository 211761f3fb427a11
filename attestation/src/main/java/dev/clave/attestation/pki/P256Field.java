package dev.clave.attestation.pki;

import java.math.BigInteger;

/**
 * Arithmetic in GF(p), p = 2^256 − 2^224 + 2^192 + 2^96 − 1, the field of NIST P-256, for signature
 * verification only.
 *
 * <p>An element is four 64-bit limbs, least significant first, at an offset in a {@code long[]}: one array
 * can hold a whole point or table, and the callers reuse their arrays instead of allocating per operation.
 * Elements are kept in Montgomery form, {@code a·R mod p} with R = 2^256, because p ≡ −1 (mod 2^64) makes
 * the Montgomery factor −p⁻¹ mod 2^64 equal to 1: each reduction round's multiplier is simply the low limb,
 * and p's sparse limbs make m·p a few shifts and subtractions, so the reduction multiplies nothing.
 * (Measured here against the alternatives: a 5 × 52-bit unsaturated Montgomery product and a product in
 * 32-bit pieces with NIST's word-wise reduction were both slower under C2, at about 42 and 54 ns against 35.)
 *
 * <p>Invariant: every element handed in or out is canonical, in [0, p). All operations require canonical
 * inputs and produce canonical outputs, so equality is limb equality. Outputs may alias inputs.
 *
 * <p>Not constant time: it only ever processes public values (keys, signatures, digests), never secrets.
 */
final class P256Field {
  /** p's limbs, least significant first: 2^64 − 1, 2^32 − 1, 0, 2^64 − 2^32 + 1. */
  static final long P0 = 0xFFFFFFFFFFFFFFFFL;
  static final long P1 = 0x00000000FFFFFFFFL;
  static final long P2 = 0L;
  static final long P3 = 0xFFFFFFFF00000001L;

  static final BigInteger P = BigInteger.TWO.pow(256).subtract(BigInteger.TWO.pow(224))
      .add(BigInteger.TWO.pow(192)).add(BigInteger.TWO.pow(96)).subtract(BigInteger.ONE);

  /** R² mod p: a Montgomery product with it converts into Montgomery form. */
  private static final long[] R2 = limbs(BigInteger.TWO.pow(512).mod(P));
  /** The plain integer 1: a Montgomery product with it converts out of Montgomery form. */
  private static final long[] PLAIN_ONE = {1, 0, 0, 0};
  /** 1 in Montgomery form (R mod p). */
  static final long[] ONE = limbs(BigInteger.TWO.pow(256).mod(P));
  /** R³ mod p: a Montgomery product with it turns a plain inverse of a Montgomery form into Montgomery form. */
  private static final long[] R3 = limbs(BigInteger.TWO.pow(768).mod(P));
  private static final long[] ZERO = new long[4];

  private P256Field() {}

  /** 1 when {@code x < y} as unsigned 64-bit integers, else 0: the carry out of {@code s = y + z} is {@code lt(s, y)}. */
  private static long lt(long x, long y) {
    return Long.compareUnsigned(x, y) < 0 ? 1L : 0L;
  }

  /**
   * r = a·b·R⁻¹ mod p (the Montgomery product; for elements in Montgomery form, their product).
   *
   * <p>Coarsely integrated operand scanning, unrolled: each round adds a·b[i] to the running value t, then
   * adds m·p with m = t mod 2^64 (−p⁻¹ ≡ 1) and shifts a limb out. With a &lt; p the running value stays
   * below 2p (if t &lt; 2p then (t + a·b[i] + m·p) / 2^64 &lt; (2p + (2^64 − 1)·p + (2^64 − 1)·p) / 2^64 = 2p),
   * so one final conditional subtraction makes it canonical. Requires a &lt; p; b may be any 256-bit value.
   * (The rounds are written out: C2 does not unroll the loop form, which costs a third more.)
   */
  static void mul(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    final long b0 = b[bo];
    final long b1 = b[bo + 1];
    final long b2 = b[bo + 2];
    final long b3 = b[bo + 3];
    long lo;
    long hi;
    long c;
    long m;
    long x;
    long t5;

    // Round 0: t = a·b0 (t starts at zero), then the reduction step described at round 1.
    long t0 = a0 * b0;
    c = Math.unsignedMultiplyHigh(a0, b0);
    lo = a1 * b0 + c;
    long t2 = Math.unsignedMultiplyHigh(a1, b0) + lt(lo, c);
    long t1 = lo;
    lo = a2 * b0 + t2;
    long t3 = Math.unsignedMultiplyHigh(a2, b0) + lt(lo, t2);
    t2 = lo;
    lo = a3 * b0 + t3;
    long t4 = Math.unsignedMultiplyHigh(a3, b0) + lt(lo, t3);
    t3 = lo;
    m = t0;
    x = m << 32;
    t0 = t1 + x;
    c = lt(t0, x);
    x = (m >>> 32) + c;
    t1 = t2 + x;
    c = lt(t1, x);
    lo = m - (m << 32) + c; // m·P3 = m·2^64 − m·2^32 + m, as hi:lo, plus the carry c
    hi = m - (m >>> 32) - lt(m, m << 32) + lt(lo, c);
    t2 = t3 + lo;
    hi += lt(t2, lo);
    t3 = t4 + hi;
    t4 = lt(t3, hi);

    // Round 1: t += a·b1; t = (t + m·p) / 2^64 with m = t0.
    lo = a0 * b1;
    hi = Math.unsignedMultiplyHigh(a0, b1);
    t0 += lo;
    c = hi + lt(t0, lo); // hi ≤ 2^64 − 2, so no overflow
    lo = a1 * b1 + c;
    hi = Math.unsignedMultiplyHigh(a1, b1) + lt(lo, c);
    t1 += lo;
    c = hi + lt(t1, lo); // a1·b1 + c + t1 < 2^128: the high limb cannot overflow
    lo = a2 * b1 + c;
    hi = Math.unsignedMultiplyHigh(a2, b1) + lt(lo, c);
    t2 += lo;
    c = hi + lt(t2, lo);
    lo = a3 * b1 + c;
    hi = Math.unsignedMultiplyHigh(a3, b1) + lt(lo, c);
    t3 += lo;
    c = hi + lt(t3, lo);
    t4 += c;
    t5 = lt(t4, c);
    // t0 + m·(2^64 − 1) = m·2^64: limb 0 vanishes, and m + m·P1 = m·2^32 lands on the new limbs 0 and 1;
    // m·P3 lands on the new limbs 2 and 3. P3 = 2^64 − 2^32 + 1, so m·P3 is shifts and subtractions.
    m = t0;
    x = m << 32;
    t0 = t1 + x;
    c = lt(t0, x);
    x = (m >>> 32) + c;
    t1 = t2 + x;
    c = lt(t1, x);
    lo = m - (m << 32) + c;
    hi = m - (m >>> 32) - lt(m, m << 32) + lt(lo, c); // hi ≤ P3 − 1 before the carries: no overflow
    t2 = t3 + lo;
    hi += lt(t2, lo);
    t3 = t4 + hi;
    t4 = t5 + lt(t3, hi);

    // Round 2.
    lo = a0 * b2;
    hi = Math.unsignedMultiplyHigh(a0, b2);
    t0 += lo;
    c = hi + lt(t0, lo);
    lo = a1 * b2 + c;
    hi = Math.unsignedMultiplyHigh(a1, b2) + lt(lo, c);
    t1 += lo;
    c = hi + lt(t1, lo);
    lo = a2 * b2 + c;
    hi = Math.unsignedMultiplyHigh(a2, b2) + lt(lo, c);
    t2 += lo;
    c = hi + lt(t2, lo);
    lo = a3 * b2 + c;
    hi = Math.unsignedMultiplyHigh(a3, b2) + lt(lo, c);
    t3 += lo;
    c = hi + lt(t3, lo);
    t4 += c;
    t5 = lt(t4, c);
    m = t0;
    x = m << 32;
    t0 = t1 + x;
    c = lt(t0, x);
    x = (m >>> 32) + c;
    t1 = t2 + x;
    c = lt(t1, x);
    lo = m - (m << 32) + c;
    hi = m - (m >>> 32) - lt(m, m << 32) + lt(lo, c);
    t2 = t3 + lo;
    hi += lt(t2, lo);
    t3 = t4 + hi;
    t4 = t5 + lt(t3, hi);

    // Round 3.
    lo = a0 * b3;
    hi = Math.unsignedMultiplyHigh(a0, b3);
    t0 += lo;
    c = hi + lt(t0, lo);
    lo = a1 * b3 + c;
    hi = Math.unsignedMultiplyHigh(a1, b3) + lt(lo, c);
    t1 += lo;
    c = hi + lt(t1, lo);
    lo = a2 * b3 + c;
    hi = Math.unsignedMultiplyHigh(a2, b3) + lt(lo, c);
    t2 += lo;
    c = hi + lt(t2, lo);
    lo = a3 * b3 + c;
    hi = Math.unsignedMultiplyHigh(a3, b3) + lt(lo, c);
    t3 += lo;
    c = hi + lt(t3, lo);
    t4 += c;
    t5 = lt(t4, c);
    m = t0;
    x = m << 32;
    t0 = t1 + x;
    c = lt(t0, x);
    x = (m >>> 32) + c;
    t1 = t2 + x;
    c = lt(t1, x);
    lo = m - (m << 32) + c;
    hi = m - (m >>> 32) - lt(m, m << 32) + lt(lo, c);
    t2 = t3 + lo;
    hi += lt(t2, lo);
    t3 = t4 + hi;
    t4 = t5 + lt(t3, hi);

    reduceOnce(r, ro, t0, t1, t2, t3, t4);
  }

  /**
   * r = a² (Montgomery), for a &lt; p. The product itself: a squaring with 10 limb products instead of 16
   * measured slower here, its carry chain through all eight limbs being longer than the product's rounds.
   */
  static void sqr(long[] r, int ro, long[] a, int ao) {
    mul(r, ro, a, ao, a, ao);
  }

  /**
   * Stores t = t0 + … + t4·2^256 reduced once: t − p when t ≥ p, else t. Requires t &lt; 2p (so t4 is 0 or
   * 1, and when it is 1 the low four limbs minus p borrow).
   */
  private static void reduceOnce(long[] r, int ro, long t0, long t1, long t2, long t3, long t4) {
    final long d0 = t0 - P0;
    long borrow = lt(t0, P0);
    long x = t1 - P1;
    long b2 = lt(t1, P1);
    final long d1 = x - borrow;
    borrow = b2 | lt(x, borrow);
    final long d2 = t2 - borrow; // P2 = 0
    borrow = lt(t2, borrow);
    x = t3 - P3;
    b2 = lt(t3, P3);
    final long d3 = x - borrow;
    borrow = b2 | lt(x, borrow);
    // keep = −1 when t < p (a borrow not paid by t4), 0 when t ≥ p.
    final long keep = t4 - borrow;
    r[ro] = (t0 & keep) | (d0 & ~keep);
    r[ro + 1] = (t1 & keep) | (d1 & ~keep);
    r[ro + 2] = (t2 & keep) | (d2 & ~keep);
    r[ro + 3] = (t3 & keep) | (d3 & ~keep);
  }

  /** r = a + b mod p. */
  static void add(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    final long b0 = b[bo];
    final long b1 = b[bo + 1];
    final long b2 = b[bo + 2];
    final long b3 = b[bo + 3];
    final long t0 = a[ao] + b0;
    long c = lt(t0, b0);
    long x = a[ao + 1] + c;
    c = lt(x, c);
    final long t1 = x + b1;
    c += lt(t1, b1); // at most one of the two carries is set
    x = a[ao + 2] + c;
    c = lt(x, c);
    final long t2 = x + b2;
    c += lt(t2, b2);
    x = a[ao + 3] + c;
    c = lt(x, c);
    final long t3 = x + b3;
    c += lt(t3, b3);
    reduceOnce(r, ro, t0, t1, t2, t3, c);
  }

  /** r = 2a mod p: a shift, then one conditional subtraction (2a &lt; 2p). */
  static void times2(long[] r, int ro, long[] a, int ao) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    reduceOnce(r, ro, a0 << 1, (a1 << 1) | (a0 >>> 63), (a2 << 1) | (a1 >>> 63), (a3 << 1) | (a2 >>> 63), a3 >>> 63);
  }

  /** r = 4a mod p: a shift, then one reduction ({@link #reduceSmallMultiple}). */
  static void times4(long[] r, int ro, long[] a, int ao) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    reduceSmallMultiple(r, ro, a0 << 2, (a1 << 2) | (a0 >>> 62), (a2 << 2) | (a1 >>> 62), (a3 << 2) | (a2 >>> 62), a3 >>> 62);
  }

  /** r = 8a mod p: a shift, then one reduction ({@link #reduceSmallMultiple}). */
  static void times8(long[] r, int ro, long[] a, int ao) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    reduceSmallMultiple(r, ro, a0 << 3, (a1 << 3) | (a0 >>> 61), (a2 << 3) | (a1 >>> 61), (a3 << 3) | (a2 >>> 61), a3 >>> 61);
  }

  /** r = 3a mod p: 2a + a, then one reduction ({@link #reduceSmallMultiple}). */
  static void times3(long[] r, int ro, long[] a, int ao) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    final long t0 = a0 << 1;
    final long t1 = (a1 << 1) | (a0 >>> 63);
    final long t2 = (a2 << 1) | (a1 >>> 63);
    final long t3 = (a3 << 1) | (a2 >>> 63);
    final long s0 = t0 + a0;
    long c = lt(s0, a0);
    long x = t1 + c;
    c = lt(x, c);
    final long s1 = x + a1;
    c += lt(s1, a1);
    x = t2 + c;
    c = lt(x, c);
    final long s2 = x + a2;
    c += lt(s2, a2);
    x = t3 + c;
    c = lt(x, c);
    final long s3 = x + a3;
    c += lt(s3, a3);
    reduceSmallMultiple(r, ro, s0, s1, s2, s3, (a3 >>> 63) + c);
  }

  /**
   * (2^256 − p)·q for q = 0…7, four limbs each: t = q·2^256 + L ≡ L + q·(2^256 − p) (mod p), and the sum
   * is below 2^256 + 2^227 &lt; 2p.
   */
  private static final long[] FOLD = new long[32];

  static {
    final BigInteger c = BigInteger.TWO.pow(256).subtract(P);
    for (int q = 0; q < 8; q++) {
      System.arraycopy(limbs(c.multiply(BigInteger.valueOf(q))), 0, FOLD, 4 * q, 4);
    }
  }

  /**
   * Stores t = t0 + … + t4·2^256 mod p for t &lt; 8·2^256 (a small multiple of a field element): folds
   * t4·2^256 into t4·(2^256 − p), then subtracts p once if needed.
   */
  private static void reduceSmallMultiple(long[] r, int ro, long t0, long t1, long t2, long t3, long t4) {
    final int q = 4 * (int) t4;
    final long f0 = FOLD[q];
    final long f1 = FOLD[q + 1];
    final long f2 = FOLD[q + 2];
    final long f3 = FOLD[q + 3];
    final long s0 = t0 + f0;
    long c = lt(s0, f0);
    long x = t1 + c;
    c = lt(x, c);
    final long s1 = x + f1;
    c += lt(s1, f1);
    x = t2 + c;
    c = lt(x, c);
    final long s2 = x + f2;
    c += lt(s2, f2);
    x = t3 + c;
    c = lt(x, c);
    final long s3 = x + f3;
    c += lt(s3, f3);
    reduceOnce(r, ro, s0, s1, s2, s3, c);
  }

  /** r = a − b mod p. */
  static void sub(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    final long b0 = b[bo];
    final long b1 = b[bo + 1];
    final long b2 = b[bo + 2];
    final long b3 = b[bo + 3];
    long d0 = a0 - b0;
    long borrow = lt(a0, b0);
    long x = a1 - b1;
    long bb = lt(a1, b1);
    long d1 = x - borrow;
    borrow = bb | lt(x, borrow);
    x = a2 - b2;
    bb = lt(a2, b2);
    long d2 = x - borrow;
    borrow = bb | lt(x, borrow);
    x = a3 - b3;
    bb = lt(a3, b3);
    long d3 = x - borrow;
    borrow = bb | lt(x, borrow);
    // On a borrow the limbs hold a − b + 2^256; adding p and dropping the carry out gives a − b + p.
    final long mask = -borrow;
    final long q0 = P0 & mask;
    final long q1 = P1 & mask;
    final long q3 = P3 & mask;
    d0 += q0;
    long c = lt(d0, q0);
    x = d1 + c;
    c = lt(x, c);
    d1 = x + q1;
    c += lt(d1, q1);
    d2 += c; // P2 = 0
    c = lt(d2, c);
    d3 = d3 + c + q3;
    r[ro] = d0;
    r[ro + 1] = d1;
    r[ro + 2] = d2;
    r[ro + 3] = d3;
  }

  /** r = −a mod p. */
  static void neg(long[] r, int ro, long[] a, int ao) {
    sub(r, ro, ZERO, 0, a, ao);
  }

  /**
   * r = a⁻¹ (Montgomery in, Montgomery out); 0 maps to 0. The plain inverse of a = x·R is x⁻¹·R⁻¹ (by
   * {@link P256SafeGcd}); a Montgomery product with R³ turns it into x⁻¹·R.
   */
  static void invert(long[] r, int ro, long[] a, int ao) {
    final long[] inverse = P256SafeGcd.MOD_P.invert(new long[] {a[ao], a[ao + 1], a[ao + 2], a[ao + 3]});
    mul(r, ro, inverse, 0, R3, 0);
  }

  /** r = a·R mod p: a plain value (&lt; p) into Montgomery form. */
  static void toMontgomery(long[] r, int ro, long[] a, int ao) {
    mul(r, ro, a, ao, R2, 0);
  }

  /** r = a·R⁻¹ mod p: a Montgomery-form element back to its plain value. */
  static void fromMontgomery(long[] r, int ro, long[] a, int ao) {
    mul(r, ro, a, ao, PLAIN_ONE, 0);
  }

  static boolean isZero(long[] a, int ao) {
    return (a[ao] | a[ao + 1] | a[ao + 2] | a[ao + 3]) == 0;
  }

  static boolean equal(long[] a, int ao, long[] b, int bo) {
    return ((a[ao] ^ b[bo]) | (a[ao + 1] ^ b[bo + 1]) | (a[ao + 2] ^ b[bo + 2]) | (a[ao + 3] ^ b[bo + 3])) == 0;
  }

  static void copy(long[] r, int ro, long[] a, int ao) {
    System.arraycopy(a, ao, r, ro, 4);
  }

  /** Reads 32 big-endian bytes at {@code off} as a plain 256-bit value into limbs (no reduction). */
  static void fromBytes(long[] r, int ro, byte[] in, int off) {
    for (int limb = 0; limb < 4; limb++) {
      long v = 0;
      final int start = off + 24 - 8 * limb;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (in[start + i] & 0xFF);
      }
      r[ro + limb] = v;
    }
  }

  /** Writes the plain 256-bit value in limbs as 32 big-endian bytes at {@code off}. */
  static void toBytes(byte[] out, int off, long[] a, int ao) {
    for (int limb = 0; limb < 4; limb++) {
      long v = a[ao + limb];
      final int end = off + 31 - 8 * limb;
      for (int i = 0; i < 8; i++) {
        out[end - i] = (byte) v;
        v >>>= 8;
      }
    }
  }

  /** Whether the plain value in limbs is below p (a canonical field element). */
  static boolean isCanonical(long[] a, int ao) {
    // Compare from the most significant limb: the first differing limb decides.
    final long[] p = {P0, P1, P2, P3};
    for (int i = 3; i >= 0; i--) {
      if (a[ao + i] != p[i]) {
        return Long.compareUnsigned(a[ao + i], p[i]) < 0;
      }
    }
    return false; // equal to p
  }

  /** The limbs of a non-negative integer below 2^256. */
  static long[] limbs(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new IllegalArgumentException("not a 256-bit unsigned integer");
    }
    final long[] r = new long[4];
    for (int i = 0; i < 4; i++) {
      r[i] = v.shiftRight(64 * i).longValue();
    }
    return r;
  }

  /** The non-negative integer held in limbs at {@code ao}. */
  static BigInteger toBigInteger(long[] a, int ao) {
    final byte[] be = new byte[32];
    toBytes(be, 0, a, ao);
    return new BigInteger(1, be);
  }
}
