package dev.clave.attestation.pki;

import java.math.BigInteger;

/**
 * Constant-time arithmetic in GF(p) for P-256 signing, in five 52-bit limbs: the field of {@link
 * P256FixedBase}'s k·G, where every value derives from the secret nonce.
 *
 * <p>Why 52-bit limbs here when {@link P256Field} uses 64: with spare bits, a product's columns are plain
 * sums (ten 52-bit pieces fit in a long) and carries are shifts, so there is no carry to detect and nothing
 * to compare. The saturated form needs a carry flag per addition, and {@link P256Field}'s {@code
 * Long.compareUnsigned(..) < 0 ? 1 : 0} may compile to a branch (always in the interpreter and C1; in C2
 * when profiling finds it predictable). Computed with masks instead, its product measured ~64 ns in a
 * dependent chain, against ~39 for this one, the carry formulas lengthening the serial chain.
 *
 * <p>An element is five limbs at an offset in a {@code long[]}, least significant first, value Σ l_i·2^(52i),
 * in Montgomery form a·R mod p with R = 2^260; p ≡ −1 (mod 2^52), so each reduction round's multiplier is the
 * low limb. Invariant: canonical in and out (limbs below 2^52, value below p); outputs may alias inputs.
 * No branch, comparison or array index depends on a value: conditional subtractions use the sign of a
 * borrow as a mask.
 */
final class P256Field52 {
  static final long M = (1L << 52) - 1;
  /** p's limbs: 2^52 − 1, 2^44 − 1, 0, 2^36, 2^48 − 2^16. */
  static final long P0 = M;
  static final long P1 = (1L << 44) - 1;
  static final long P3 = 1L << 36;
  static final long P4 = (1L << 48) - (1L << 16);
  private static final long P1_SHIFTED = P1 << 12;
  private static final long P4_SHIFTED = P4 << 12;

  static final BigInteger P = P256Field.P;
  private static final BigInteger R = BigInteger.TWO.pow(260);
  /** 1 in Montgomery form. */
  static final long[] ONE = fromBigInteger(R.mod(P));
  private static final long[] PLAIN_ONE = {1, 0, 0, 0, 0};
  private static final long[] ZERO = new long[5];
  /** R³ mod p: a Montgomery product with it turns the plain inverse of a·R into a⁻¹·R. */
  private static final long[] R3 = fromBigInteger(R.pow(3).mod(P));
  private static final int[] P_WORDS = words(P);

  private P256Field52() {}

