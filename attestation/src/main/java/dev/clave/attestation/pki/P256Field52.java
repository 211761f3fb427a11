package dev.clave.attestation.pki;

import java.math.BigInteger;

/**
 * Constant-time arithmetic in GF(p) for P-256 signing, in five 52-bit limbs: the field of {@link
 * P256FixedBase}'s k·G, where every value derives from the secret nonce.
 *
 * <p>Why 52-bit limbs here when {@link P256Field} uses 64: with spare bits, a product's columns are plain
 * sums (ten 52-bit pieces fit in a long) and carries are shifts, so there is no carry to detect and nothing
 * to compare. The saturated form needs a carry flag per addition; computed without comparisons (see {@link
 * P256FieldCt}) that made a product ~64 ns, against ~35 for the variable-time one, because the carry
 * formulas lengthen the serial chain.
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
    final long b0 = b[bo];
    final long b1 = b[bo + 1];
    final long b2 = b[bo + 2];
    final long b3 = b[bo + 3];
    final long b4 = b[bo + 4];
    final long l00 = a0 * b0;
    final long h00 = Math.multiplyHigh(a0, b0);
    final long l01 = a0 * b1;
    final long h01 = Math.multiplyHigh(a0, b1);
    final long l02 = a0 * b2;
    final long h02 = Math.multiplyHigh(a0, b2);
    final long l03 = a0 * b3;
    final long h03 = Math.multiplyHigh(a0, b3);
    final long l04 = a0 * b4;
    final long h04 = Math.multiplyHigh(a0, b4);
    final long l10 = a1 * b0;
    final long h10 = Math.multiplyHigh(a1, b0);
    final long l11 = a1 * b1;
    final long h11 = Math.multiplyHigh(a1, b1);
    final long l12 = a1 * b2;
    final long h12 = Math.multiplyHigh(a1, b2);
    final long l13 = a1 * b3;
    final long h13 = Math.multiplyHigh(a1, b3);
    final long l14 = a1 * b4;
    final long h14 = Math.multiplyHigh(a1, b4);
    final long l20 = a2 * b0;
    final long h20 = Math.multiplyHigh(a2, b0);
    final long l21 = a2 * b1;
    final long h21 = Math.multiplyHigh(a2, b1);
    final long l22 = a2 * b2;
    final long h22 = Math.multiplyHigh(a2, b2);
    final long l23 = a2 * b3;
    final long h23 = Math.multiplyHigh(a2, b3);
    final long l24 = a2 * b4;
    final long h24 = Math.multiplyHigh(a2, b4);
    final long l30 = a3 * b0;
    final long h30 = Math.multiplyHigh(a3, b0);
    final long l31 = a3 * b1;
    final long h31 = Math.multiplyHigh(a3, b1);
    final long l32 = a3 * b2;
    final long h32 = Math.multiplyHigh(a3, b2);
    final long l33 = a3 * b3;
    final long h33 = Math.multiplyHigh(a3, b3);
    final long l34 = a3 * b4;
    final long h34 = Math.multiplyHigh(a3, b4);
    final long l40 = a4 * b0;
    final long h40 = Math.multiplyHigh(a4, b0);
    final long l41 = a4 * b1;
    final long h41 = Math.multiplyHigh(a4, b1);
    final long l42 = a4 * b2;
    final long h42 = Math.multiplyHigh(a4, b2);
    final long l43 = a4 * b3;
    final long h43 = Math.multiplyHigh(a4, b3);
    final long l44 = a4 * b4;
    final long h44 = Math.multiplyHigh(a4, b4);
    // Columns of the 520-bit product: each a sum of at most ten 52-bit pieces, below 2^56.
    long c0 = (l00 & M);
    long c1 = ((h00 << 12) | (l00 >>> 52))
        + (l01 & M)
        + (l10 & M);
    long c2 = ((h01 << 12) | (l01 >>> 52))
        + (l02 & M)
        + ((h10 << 12) | (l10 >>> 52))
        + (l11 & M)
        + (l20 & M);
    long c3 = ((h02 << 12) | (l02 >>> 52))
        + (l03 & M)
        + ((h11 << 12) | (l11 >>> 52))
        + (l12 & M)
        + ((h20 << 12) | (l20 >>> 52))
        + (l21 & M)
        + (l30 & M);
    long c4 = ((h03 << 12) | (l03 >>> 52))
        + (l04 & M)
        + ((h12 << 12) | (l12 >>> 52))
        + (l13 & M)
        + ((h21 << 12) | (l21 >>> 52))
        + (l22 & M)
        + ((h30 << 12) | (l30 >>> 52))
        + (l31 & M)
        + (l40 & M);
    long c5 = ((h04 << 12) | (l04 >>> 52))
        + ((h13 << 12) | (l13 >>> 52))
        + (l14 & M)
        + ((h22 << 12) | (l22 >>> 52))
        + (l23 & M)
        + ((h31 << 12) | (l31 >>> 52))
        + (l32 & M)
        + ((h40 << 12) | (l40 >>> 52))
        + (l41 & M);
    long c6 = ((h14 << 12) | (l14 >>> 52))
        + ((h23 << 12) | (l23 >>> 52))
        + (l24 & M)
        + ((h32 << 12) | (l32 >>> 52))
        + (l33 & M)
        + ((h41 << 12) | (l41 >>> 52))
        + (l42 & M);
    long c7 = ((h24 << 12) | (l24 >>> 52))
        + ((h33 << 12) | (l33 >>> 52))
        + (l34 & M)
        + ((h42 << 12) | (l42 >>> 52))
        + (l43 & M);
    long c8 = ((h34 << 12) | (l34 >>> 52))
        + ((h43 << 12) | (l43 >>> 52))
        + (l44 & M);
    long c9 = ((h44 << 12) | (l44 >>> 52));
    long m;
    long q;
    long qh;
    // Round 0: c += m·p·2^(52·0) with m = c0 mod 2^52, clearing limb 0 (−p⁻¹ ≡ 1 mod 2^52).
    m = c0 & M;
    c1 += (c0 >>> 52) + m; // c0 + m·(2^52 − 1) = (c0 − m) + m·2^52
    q = m * P1;
    qh = Math.multiplyHigh(m, P1);
    c1 += q & M;
    c2 += (qh << 12) | (q >>> 52);
    c3 += (m << 36) & M; // m·P3 = m·2^36
    c4 += m >>> 16;
    q = m * P4;
    qh = Math.multiplyHigh(m, P4);
    c4 += q & M;
    c5 += (qh << 12) | (q >>> 52);
    // Round 1: c += m·p·2^(52·1) with m = c1 mod 2^52, clearing limb 1 (−p⁻¹ ≡ 1 mod 2^52).
    m = c1 & M;
    c2 += (c1 >>> 52) + m; // c1 + m·(2^52 − 1) = (c1 − m) + m·2^52
    q = m * P1;
    qh = Math.multiplyHigh(m, P1);
    c2 += q & M;
    c3 += (qh << 12) | (q >>> 52);
    c4 += (m << 36) & M; // m·P3 = m·2^36
    c5 += m >>> 16;
    q = m * P4;
    qh = Math.multiplyHigh(m, P4);
    c5 += q & M;
    c6 += (qh << 12) | (q >>> 52);
    // Round 2: c += m·p·2^(52·2) with m = c2 mod 2^52, clearing limb 2 (−p⁻¹ ≡ 1 mod 2^52).
    m = c2 & M;
    c3 += (c2 >>> 52) + m; // c2 + m·(2^52 − 1) = (c2 − m) + m·2^52
    q = m * P1;
    qh = Math.multiplyHigh(m, P1);
    c3 += q & M;
    c4 += (qh << 12) | (q >>> 52);
    c5 += (m << 36) & M; // m·P3 = m·2^36
    c6 += m >>> 16;
    q = m * P4;
    qh = Math.multiplyHigh(m, P4);
    c6 += q & M;
    c7 += (qh << 12) | (q >>> 52);
    // Round 3: c += m·p·2^(52·3) with m = c3 mod 2^52, clearing limb 3 (−p⁻¹ ≡ 1 mod 2^52).
    m = c3 & M;
    c4 += (c3 >>> 52) + m; // c3 + m·(2^52 − 1) = (c3 − m) + m·2^52
    q = m * P1;
    qh = Math.multiplyHigh(m, P1);
    c4 += q & M;
    c5 += (qh << 12) | (q >>> 52);
    c6 += (m << 36) & M; // m·P3 = m·2^36
    c7 += m >>> 16;
    q = m * P4;
    qh = Math.multiplyHigh(m, P4);
    c7 += q & M;
    c8 += (qh << 12) | (q >>> 52);
    // Round 4: c += m·p·2^(52·4) with m = c4 mod 2^52, clearing limb 4 (−p⁻¹ ≡ 1 mod 2^52).
    m = c4 & M;
    c5 += (c4 >>> 52) + m; // c4 + m·(2^52 − 1) = (c4 − m) + m·2^52
    q = m * P1;
    qh = Math.multiplyHigh(m, P1);
    c5 += q & M;
    c6 += (qh << 12) | (q >>> 52);
    c7 += (m << 36) & M; // m·P3 = m·2^36
    c8 += m >>> 16;
    q = m * P4;
    qh = Math.multiplyHigh(m, P4);
    c8 += q & M;
    c9 += (qh << 12) | (q >>> 52);
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
