package dev.clave.attestation.pki;

import static dev.clave.attestation.pki.P256Field.add;
import static dev.clave.attestation.pki.P256Field.isZero;
import static dev.clave.attestation.pki.P256Field.mul;
import static dev.clave.attestation.pki.P256Field.neg;
import static dev.clave.attestation.pki.P256Field.sqr;
import static dev.clave.attestation.pki.P256Field.sub;
import static dev.clave.attestation.pki.P256Field.times2;
import static dev.clave.attestation.pki.P256Field.times3;
import static dev.clave.attestation.pki.P256Field.times4;
import static dev.clave.attestation.pki.P256Field.times8;

/**
 * A mutable P-256 point in Jacobian coordinates (X, Y, Z), representing the affine point (X/Z², Y/Z³), with
 * Z = 0 meaning the point at infinity; the accumulator of a scalar multiplication.
 *
 * <p>Coordinates are {@link P256Field} elements in Montgomery form held in one array ({@link #X}, {@link #Y},
 * {@link #Z} are offsets), with a private scratch array for the formulas' temporaries, so that a whole
 * multiplication allocates nothing. Other points come in as offsets into the caller's arrays: affine points
 * as 8 limbs (x, y), Jacobian points as 12 limbs (X, Y, Z), the layouts of {@link P256Tables}.
 *
 * <p>The additions handle every special case explicitly — adding infinity, adding a point to itself (which
 * must double: the chord formula divides by zero there) and adding its negation (giving infinity) — since a
 * verifier meets them with adversarial signatures, e.g. when u1·G and u2·Q coincide. Not thread-safe; not
 * constant time (verification handles public values only).
 */
final class P256Jacobian {
  static final int X = 0;
  static final int Y = 4;
  static final int Z = 8;

  // Scratch slots (offsets into t). The formulas below name them after the EFD's intermediate values.
  private static final int T0 = 0;
  private static final int T1 = 4;
  private static final int T2 = 8;
  private static final int T3 = 12;
  private static final int T4 = 16;
  private static final int T5 = 20;
  private static final int T6 = 24;
  private static final int T7 = 28;

  /** X at 0, Y at 4, Z at 8. */
  final long[] c = new long[12];
  private final long[] t = new long[32];

  P256Jacobian() {}

  boolean isInfinity() {
    return isZero(c, Z);
  }

  void setInfinity() {
    P256Field.copy(c, X, P256Field.ONE, 0);
    P256Field.copy(c, Y, P256Field.ONE, 0);
    c[Z] = 0;
    c[Z + 1] = 0;
    c[Z + 2] = 0;
    c[Z + 3] = 0;
  }

  /** Sets this to the affine point (x, y) at {@code a[ao…ao+7]}, or to (x, −y) when {@code negate}. */
  void setAffine(long[] a, int ao, boolean negate) {
    P256Field.copy(c, X, a, ao);
    if (negate) {
      neg(c, Y, a, ao + 4);
    } else {
      P256Field.copy(c, Y, a, ao + 4);
    }
    P256Field.copy(c, Z, P256Field.ONE, 0);
  }

  /** Sets this to the Jacobian point at {@code q[qo…qo+11]}, negated when {@code negate}. */
  void set(long[] q, int qo, boolean negate) {
    System.arraycopy(q, qo, c, 0, 12);
    if (negate) {
      neg(c, Y, c, Y);
    }
  }

  /** Copies this point's 12 limbs to {@code out[off…]}. */
  void store(long[] out, int off) {
    System.arraycopy(c, 0, out, off, 12);
  }