  /**
   * r = a·b·R⁻¹ mod p (Montgomery product), a, b canonical. Product columns, then five reduction rounds
   * adding m·p (p's limbs are sparse: m·P0 and m·P3 are shifts), then one conditional subtraction: the
   * result (ab + mp)/R is below (p² + R·p)/R &lt; 2p.
   */
  static void mul(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    final long a4 = a[ao + 4];
    // b·2^12 (below 2^64): then a·b·2^12 = H·2^64 + L gives a·b = H·2^52 + (L >>> 12), the product already
    // split at bit 52 by the multiply instructions themselves.
    final long b0 = b[bo] << 12;
    final long b1 = b[bo + 1] << 12;
    final long b2 = b[bo + 2] << 12;
    final long b3 = b[bo + 3] << 12;
    final long b4 = b[bo + 4] << 12;
    // Columns of the 520-bit product: each a sum of at most ten 52-bit pieces, below 2^56.
    long c0 = ((a0 * b0) >>> 12);
    long c1 = Math.unsignedMultiplyHigh(a0, b0)
        + ((a0 * b1) >>> 12)
        + ((a1 * b0) >>> 12);
    long c2 = Math.unsignedMultiplyHigh(a0, b1)
        + ((a0 * b2) >>> 12)
        + Math.unsignedMultiplyHigh(a1, b0)
        + ((a1 * b1) >>> 12)
        + ((a2 * b0) >>> 12);
    long c3 = Math.unsignedMultiplyHigh(a0, b2)
        + ((a0 * b3) >>> 12)
        + Math.unsignedMultiplyHigh(a1, b1)
        + ((a1 * b2) >>> 12)
        + Math.unsignedMultiplyHigh(a2, b0)
        + ((a2 * b1) >>> 12)
        + ((a3 * b0) >>> 12);
    long c4 = Math.unsignedMultiplyHigh(a0, b3)
        + ((a0 * b4) >>> 12)
        + Math.unsignedMultiplyHigh(a1, b2)
        + ((a1 * b3) >>> 12)
        + Math.unsignedMultiplyHigh(a2, b1)
        + ((a2 * b2) >>> 12)
        + Math.unsignedMultiplyHigh(a3, b0)
        + ((a3 * b1) >>> 12)
        + ((a4 * b0) >>> 12);
    long c5 = Math.unsignedMultiplyHigh(a0, b4)
        + Math.unsignedMultiplyHigh(a1, b3)
        + ((a1 * b4) >>> 12)
        + Math.unsignedMultiplyHigh(a2, b2)
        + ((a2 * b3) >>> 12)
        + Math.unsignedMultiplyHigh(a3, b1)
        + ((a3 * b2) >>> 12)
        + Math.unsignedMultiplyHigh(a4, b0)
        + ((a4 * b1) >>> 12);
    long c6 = Math.unsignedMultiplyHigh(a1, b4)
        + Math.unsignedMultiplyHigh(a2, b3)
        + ((a2 * b4) >>> 12)
        + Math.unsignedMultiplyHigh(a3, b2)
        + ((a3 * b3) >>> 12)
        + Math.unsignedMultiplyHigh(a4, b1)
        + ((a4 * b2) >>> 12);
    long c7 = Math.unsignedMultiplyHigh(a2, b4)
        + Math.unsignedMultiplyHigh(a3, b3)
        + ((a3 * b4) >>> 12)
        + Math.unsignedMultiplyHigh(a4, b2)
        + ((a4 * b3) >>> 12);
    long c8 = Math.unsignedMultiplyHigh(a3, b4)
        + Math.unsignedMultiplyHigh(a4, b3)
        + ((a4 * b4) >>> 12);
    long c9 = Math.unsignedMultiplyHigh(a4, b4);
    long m;
    // Round 0: c += m·p·2^(52·0) with m = c0 mod 2^52, clearing limb 0 (−p⁻¹ ≡ 1 mod 2^52).
    m = c0 & M;
    c1 += (c0 >>> 52) + m; // c0 + m·(2^52 − 1) = (c0 − m) + m·2^52
    c1 += (m * P1_SHIFTED) >>> 12;
    c2 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c3 += (m << 36) & M; // m·P3 = m·2^36
    c4 += m >>> 16;
    c4 += (m * P4_SHIFTED) >>> 12;
    c5 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 1: c += m·p·2^(52·1) with m = c1 mod 2^52, clearing limb 1 (−p⁻¹ ≡ 1 mod 2^52).
    m = c1 & M;
    c2 += (c1 >>> 52) + m; // c1 + m·(2^52 − 1) = (c1 − m) + m·2^52
    c2 += (m * P1_SHIFTED) >>> 12;
    c3 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c4 += (m << 36) & M; // m·P3 = m·2^36
    c5 += m >>> 16;
    c5 += (m * P4_SHIFTED) >>> 12;
    c6 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 2: c += m·p·2^(52·2) with m = c2 mod 2^52, clearing limb 2 (−p⁻¹ ≡ 1 mod 2^52).
    m = c2 & M;
    c3 += (c2 >>> 52) + m; // c2 + m·(2^52 − 1) = (c2 − m) + m·2^52
    c3 += (m * P1_SHIFTED) >>> 12;
    c4 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c5 += (m << 36) & M; // m·P3 = m·2^36
    c6 += m >>> 16;
    c6 += (m * P4_SHIFTED) >>> 12;
    c7 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 3: c += m·p·2^(52·3) with m = c3 mod 2^52, clearing limb 3 (−p⁻¹ ≡ 1 mod 2^52).
    m = c3 & M;
    c4 += (c3 >>> 52) + m; // c3 + m·(2^52 − 1) = (c3 − m) + m·2^52
    c4 += (m * P1_SHIFTED) >>> 12;
    c5 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c6 += (m << 36) & M; // m·P3 = m·2^36
    c7 += m >>> 16;
    c7 += (m * P4_SHIFTED) >>> 12;
    c8 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 4: c += m·p·2^(52·4) with m = c4 mod 2^52, clearing limb 4 (−p⁻¹ ≡ 1 mod 2^52).
    m = c4 & M;
    c5 += (c4 >>> 52) + m; // c4 + m·(2^52 − 1) = (c4 − m) + m·2^52
    c5 += (m * P1_SHIFTED) >>> 12;
    c6 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c7 += (m << 36) & M; // m·P3 = m·2^36
    c8 += m >>> 16;
    c8 += (m * P4_SHIFTED) >>> 12;
    c9 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    reduceOnce(r, ro, c5, c6, c7, c8, c9);

  }

