package dev.clave.attestation.pki;

/**
 * Constant-time arithmetic in GF(p) for P-256 signing, where values derive from the secret nonce.
 *
 * <p>The same representation and formulas as {@link P256Field} (four 64-bit limbs, Montgomery form,
 * canonical in and out, outputs may alias inputs), but every carry, borrow and final reduction is
 * computed with arithmetic and masks only: no branch, no comparison and no array index depends on a
 * value. {@link P256Field}'s {@code lt} uses {@code Long.compareUnsigned(..) < 0 ? 1 : 0}, which C2
 * usually compiles to a flag instruction but may keep as a branch when profiling finds it predictable
 * (and the interpreter and C1 always branch), so it is not used here.
 */
final class P256FieldCt {
  static final long P0 = P256Field.P0;
  static final long P1 = P256Field.P1;
  static final long P3 = P256Field.P3;

  private P256FieldCt() {}

  /**
   * 1 when {@code x < y} as unsigned 64-bit integers, else 0, without a comparison: the borrow out of
   * x − y, which is the top bit of (¬x ∧ y) ∨ ((¬x ∨ y) ∧ (x − y)) (Hacker's Delight §2-13).
   */
  static long lt(long x, long y) {
    return ((~x & y) | ((~x | y) & (x - y))) >>> 63;
  }

  /**
   * The carry out of s = x + y (given s), without a comparison: the top bit of (x ∧ y) ∨ ((x ∨ y) ∧ ¬s),
   * the majority of the operands' and the complemented sum's top bits. Five operations against {@link #lt}'s
   * seven, which matters in {@link #mul}'s sixty carries.
   */
  private static long carry(long x, long y, long s) {
    return ((x & y) | ((x | y) & ~s)) >>> 63;
  }