  /**
   * this = 2·this, by dbl-2001-b (EFD, short Weierstrass a = −3, Jacobian), which uses a = −3 through
   * 3·X² + a·Z⁴ = 3·(X − Z²)·(X + Z²). Z3 is computed as 2·Y1·Z1, which equals its (Y1 + Z1)² − gamma −
   * delta and saves three additions for a squaring turned product: 4M + 4S. Infinity stays infinity; P-256
   * has no point of order 2 (its order is prime), so Y ≠ 0 and the double of a finite point is finite.
   */
  void twice() {
    if (isInfinity()) {
      return;
    }
    final long[] c = this.c;
    final long[] t = this.t;
    final int delta = T0;
    final int gamma = T1;
    final int beta = T2;
    final int alpha = T3;
    final int tmp = T4;
    sqr(t, delta, c, Z); // delta = Z1²
    sqr(t, gamma, c, Y); // gamma = Y1²
    mul(t, beta, c, X, t, gamma); // beta = X1·gamma
    sub(t, tmp, c, X, t, delta);
    add(t, alpha, c, X, t, delta);
    mul(t, alpha, t, tmp, t, alpha);
    times3(t, alpha, t, alpha); // alpha = 3·(X1 − delta)·(X1 + delta)
    mul(c, Z, c, Y, c, Z);
    times2(c, Z, c, Z); // Z3 = 2·Y1·Z1
    times4(t, beta, t, beta); // 4·beta
    sqr(c, X, t, alpha);
    times2(t, tmp, t, beta);
    sub(c, X, c, X, t, tmp); // X3 = alpha² − 8·beta
    sub(t, tmp, t, beta, c, X);
    mul(t, tmp, t, alpha, t, tmp); // alpha·(4·beta − X3)
    sqr(t, gamma, t, gamma);
    times8(t, gamma, t, gamma); // 8·gamma²
    sub(c, Y, t, tmp, t, gamma); // Y3 = alpha·(4·beta − X3) − 8·gamma²
  }

  /**
   * this += (x2, ±y2), the affine point at {@code a[ao…ao+7]} (negated when {@code negate}), by
   * madd-2007-bl (EFD, Jacobian + affine, 7M + 4S) with Z3 computed as 2·Z1·H, which equals its
   * (Z1 + H)² − Z1Z1 − HH: 8M + 3S, and small multiples by shifts. H = 0 means the x-coordinates agree: the points are equal (r = 0: double) or
   * opposite (sum at infinity).
   */
  void addAffine(long[] a, int ao, boolean negate) {
    if (isInfinity()) {
      setAffine(a, ao, negate);
      return;
    }
    final long[] c = this.c;
    final long[] t = this.t;
    final int z1z1 = T0;
    final int u2 = T1;
    final int s2 = T2;
    final int h = T3;
    final int r = T4;
    final int i = T5;
    final int j = T6;
    final int v = T7;
    sqr(t, z1z1, c, Z); // Z1Z1 = Z1²
    mul(t, u2, a, ao, t, z1z1); // U2 = X2·Z1Z1
    mul(t, s2, c, Z, t, z1z1);
    mul(t, s2, a, ao + 4, t, s2); // S2 = Y2·Z1·Z1Z1
    if (negate) {
      neg(t, s2, t, s2);
    }
    sub(t, h, t, u2, c, X); // H = U2 − X1
    sub(t, r, t, s2, c, Y); // S2 − Y1
    if (isZero(t, h)) {
      if (isZero(t, r)) {
        twice();
      } else {
        setInfinity();
      }
      return;
    }
    times2(t, r, t, r); // r = 2·(S2 − Y1)
    mul(c, Z, c, Z, t, h);
    times2(c, Z, c, Z); // Z3 = 2·Z1·H
    sqr(t, i, t, h); // HH = H²
    times4(t, i, t, i); // I = 4·HH
    mul(t, j, t, h, t, i); // J = H·I
    mul(t, v, c, X, t, i); // V = X1·I
    sqr(c, X, t, r);
    sub(c, X, c, X, t, j);
    times2(t, u2, t, v); // U2 is dead: 2·V
    sub(c, X, c, X, t, u2); // X3 = r² − J − 2·V
    sub(t, v, t, v, c, X);
    mul(t, v, t, r, t, v); // r·(V − X3)
    mul(t, j, c, Y, t, j);
    times2(t, j, t, j); // 2·Y1·J
    sub(c, Y, t, v, t, j); // Y3 = r·(V − X3) − 2·Y1·J
  }