  /** r = a² (Montgomery), a canonical: {@link #mul}'s reduction after 15 limb products instead of 25. */
  static void sqr(long[] r, int ro, long[] a, int ao) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    final long a4 = a[ao + 4];
    final long s0 = a0 << 12;
    final long s1 = a1 << 12;
    final long s2 = a2 << 12;
    final long s3 = a3 << 12;
    final long s4 = a4 << 12;
    // Columns of the square: each cross product a_i·a_j (i < j) computed once and doubled; below 2^57.
    long c0 = ((a0 * s0) >>> 12);
    long c1 = Math.unsignedMultiplyHigh(a0, s0)
        + (((a0 * s1) >>> 12) << 1);
    long c2 = (Math.unsignedMultiplyHigh(a0, s1) << 1)
        + (((a0 * s2) >>> 12) << 1)
        + ((a1 * s1) >>> 12);
    long c3 = (Math.unsignedMultiplyHigh(a0, s2) << 1)
        + (((a0 * s3) >>> 12) << 1)
        + Math.unsignedMultiplyHigh(a1, s1)
        + (((a1 * s2) >>> 12) << 1);
    long c4 = (Math.unsignedMultiplyHigh(a0, s3) << 1)
        + (((a0 * s4) >>> 12) << 1)
        + (Math.unsignedMultiplyHigh(a1, s2) << 1)
        + (((a1 * s3) >>> 12) << 1)
        + ((a2 * s2) >>> 12);
    long c5 = (Math.unsignedMultiplyHigh(a0, s4) << 1)
        + (Math.unsignedMultiplyHigh(a1, s3) << 1)
        + (((a1 * s4) >>> 12) << 1)
        + Math.unsignedMultiplyHigh(a2, s2)
        + (((a2 * s3) >>> 12) << 1);
    long c6 = (Math.unsignedMultiplyHigh(a1, s4) << 1)
        + (Math.unsignedMultiplyHigh(a2, s3) << 1)
        + (((a2 * s4) >>> 12) << 1)
        + ((a3 * s3) >>> 12);
    long c7 = (Math.unsignedMultiplyHigh(a2, s4) << 1)
        + Math.unsignedMultiplyHigh(a3, s3)
        + (((a3 * s4) >>> 12) << 1);
    long c8 = (Math.unsignedMultiplyHigh(a3, s4) << 1)
        + ((a4 * s4) >>> 12);
    long c9 = Math.unsignedMultiplyHigh(a4, s4);
    long m;
    // Round 0: c += m·p·2^(52·0) with m = c0 mod 2^52, clearing limb 0 (−p⁻¹ ≡ 1 mod 2^52).
    m = c0 & M;
    c1 += (c0 >>> 52) + m; // c0 + m·(2^52 − 1) = (c0 − m) + m·2^52
    c1 += (m * P1_SHIFTED) >>> 12;
    c2 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c3 += (m << 36) & M; // m·P3 = m·2^36
    c4 += m >>> 16;
    c4 += (m * P4_SHIFTED) >>> 12;
    c5 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 1: c += m·p·2^(52·1) with m = c1 mod 2^52, clearing limb 1 (−p⁻¹ ≡ 1 mod 2^52).
    m = c1 & M;
    c2 += (c1 >>> 52) + m; // c1 + m·(2^52 − 1) = (c1 − m) + m·2^52
    c2 += (m * P1_SHIFTED) >>> 12;
    c3 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c4 += (m << 36) & M; // m·P3 = m·2^36
    c5 += m >>> 16;
    c5 += (m * P4_SHIFTED) >>> 12;
    c6 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 2: c += m·p·2^(52·2) with m = c2 mod 2^52, clearing limb 2 (−p⁻¹ ≡ 1 mod 2^52).
    m = c2 & M;
    c3 += (c2 >>> 52) + m; // c2 + m·(2^52 − 1) = (c2 − m) + m·2^52
    c3 += (m * P1_SHIFTED) >>> 12;
    c4 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c5 += (m << 36) & M; // m·P3 = m·2^36
    c6 += m >>> 16;
    c6 += (m * P4_SHIFTED) >>> 12;
    c7 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 3: c += m·p·2^(52·3) with m = c3 mod 2^52, clearing limb 3 (−p⁻¹ ≡ 1 mod 2^52).
    m = c3 & M;
    c4 += (c3 >>> 52) + m; // c3 + m·(2^52 − 1) = (c3 − m) + m·2^52
    c4 += (m * P1_SHIFTED) >>> 12;
    c5 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c6 += (m << 36) & M; // m·P3 = m·2^36
    c7 += m >>> 16;
    c7 += (m * P4_SHIFTED) >>> 12;
    c8 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    // Round 4: c += m·p·2^(52·4) with m = c4 mod 2^52, clearing limb 4 (−p⁻¹ ≡ 1 mod 2^52).
    m = c4 & M;
    c5 += (c4 >>> 52) + m; // c4 + m·(2^52 − 1) = (c4 − m) + m·2^52
    c5 += (m * P1_SHIFTED) >>> 12;
    c6 += Math.unsignedMultiplyHigh(m, P1_SHIFTED);
    c7 += (m << 36) & M; // m·P3 = m·2^36
    c8 += m >>> 16;
    c8 += (m * P4_SHIFTED) >>> 12;
    c9 += Math.unsignedMultiplyHigh(m, P4_SHIFTED);
    reduceOnce(r, ro, c5, c6, c7, c8, c9);
  }

  /**
   * Stores t = t0 + t1·2^52 + … + t4·2^208 (non-negative limbs below 2^58, t &lt; 2p) as t mod p,
   * canonical: normalizes the limbs, subtracts p, and keeps t instead when that borrowed.
   */
  private static void reduceOnce(long[] r, int ro, long t0, long t1, long t2, long t3, long t4) {
    t1 += t0 >>> 52;
    t0 &= M;
    t2 += t1 >>> 52;
    t1 &= M;
    t3 += t2 >>> 52;
    t2 &= M;
    t4 += t3 >>> 52;
    t3 &= M;
    long d0 = t0 - P0;
    long d1 = t1 - P1 + (d0 >> 52);
    d0 &= M;
    long d2 = t2 + (d1 >> 52);
    d1 &= M;
    long d3 = t3 - P3 + (d2 >> 52);
    d2 &= M;
    final long d4 = t4 - P4 + (d3 >> 52);
    d3 &= M;
    final long keep = d4 >> 63; // −1 when t − p is negative
    r[ro] = (t0 & keep) | (d0 & ~keep);
    r[ro + 1] = (t1 & keep) | (d1 & ~keep);
    r[ro + 2] = (t2 & keep) | (d2 & ~keep);
    r[ro + 3] = (t3 & keep) | (d3 & ~keep);
    r[ro + 4] = (t4 & keep) | (d4 & ~keep);
  }

  /** r = a + b mod p. */
  static void add(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    reduceOnce(r, ro, a[ao] + b[bo], a[ao + 1] + b[bo + 1], a[ao + 2] + b[bo + 2], a[ao + 3] + b[bo + 3],
        a[ao + 4] + b[bo + 4]);
  }

  /** r = a − b mod p: the difference with signed borrows, plus p under the mask of a final borrow. */
  static void sub(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    long d0 = a[ao] - b[bo];
    long d1 = a[ao + 1] - b[bo + 1] + (d0 >> 52);
    d0 &= M;
    long d2 = a[ao + 2] - b[bo + 2] + (d1 >> 52);
    d1 &= M;
    long d3 = a[ao + 3] - b[bo + 3] + (d2 >> 52);
    d2 &= M;
    long d4 = a[ao + 4] - b[bo + 4] + (d3 >> 52);
    d3 &= M;
    final long borrow = d4 >> 63; // −1 when a < b
    d0 += P0 & borrow;
    d1 += (P1 & borrow) + (d0 >>> 52);
    d0 &= M;
    d2 += d1 >>> 52; // P2 = 0
    d1 &= M;
    d3 += (P3 & borrow) + (d2 >>> 52);
    d2 &= M;
    d4 += (P4 & borrow) + (d3 >>> 52); // the value is now in [0, p): d4 is its top limb
    d3 &= M;
    r[ro] = d0;
    r[ro + 1] = d1;
    r[ro + 2] = d2;
    r[ro + 3] = d3;
    r[ro + 4] = d4;
  }

  /** r = −a mod p. */
  static void neg(long[] r, int ro, long[] a, int ao) {
    sub(r, ro, ZERO, 0, a, ao);
  }

  /** r = a⁻¹ (Montgomery in and out) for a ≠ 0, by BouncyCastle's constant-time {@code Mod.modOddInverse}. */
  static void invert(long[] r, int ro, long[] a, int ao) {
    final long[] plain = to64(a, ao);
    final int[] x = new int[8];
    for (int l = 0; l < 4; l++) {
      x[2 * l] = (int) plain[l];
      x[2 * l + 1] = (int) (plain[l] >>> 32);
    }
    final int[] z = new int[8];
    org.bouncycastle.math.raw.Mod.modOddInverse(P_WORDS, x, z); // fixed divstep count; 0 maps to 0
    final long[] inverse = new long[4];
    for (int l = 0; l < 4; l++) {
      inverse[l] = (z[2 * l] & 0xFFFFFFFFL) | ((long) z[2 * l + 1] << 32);
    }
    final long[] inverse52 = from64(inverse);
    mul(r, ro, inverse52, 0, R3, 0);
  }

  /** r = a·R⁻¹ mod p: a Montgomery-form element back to its plain value (still five 52-bit limbs). */
  static void fromMontgomery(long[] r, int ro, long[] a, int ao) {
    mul(r, ro, a, ao, PLAIN_ONE, 0);
  }

  static void copy(long[] r, int ro, long[] a, int ao) {
    System.arraycopy(a, ao, r, ro, 5);
  }

  /** Four 64-bit limbs into five 52-bit ones (same value). */
  static long[] from64(long[] x) {
    return new long[] {
      x[0] & M,
      ((x[0] >>> 52) | (x[1] << 12)) & M,
      ((x[1] >>> 40) | (x[2] << 24)) & M,
      ((x[2] >>> 28) | (x[3] << 36)) & M,
      x[3] >>> 16
    };
  }

  /** Five canonical 52-bit limbs at {@code ao} into four 64-bit ones (same value). */
  static long[] to64(long[] a, int ao) {
    return new long[] {
      a[ao] | (a[ao + 1] << 52),
      (a[ao + 1] >>> 12) | (a[ao + 2] << 40),
      (a[ao + 2] >>> 24) | (a[ao + 3] << 28),
      (a[ao + 3] >>> 36) | (a[ao + 4] << 16)
    };
  }

  /** The limbs of a plain value below 2^256 (public data only: BigInteger is not constant time). */
  static long[] fromBigInteger(BigInteger v) {
    return from64(P256Field.limbs(v));
  }

  /** v·R mod p in limbs, for building tables from public values. */
  static long[] montgomery(BigInteger v) {
    return fromBigInteger(v.multiply(R).mod(P));
  }

  static BigInteger toBigInteger(long[] a, int ao) {
    return P256Field.toBigInteger(to64(a, ao), 0);
  }

  private static int[] words(BigInteger v) {
    final long[] limbs = P256Field.limbs(v);
    final int[] w = new int[8];
    for (int l = 0; l < 4; l++) {
      w[2 * l] = (int) limbs[l];
      w[2 * l + 1] = (int) (limbs[l] >>> 32);
    }
    return w;
  }
}
