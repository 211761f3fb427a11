package dev.clave.attestation.pki;

import java.math.BigInteger;

/**
 * The P-256 (secp256r1) domain parameters, from SEC 2 v2 §2.4.2 / FIPS 186-4 D.1.2.3: y² = x³ − 3x + b over
 * GF(p), base point G of prime order n, cofactor 1.
 */
final class P256Curve {
  static final BigInteger P = P256Field.P;
  static final BigInteger N =
      new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);
  static final BigInteger B =
      new BigInteger("5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B", 16);
  static final BigInteger GX =
      new BigInteger("6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296", 16);
  static final BigInteger GY =
      new BigInteger("4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5", 16);

  /** b in Montgomery form. */
  private static final long[] B_MONT = montgomery(B);
  /** G as an affine point (x, y), Montgomery form: the 8-limb layout of {@link P256Tables}. */
  static final long[] G_AFFINE = new long[8];

  static {
    P256Field.toMontgomery(G_AFFINE, 0, P256Field.limbs(GX), 0);
    P256Field.toMontgomery(G_AFFINE, 4, P256Field.limbs(GY), 0);
  }

  private P256Curve() {}

  private static long[] montgomery(BigInteger v) {
    final long[] r = P256Field.limbs(v);
    P256Field.toMontgomery(r, 0, r, 0);
    return r;
  }

  /**
   * Whether the affine point (x, y) at {@code a[ao…ao+7]} (Montgomery form, canonical) satisfies
   * y² = x³ − 3x + b. With cofactor 1 every such point lies in the prime-order group, so this is the whole
   * public-key validity check (SEC 1 §3.2.2.1) once coordinates are known to be below p.
   */
  static boolean isOnCurve(long[] a, int ao) {
    final long[] t = new long[12];
    P256Field.sqr(t, 0, a, ao); // x²
    P256Field.mul(t, 0, t, 0, a, ao); // x³
    P256Field.times2(t, 4, a, ao);
    P256Field.add(t, 4, t, 4, a, ao); // 3x
    P256Field.sub(t, 0, t, 0, t, 4);
    P256Field.add(t, 0, t, 0, B_MONT, 0); // x³ − 3x + b
    P256Field.sqr(t, 8, a, ao + 4); // y²
    return P256Field.equal(t, 0, t, 8);
  }
}