  /**
   * this += ±Q, the Jacobian point at {@code q[qo…qo+11]} (negated when {@code negate}; it must not be this
   * point's own array), by add-2007-bl (EFD, Jacobian + Jacobian) with Z3 computed as 2·Z1·Z2·H, which
   * equals its ((Z1 + Z2)² − Z1Z1 − Z2Z2)·H: 12M + 4S. Special cases as in {@link #addAffine}.
   */
  void addJacobian(long[] q, int qo, boolean negate) {
    if (isZero(q, qo + Z)) {
      return;
    }
    if (isInfinity()) {
      set(q, qo, negate);
      return;
    }
    final long[] c = this.c;
    final long[] t = this.t;
    final int z1z1 = T0;
    final int z2z2 = T1;
    final int u1 = T2;
    final int u2 = T3;
    final int s1 = T4;
    final int s2 = T5;
    final int h = T6;
    final int r = T7;
    final int i = u2; // U2 is dead once H is known
    final int j = s2; // S2 is dead once r is known
    final int v = z1z1; // Z1Z1 and Z2Z2 are dead once U1, U2, S1, S2 are known
    sqr(t, z1z1, c, Z); // Z1Z1 = Z1²
    sqr(t, z2z2, q, qo + Z); // Z2Z2 = Z2²
    mul(t, u1, c, X, t, z2z2); // U1 = X1·Z2Z2
    mul(t, u2, q, qo + X, t, z1z1); // U2 = X2·Z1Z1
    mul(t, s1, q, qo + Z, t, z2z2);
    mul(t, s1, c, Y, t, s1); // S1 = Y1·Z2·Z2Z2
    mul(t, s2, c, Z, t, z1z1);
    mul(t, s2, q, qo + Y, t, s2); // S2 = Y2·Z1·Z1Z1
    if (negate) {
      neg(t, s2, t, s2);
    }
    sub(t, h, t, u2, t, u1); // H = U2 − U1
    sub(t, r, t, s2, t, s1); // S2 − S1
    if (isZero(t, h)) {
      if (isZero(t, r)) {
        twice();
      } else {
        setInfinity();
      }
      return;
    }
    times2(t, r, t, r); // r = 2·(S2 − S1)
    mul(c, Z, c, Z, q, qo + Z);
    times2(c, Z, c, Z);
    mul(c, Z, c, Z, t, h); // Z3 = 2·Z1·Z2·H
    sqr(t, i, t, h);
    times4(t, i, t, i); // I = (2·H)² = 4·H²
    mul(t, j, t, h, t, i); // J = H·I
    mul(t, v, t, u1, t, i); // V = U1·I
    sqr(c, X, t, r);
    sub(c, X, c, X, t, j);
    times2(t, z2z2, t, v); // Z2Z2 is dead: 2·V
    sub(c, X, c, X, t, z2z2); // X3 = r² − J − 2·V
    sub(t, v, t, v, c, X);
    mul(t, v, t, r, t, v); // r·(V − X3)
    mul(t, s1, t, s1, t, j);
    times2(t, s1, t, s1); // 2·S1·J
    sub(c, Y, t, v, t, s1); // Y3 = r·(V − X3) − 2·S1·J
  }

  /**
   * Whether this point is finite with affine x-coordinate {@code x} (Montgomery form, canonical), tested
   * without an inversion: X/Z² = x exactly when X = x·Z².
   */
  boolean hasAffineX(long[] x, int xo) {
    if (isInfinity()) {
      return false;
    }
    sqr(t, T0, c, Z);
    mul(t, T0, x, xo, t, T0);
    return P256Field.equal(t, T0, c, X);
  }

  /**
   * Writes this point's affine coordinates (x, y) to {@code out[off…off+7]} and returns true, or returns
   * false for infinity. Costs an inversion: for tests and one-off conversions, not inner loops.
   */
  boolean toAffine(long[] out, int off) {
    if (isInfinity()) {
      return false;
    }
    P256Field.invert(t, T0, c, Z);
    sqr(t, T1, t, T0); // Z⁻²
    mul(t, T0, t, T0, t, T1); // Z⁻³
    mul(out, off, c, X, t, T1);
    mul(out, off + 4, c, Y, t, T0);
    return true;
  }
}
