package dev.clave.attestation.pki;

/**
 * Precomputed multiples of a P-256 point, in flat {@code long[]} arrays: an affine point is 8 limbs (x, y),
 * a Jacobian point 12 limbs (X, Y, Z), all {@link P256Field} elements in Montgomery form. Tables only hold
 * positive multiples; negative digits negate y on the fly.
 */
final class P256Tables {
  static final int AFFINE = 8;
  static final int JACOBIAN = 12;

  /**
   * Width of the signed fixed windows of the per-key table ({@link #fixedWindows}): 52 windows × 16
   * points, 53 KB per key, and at most 52 mixed additions per multiplication. (Width 4: 33 KB and 65
   * additions.)
   */
  static final int KEY_WINDOW = 5;
  /** Width of the generator's signed fixed windows: 37 windows × 64 points (151 KB, once), 37 additions. */
  static final int GENERATOR_WINDOW = 7;
  /** NAF width for G in the doubling chain: 256 odd multiples (16 KB, once), about 256/11 additions. */
  static final int GENERATOR_WNAF = 10;
  /** NAF width for a fresh key: 8 odd multiples (7 additions to build), about 256/6 additions. */
  static final int KEY_WNAF = 5;

  private P256Tables() {}

  /**
   * The odd multiples P, 3P, 5P, …, (2·count − 1)P of the affine point at {@code a[ao…]}, as Jacobian
   * points (12 limbs each): P, then repeatedly + 2P. P must be finite.
   */
  static long[] oddMultiples(long[] a, int ao, int count) {
    final long[] out = new long[count * JACOBIAN];
    final P256Jacobian p = new P256Jacobian();
    p.setAffine(a, ao, false);
    p.store(out, 0);
    if (count > 1) {
      final long[] twoP = new long[JACOBIAN];
      p.twice();
      p.store(twoP, 0);
      p.setAffine(a, ao, false);
      for (int i = 1; i < count; i++) {
        p.addJacobian(twoP, 0, false);
        p.store(out, i * JACOBIAN);
      }
    }
    return out;
  }

  /**
   * The signed fixed-window table of the affine point P at {@code a[ao…]}: for each window i in
   * [0, {@link P256Recoding#windows}(v)) and digit d in [1, 2^(v−1)], the affine point d·2^(v·i)·P at offset
   * (i·2^(v−1) + d − 1)·8. A scalar's signed windows then select one point per window: the product is a sum
   * of table points, with no doubling. P must be finite: P-256's order n is prime and every d·2^(v·i) is
   * below n or not a multiple of it, so no entry is infinity.
   */
  static long[] fixedWindows(long[] a, int ao, int v) {
    final int windows = P256Recoding.windows(v);
    final int perWindow = 1 << (v - 1);
    final int count = windows * perWindow;
    final long[] jac = new long[count * JACOBIAN];
    final P256Jacobian p = new P256Jacobian();
    p.setAffine(a, ao, false); // B = 2^(v·i)·P, starting with i = 0
    for (int i = 0; i < windows; i++) {
      final int first = i * perWindow;
      p.store(jac, first * JACOBIAN); // 1·B
      for (int d = 2; d <= perWindow; d++) {
        if ((d & 1) == 0) {
          p.set(jac, (first + d / 2 - 1) * JACOBIAN, false); // d·B = 2·((d/2)·B): a doubling is cheaper
          p.twice();
        } else {
          p.set(jac, (first + d - 2) * JACOBIAN, false); // d·B = (d − 1)·B + B
          p.addJacobian(jac, first * JACOBIAN, false);
        }
        p.store(jac, (first + d - 1) * JACOBIAN);
      }
      p.set(jac, (first + perWindow - 1) * JACOBIAN, false);
      p.twice(); // 2·(2^(v−1)·B) = 2^v·B, the next window's base
    }
    return toAffine(jac, count);
  }

  /**
   * Converts {@code count} finite Jacobian points to affine with one field inversion (Montgomery's trick:
   * invert the product of all Z, then peel off each Z⁻¹ with two multiplications).
   */
  static long[] toAffine(long[] jac, int count) {
    final long[] prefix = new long[count * 4]; // prefix[i] = Z0·…·Zi
    for (int i = 0; i < count; i++) {
      final int z = i * JACOBIAN + P256Jacobian.Z;
      if (P256Field.isZero(jac, z)) {
        throw new IllegalStateException("a table point is at infinity");
      }
      if (i == 0) {
        P256Field.copy(prefix, 0, jac, z);
      } else {
        P256Field.mul(prefix, 4 * i, prefix, 4 * (i - 1), jac, z);
      }
    }
    final long[] t = new long[12]; // inverse of the remaining prefix, Z⁻¹, Z⁻²
    P256Field.invert(t, 0, prefix, 4 * (count - 1));
    final long[] out = new long[count * AFFINE];
    for (int i = count - 1; i >= 0; i--) {
      final int j = i * JACOBIAN;
      if (i > 0) {
        P256Field.mul(t, 4, t, 0, prefix, 4 * (i - 1)); // Zi⁻¹ = (Z0…Zi)⁻¹ · (Z0…Zi−1)
        P256Field.mul(t, 0, t, 0, jac, j + P256Jacobian.Z); // (Z0…Zi−1)⁻¹
      } else {
        P256Field.copy(t, 4, t, 0);
      }
      P256Field.sqr(t, 8, t, 4); // Z⁻²
      P256Field.mul(out, i * AFFINE, jac, j + P256Jacobian.X, t, 8); // x = X·Z⁻²
      P256Field.mul(t, 8, t, 8, t, 4); // Z⁻³
      P256Field.mul(out, i * AFFINE + 4, jac, j + P256Jacobian.Y, t, 8); // y = Y·Z⁻³
    }
    return out;
  }

  /** G's odd multiples G, 3G, …, 511G (affine), for the NAF digits of u1 in the doubling chain. */
  static final class GeneratorOddMultiples {
    static final long[] TABLE =
        toAffine(oddMultiples(P256Curve.G_AFFINE, 0, 1 << (GENERATOR_WNAF - 2)), 1 << (GENERATOR_WNAF - 2));

    private GeneratorOddMultiples() {}
  }

  /** G's signed fixed-window table, built on the first use of a key's own table. */
  static final class GeneratorWindows {
    static final long[] TABLE = fixedWindows(P256Curve.G_AFFINE, 0, GENERATOR_WINDOW);

    private GeneratorWindows() {}
  }
}
