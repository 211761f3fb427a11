package dev.clave.attestation.pki;

import static dev.clave.attestation.pki.P256Tables.AFFINE;

/**
 * u1·G + u2·Q, the sum an ECDSA verifier computes, for scalars below 2^256 as four 64-bit limbs (least
 * significant first) and a finite affine point Q. Two ways, for keys seen once and keys seen often.
 */
final class P256Combination {
  private P256Combination() {}

  /**
   * For a key without a table: one doubling chain (about 256 doublings) shared by both scalars, adding
   * odd multiples of Q (width-{@value P256Tables#KEY_WNAF} NAF, 8 affine points computed here) and of G
   * (width-{@value P256Tables#GENERATOR_WNAF} NAF, 256 affine points precomputed once) as their NAF digits
   * come up. The additions handle coinciding points, so adversarial scalars cannot derail it.
   */
  static void withDoublings(P256Jacobian acc, long[] u1, long[] u2, long[] q, int qo) {
    final int[] d1 = new int[P256Recoding.WNAF_LENGTH];
    final int[] d2 = new int[P256Recoding.WNAF_LENGTH];
    final int top1 = P256Recoding.wnaf(u1, P256Tables.GENERATOR_WNAF, d1);
    final int top2 = P256Recoding.wnaf(u2, P256Tables.KEY_WNAF, d2);
    final long[] gTable = P256Tables.GeneratorOddMultiples.TABLE;
    final int count = 1 << (P256Tables.KEY_WNAF - 2);
    // Affine, at the price of one inversion: each of the ~43 additions of Q's multiples is then mixed
    // (about 500 ns instead of 720 ns for a Jacobian one), which more than pays for it.
    final long[] qTable = top2 >= 0 ? P256Tables.toAffine(P256Tables.oddMultiples(q, qo, count), count) : null;
    acc.setInfinity();
    for (int i = Math.max(top1, top2); i >= 0; i--) {
      acc.twice();
      int d = d2[i];
      if (d != 0) {
        acc.addAffine(qTable, (Math.abs(d) >>> 1) * AFFINE, d < 0); // |d| odd: (|d| − 1)/2 = |d| >>> 1
      }
      d = d1[i];
      if (d != 0) {
        acc.addAffine(gTable, (Math.abs(d) >>> 1) * AFFINE, d < 0);
      }
    }
  }

  /**
   * For a key with its own fixed-window table ({@link P256Tables#fixedWindows} with width
   * {@value P256Tables#KEY_WINDOW}): one table point per window of each scalar, no doubling at all.
   */
  static void withTables(P256Jacobian acc, long[] u1, long[] u2, long[] qWindows) {
    final int[] digits =
        new int[Math.max(P256Recoding.windows(P256Tables.GENERATOR_WINDOW), P256Recoding.windows(P256Tables.KEY_WINDOW))];
    acc.setInfinity();
    P256Recoding.signedWindows(u1, P256Tables.GENERATOR_WINDOW, digits);
    addWindows(acc, P256Tables.GeneratorWindows.TABLE, P256Tables.GENERATOR_WINDOW, digits);
    P256Recoding.signedWindows(u2, P256Tables.KEY_WINDOW, digits);
    addWindows(acc, qWindows, P256Tables.KEY_WINDOW, digits);
  }

  private static void addWindows(P256Jacobian acc, long[] table, int v, int[] digits) {
    final int perWindow = 1 << (v - 1);
    final int windows = P256Recoding.windows(v);
    for (int i = 0; i < windows; i++) {
      final int d = digits[i];
      if (d != 0) {
        acc.addAffine(table, (i * perWindow + Math.abs(d) - 1) * AFFINE, d < 0);
      }
    }
  }
}