  /**
   * r = a·b·R⁻¹ mod p (the Montgomery product; for elements in Montgomery form, their product).
   *
   * <p>Coarsely integrated operand scanning, unrolled: each round adds a·b[i] to the running value t, then
   * adds m·p with m = t mod 2^64 (−p⁻¹ ≡ 1) and shifts a limb out. With a &lt; p the running value stays
   * below 2p (if t &lt; 2p then (t + a·b[i] + m·p) / 2^64 &lt; (2p + (2^64 − 1)·p + (2^64 − 1)·p) / 2^64 = 2p),
   * so one final conditional subtraction makes it canonical. Requires a &lt; p; b may be any 256-bit value.
   * (The rounds are written out: C2 does not unroll the loop form, which costs a third more.) Every carry is
   * {@link #carry}; m·P3 is a product rather than {@link P256Field}'s shifts, which needed two more carries.
   */
  static void mul(long[] r, int ro, long[] a, int ao, long[] b, int bo) {
    final long a0 = a[ao];
    final long a1 = a[ao + 1];
    final long a2 = a[ao + 2];
    final long a3 = a[ao + 3];
    long t0;
    long t1;
    long t2;
    long t3;
    long t4;
    long t5 = 0;
    long p;
    long lo;
    long hi;
    long s;
    long c;
    long x;
    long m;
    // Round 0: t += a·b0 (t starts at zero); then t = (t + m·p) / 2^64 with m = t0.
    final long b0 = b[bo];
    t0 = a0 * b0;
    c = Math.unsignedMultiplyHigh(a0, b0);
    p = a1 * b0;
    lo = p + c;
    c = Math.unsignedMultiplyHigh(a1, b0) + carry(p, c, lo);
    t1 = lo;
    p = a2 * b0;
    lo = p + c;
    c = Math.unsignedMultiplyHigh(a2, b0) + carry(p, c, lo);
    t2 = lo;
    p = a3 * b0;
    lo = p + c;
    c = Math.unsignedMultiplyHigh(a3, b0) + carry(p, c, lo);
    t3 = lo;
    t4 = c;
    m = t0;
    x = m << 32;
    s = t1 + x;
    c = carry(t1, x, s);
    t0 = s;
    x = (m >>> 32) + c;
    s = t2 + x;
    c = carry(t2, x, s);
    t1 = s;
    p = m * P3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(m, P3) + carry(p, c, lo);
    s = t3 + lo;
    hi += carry(t3, lo, s);
    t2 = s;
    s = t4 + hi;
    t4 = t5 + carry(t4, hi, s);
    t3 = s;
    // Round 1: t += a·b1; then t = (t + m·p) / 2^64 with m = t0.
    final long b1 = b[bo + 1];
    p = a0 * b1;
    lo = p;
    hi = Math.unsignedMultiplyHigh(a0, b1);
    s = t0 + lo;
    c = hi + carry(t0, lo, s);
    t0 = s;
    p = a1 * b1;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a1, b1) + carry(p, c, lo);
    s = t1 + lo;
    c = hi + carry(t1, lo, s);
    t1 = s;
    p = a2 * b1;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a2, b1) + carry(p, c, lo);
    s = t2 + lo;
    c = hi + carry(t2, lo, s);
    t2 = s;
    p = a3 * b1;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a3, b1) + carry(p, c, lo);
    s = t3 + lo;
    c = hi + carry(t3, lo, s);
    t3 = s;
    s = t4 + c;
    t5 = carry(t4, c, s);
    t4 = s;
    m = t0;
    x = m << 32;
    s = t1 + x;
    c = carry(t1, x, s);
    t0 = s;
    x = (m >>> 32) + c;
    s = t2 + x;
    c = carry(t2, x, s);
    t1 = s;
    p = m * P3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(m, P3) + carry(p, c, lo);
    s = t3 + lo;
    hi += carry(t3, lo, s);
    t2 = s;
    s = t4 + hi;
    t4 = t5 + carry(t4, hi, s);
    t3 = s;
    // Round 2: t += a·b2; then t = (t + m·p) / 2^64 with m = t0.
    final long b2 = b[bo + 2];
    p = a0 * b2;
    lo = p;
    hi = Math.unsignedMultiplyHigh(a0, b2);
    s = t0 + lo;
    c = hi + carry(t0, lo, s);
    t0 = s;
    p = a1 * b2;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a1, b2) + carry(p, c, lo);
    s = t1 + lo;
    c = hi + carry(t1, lo, s);
    t1 = s;
    p = a2 * b2;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a2, b2) + carry(p, c, lo);
    s = t2 + lo;
    c = hi + carry(t2, lo, s);
    t2 = s;
    p = a3 * b2;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a3, b2) + carry(p, c, lo);
    s = t3 + lo;
    c = hi + carry(t3, lo, s);
    t3 = s;
    s = t4 + c;
    t5 = carry(t4, c, s);
    t4 = s;
    m = t0;
    x = m << 32;
    s = t1 + x;
    c = carry(t1, x, s);
    t0 = s;
    x = (m >>> 32) + c;
    s = t2 + x;
    c = carry(t2, x, s);
    t1 = s;
    p = m * P3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(m, P3) + carry(p, c, lo);
    s = t3 + lo;
    hi += carry(t3, lo, s);
    t2 = s;
    s = t4 + hi;
    t4 = t5 + carry(t4, hi, s);
    t3 = s;
    // Round 3: t += a·b3; then t = (t + m·p) / 2^64 with m = t0.
    final long b3 = b[bo + 3];
    p = a0 * b3;
    lo = p;
    hi = Math.unsignedMultiplyHigh(a0, b3);
    s = t0 + lo;
    c = hi + carry(t0, lo, s);
    t0 = s;
    p = a1 * b3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a1, b3) + carry(p, c, lo);
    s = t1 + lo;
    c = hi + carry(t1, lo, s);
    t1 = s;
    p = a2 * b3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a2, b3) + carry(p, c, lo);
    s = t2 + lo;
    c = hi + carry(t2, lo, s);
    t2 = s;
    p = a3 * b3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(a3, b3) + carry(p, c, lo);
    s = t3 + lo;
    c = hi + carry(t3, lo, s);
    t3 = s;
    s = t4 + c;
    t5 = carry(t4, c, s);
    t4 = s;
    m = t0;
    x = m << 32;
    s = t1 + x;
    c = carry(t1, x, s);
    t0 = s;
    x = (m >>> 32) + c;
    s = t2 + x;
    c = carry(t2, x, s);
    t1 = s;
    p = m * P3;
    lo = p + c;
    hi = Math.unsignedMultiplyHigh(m, P3) + carry(p, c, lo);
    s = t3 + lo;
    hi += carry(t3, lo, s);
    t2 = s;
    s = t4 + hi;
    t4 = t5 + carry(t4, hi, s);
    t3 = s;
    reduceOnce(r, ro, t0, t1, t2, t3, t4);

  }

  /**

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


  /** r = −a mod p (a ≠ 0 is not required: −0 is computed as p − 0 − … and reduced by {@link #sub}). */
  static void neg(long[] r, int ro, long[] a, int ao) {
    sub(r, ro, ZERO, 0, a, ao);
  }

  private static final long[] ZERO = new long[4];
  private static final long[] PLAIN_ONE = {1, 0, 0, 0};

  /** r = a·R⁻¹ mod p: a Montgomery-form element back to its plain value. */
  static void fromMontgomery(long[] r, int ro, long[] a, int ao) {
    mul(r, ro, a, ao, PLAIN_ONE, 0);
  }

  /** r = a^(2^count) by repeated squaring (count is public). */
  static void sqrN(long[] r, int ro, long[] a, int ao, int count) {
    mul(r, ro, a, ao, a, ao);
    for (int i = 1; i < count; i++) {
      mul(r, ro, r, ro, r, ro);
    }
  }

  /**
   * r = a^(p−3) = a⁻² for a ≠ 0 (Fermat), Montgomery in and out, by a fixed addition chain: the same
   * 255 squarings and 11 multiplications whatever a is. p − 3 in 32-bit words, most significant first:
   * ffffffff 00000001 00000000 00000000 00000000 ffffffff ffffffff fffffffc. {@code t} is 28 limbs of
   * scratch.
   */
  static void invertSquared(long[] r, int ro, long[] a, int ao, long[] t) {
    final int x2 = 0;
    final int x3 = 4;
    final int x6 = 8;
    final int x12 = 12;
    final int x15 = 16;
    final int x30 = 20;
    final int x32 = 24;
    // xk = a^(2^k − 1), k ones in a row.
    mul(t, x2, a, ao, a, ao);
    mul(t, x2, t, x2, a, ao);
    mul(t, x3, t, x2, t, x2);
    mul(t, x3, t, x3, a, ao);
    sqrN(t, x6, t, x3, 3);
    mul(t, x6, t, x6, t, x3);
    sqrN(t, x12, t, x6, 6);
    mul(t, x12, t, x12, t, x6);
    sqrN(t, x15, t, x12, 3);
    mul(t, x15, t, x15, t, x3);
    sqrN(t, x30, t, x15, 15);
    mul(t, x30, t, x30, t, x15);
    sqrN(t, x32, t, x30, 2);
    mul(t, x32, t, x32, t, x2);
    // ffffffff | 00000001 | 0×3 words, ffffffff | ffffffff | fffffffc
    sqrN(r, ro, t, x32, 32);
    mul(r, ro, r, ro, a, ao);
    sqrN(r, ro, r, ro, 128);
    mul(r, ro, r, ro, t, x32);
    sqrN(r, ro, r, ro, 32);
    mul(r, ro, r, ro, t, x32);
    sqrN(r, ro, r, ro, 30);
    mul(r, ro, r, ro, t, x30);
    sqrN(r, ro, r, ro, 2);
  }

  /** −1 when {@code x == y} (small non-negative ints, below 2^31), else 0. */
  static long eqMask(int x, int y) {
    return (long) (((x ^ y) - 1) >> 31);
  }

  static void copy(long[] r, int ro, long[] a, int ao) {
    System.arraycopy(a, ao, r, ro, 4);
  }

  private static final int[] P_WORDS = words(P256Field.limbs(P256Field.P));
  /** R³ mod p: a Montgomery product with it turns the plain inverse of a Montgomery form into Montgomery form. */
  private static final long[] R3 = P256Field.limbs(java.math.BigInteger.TWO.pow(768).mod(P256Field.P));

  /**
   * r = a⁻¹ (Montgomery in and out) for a ≠ 0, by BouncyCastle's constant-time safegcd
   * ({@code Mod.modOddInverse}: a fixed number of divsteps, no value-dependent branches), which is several
   * times cheaper than the 266 products of Fermat's chain ({@link #invertSquared}, kept as its reference).
   */
  static void invert(long[] r, int ro, long[] a, int ao) {
    final int[] x = new int[8];
    for (int l = 0; l < 4; l++) {
      x[2 * l] = (int) a[ao + l];
      x[2 * l + 1] = (int) (a[ao + l] >>> 32);
    }
    final int[] z = new int[8];
    org.bouncycastle.math.raw.Mod.modOddInverse(P_WORDS, x, z); // 0 maps to 0
    final long[] inverse = new long[4];
    for (int l = 0; l < 4; l++) {
      inverse[l] = (z[2 * l] & 0xFFFFFFFFL) | ((long) z[2 * l + 1] << 32);
    }
    mul(r, ro, inverse, 0, R3, 0);
  }

  private static int[] words(long[] limbs) {
    final int[] w = new int[8];
    for (int l = 0; l < 4; l++) {
      w[2 * l] = (int) limbs[l];
      w[2 * l + 1] = (int) (limbs[l] >>> 32);
    }
    return w;
  }
}
