package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * P256Jacobian, P256Recoding, P256Tables and P256Combination against BouncyCastle's secp256r1: scalar
 * multiplications by random and edge scalars, every special case of the additions, recodings and tables.
 */
class P256PointTest {
  static final X9ECParameters BC = CustomNamedCurves.getByName("secp256r1");
  static final ECPoint G = BC.getG();
  static final BigInteger N = BC.getN();
  static final BigInteger P = P256Field.P;
  static final long[] ZERO = new long[4];

  // ---- conversions ----

  /** A BouncyCastle point as our 8-limb affine layout (Montgomery form). */
  static long[] affine(ECPoint p) {
    ECPoint q = p.normalize();
    long[] a = new long[8];
    P256Field.toMontgomery(a, 0, P256Field.limbs(q.getAffineXCoord().toBigInteger()), 0);
    P256Field.toMontgomery(a, 4, P256Field.limbs(q.getAffineYCoord().toBigInteger()), 0);
    return a;
  }

  /** Our Jacobian point as a BouncyCastle point (infinity included). */
  static ECPoint toBc(P256Jacobian j) {
    long[] a = new long[8];
    if (!j.toAffine(a, 0)) {
      return BC.getCurve().getInfinity();
    }
    return affineToBc(a, 0);
  }

  static ECPoint affineToBc(long[] a, int off) {
    long[] plain = new long[8];
    P256Field.fromMontgomery(plain, 0, a, off);
    P256Field.fromMontgomery(plain, 4, a, off + 4);
    return BC.getCurve().createPoint(P256Field.toBigInteger(plain, 0), P256Field.toBigInteger(plain, 4));
  }

  /** The Jacobian point (X·λ², Y·λ³, λ) for the affine point a: the same point with Z ≠ 1. */
  static long[] jacobianWithZ(long[] a, BigInteger lambda) {
    long[] l = P256Field.limbs(lambda);
    P256Field.toMontgomery(l, 0, l, 0);
    long[] j = new long[12];
    long[] t = new long[4];
    P256Field.sqr(t, 0, l, 0);
    P256Field.mul(j, P256Jacobian.X, a, 0, t, 0);
    P256Field.mul(t, 0, t, 0, l, 0);
    P256Field.mul(j, P256Jacobian.Y, a, 4, t, 0);
    P256Field.copy(j, P256Jacobian.Z, l, 0);
    return j;
  }

  static long[] scalar(BigInteger k) {
    return P256Field.limbs(k);
  }

  static void assertSame(P256Jacobian ours, ECPoint expected, String what) {
    ECPoint got = toBc(ours);
    assertThat(got.equals(expected.normalize())).as("%s: got %s, expected %s", what, got, expected.normalize()).isTrue();
  }

  static List<BigInteger> edgeScalars() {
    List<BigInteger> out = new ArrayList<>();
    for (int k = 0; k <= 40; k++) {
      out.add(BigInteger.valueOf(k));
    }
    for (int k = 1; k <= 5; k++) {
      out.add(N.subtract(BigInteger.valueOf(k)));
    }
    out.add(N.shiftRight(1));
    out.add(N.shiftRight(1).add(BigInteger.ONE));
    for (int bits : new int[] {63, 64, 65, 127, 128, 129, 191, 192, 252, 253, 254, 255}) {
      out.add(BigInteger.TWO.pow(bits));
      out.add(BigInteger.TWO.pow(bits).subtract(BigInteger.ONE));
    }
    out.add(new BigInteger("5".repeat(64), 16));
    out.add(new BigInteger("A".repeat(63), 16));
    out.add(new BigInteger("7F".repeat(32), 16));
    out.add(new BigInteger("F0".repeat(32), 16).mod(N));
    return out;
  }

  static List<BigInteger> randomScalars(long seed, int count) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<BigInteger> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      out.add(new BigInteger(1, b).mod(N));
    }
    return out;
  }

  static ECPoint randomPoint(SplittableRandom rnd) {
    byte[] b = new byte[32];
    rnd.nextBytes(b);
    return G.multiply(new BigInteger(1, b).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE)).normalize();
  }

  // ---- special cases of the group law ----

  @Test
  void additionOfAPointToItselfDoubles() {
    SplittableRandom rnd = new SplittableRandom(11);
    for (int i = 0; i < 50; i++) {
      ECPoint p = randomPoint(rnd);
      long[] a = affine(p);
      ECPoint twoP = p.twice();
      P256Jacobian acc = new P256Jacobian();
      // Affine + affine (Z = 1 on both sides).
      acc.setAffine(a, 0, false);
      acc.addAffine(a, 0, false);
      assertSame(acc, twoP, "P + P (affine)");
      // Jacobian with Z ≠ 1 plus the same point in affine form.
      long[] j = jacobianWithZ(a, BigInteger.valueOf(i + 2));
      acc.set(j, 0, false);
      acc.addAffine(a, 0, false);
      assertSame(acc, twoP, "P(Z≠1) + P (mixed)");
      // Jacobian + Jacobian, different Z.
      acc.set(j, 0, false);
      acc.addJacobian(jacobianWithZ(a, BigInteger.valueOf(1000 + i)), 0, false);
      assertSame(acc, twoP, "P + P (Jacobian, different Z)");
      // Negated operand of a negated point: (−P) + (−P) = −2P.
      acc.set(j, 0, true);
      acc.addAffine(a, 0, true);
      assertSame(acc, twoP.negate(), "(−P) + (−P)");
      acc.setAffine(a, 0, true);
      acc.addJacobian(j, 0, true);
      assertSame(acc, twoP.negate(), "(−P) + (−P) (Jacobian)");
    }
  }

  @Test
  void additionOfAPointToItsNegationGivesInfinity() {
    SplittableRandom rnd = new SplittableRandom(12);
    for (int i = 0; i < 50; i++) {
      long[] a = affine(randomPoint(rnd));
      long[] j = jacobianWithZ(a, BigInteger.valueOf(7 + i));
      P256Jacobian acc = new P256Jacobian();
      acc.set(j, 0, false);
      acc.addAffine(a, 0, true);
      assertThat(acc.isInfinity()).isTrue();
      acc.set(j, 0, true);
      acc.addAffine(a, 0, false);
      assertThat(acc.isInfinity()).isTrue();
      acc.setAffine(a, 0, false);
      acc.addJacobian(j, 0, true);
      assertThat(acc.isInfinity()).isTrue();
      // And on from infinity: ∞ + P = P.
      acc.addAffine(a, 0, false);
      assertSame(acc, affineToBc(a, 0), "∞ + P after P + (−P)");
    }
  }

  @Test
  void infinityIsTheIdentity() {
    SplittableRandom rnd = new SplittableRandom(13);
    ECPoint p = randomPoint(rnd);
    long[] a = affine(p);
    long[] j = jacobianWithZ(a, BigInteger.valueOf(99));
    long[] inf = new long[12]; // Z = 0
    P256Jacobian acc = new P256Jacobian();

    acc.setInfinity();
    assertThat(acc.isInfinity()).isTrue();
    acc.twice();
    assertThat(acc.isInfinity()).as("2·∞").isTrue();
    acc.addJacobian(inf, 0, false);
    assertThat(acc.isInfinity()).as("∞ + ∞").isTrue();
    acc.addAffine(a, 0, false);
    assertSame(acc, p, "∞ + P (affine)");
    acc.setInfinity();
    acc.addAffine(a, 0, true);
    assertSame(acc, p.negate(), "∞ + (−P) (affine)");
    acc.setInfinity();
    acc.addJacobian(j, 0, false);
    assertSame(acc, p, "∞ + P (Jacobian)");
    acc.setInfinity();
    acc.addJacobian(j, 0, true);
    assertSame(acc, p.negate(), "∞ + (−P) (Jacobian)");
    acc.set(j, 0, false);
    acc.addJacobian(inf, 0, false);
    assertSame(acc, p, "P + ∞");
    acc.addJacobian(inf, 0, true);
    assertSame(acc, p, "P + (−∞)");
    assertThat(acc.hasAffineX(a, 0)).isTrue();
    acc.setInfinity();
    assertThat(acc.hasAffineX(a, 0)).as("∞ has no x").isFalse();
    assertThat(acc.toAffine(new long[8], 0)).isFalse();
  }

  @Test
  void genericAdditionsAndDoublingsMatchBouncyCastle() {
    SplittableRandom rnd = new SplittableRandom(14);
    for (int i = 0; i < 200; i++) {
      ECPoint p = randomPoint(rnd);
      ECPoint q = randomPoint(rnd);
      long[] a = affine(p);
      long[] b = affine(q);
      P256Jacobian acc = new P256Jacobian();
      acc.set(jacobianWithZ(a, BigInteger.valueOf(rnd.nextLong(1, Long.MAX_VALUE))), 0, false);
      acc.addAffine(b, 0, false);
      assertSame(acc, p.add(q), "P + Q (mixed)");
      acc.addJacobian(jacobianWithZ(a, BigInteger.valueOf(rnd.nextLong(1, Long.MAX_VALUE))), 0, true);
      assertSame(acc, q, "P + Q − P");
      acc.twice();
      assertSame(acc, q.twice(), "2Q");
      acc.addAffine(b, 0, true);
      assertSame(acc, q, "2Q − Q");
    }
  }

  @Test
  void affineXTestUsesTheProjectiveX() {
    SplittableRandom rnd = new SplittableRandom(15);
    for (int i = 0; i < 50; i++) {
      ECPoint p = randomPoint(rnd);
      long[] a = affine(p);
      P256Jacobian acc = new P256Jacobian();
      acc.set(jacobianWithZ(a, BigInteger.valueOf(3 + i)), 0, false);
      assertThat(acc.hasAffineX(a, 0)).isTrue();
      long[] other = affine(p.twice());
      assertThat(acc.hasAffineX(other, 0)).isFalse();
    }
  }

  // ---- recodings ----

  static BigInteger value(int[] digits, int shiftPerDigit) {
    BigInteger v = BigInteger.ZERO;
    for (int i = digits.length - 1; i >= 0; i--) {
      v = v.shiftLeft(shiftPerDigit).add(BigInteger.valueOf(digits[i]));
    }
    return v;
  }

  static List<BigInteger> recodingScalars() {
    List<BigInteger> ks = new ArrayList<>(edgeScalars());
    ks.addAll(randomScalars(21, 2000));
    ks.add(BigInteger.TWO.pow(256).subtract(BigInteger.ONE)); // above n: recodings work for any 256-bit value
    ks.add(new BigInteger("FF".repeat(31) + "7F", 16));
    return ks;
  }

  @Test
  void wnafRecodesEveryScalarWithinItsDigitRules() {
    for (int w = 2; w <= 10; w++) {
      for (BigInteger k : recodingScalars()) {
        int[] d = new int[P256Recoding.WNAF_LENGTH];
        int top = P256Recoding.wnaf(scalar(k), w, d);
        assertThat(value(d, 1)).as("w=%d, k=%s", w, k.toString(16)).isEqualTo(k);
        int expectedTop = -1;
        int lastNonZero = Integer.MIN_VALUE / 2;
        for (int i = 0; i < d.length; i++) {
          if (d[i] != 0) {
            assertThat(d[i] & 1).as("odd digit").isEqualTo(1);
            assertThat(Math.abs(d[i])).isLessThan(1 << (w - 1));
            assertThat(i - lastNonZero).as("at least w − 1 zeros between digits").isGreaterThanOrEqualTo(w);
            lastNonZero = i;
            expectedTop = i;
          }
        }
        assertThat(top).isEqualTo(expectedTop);
      }
    }
  }

  @Test
  void signedWindowsRecodeEveryScalarWithinTheirDigitRange() {
    for (int v = 2; v <= 8; v++) {
      int half = 1 << (v - 1);
      for (BigInteger k : recodingScalars()) {
        int[] d = new int[P256Recoding.windows(v)];
        P256Recoding.signedWindows(scalar(k), v, d);
        assertThat(value(d, v)).as("v=%d, k=%s", v, k.toString(16)).isEqualTo(k);
        for (int x : d) {
          assertThat(x).isBetween(-half + 1, half);
        }
      }
    }
    assertThat(P256Recoding.windows(4)).isEqualTo(65);
    assertThat(P256Recoding.windows(5)).isEqualTo(52);
    assertThat(P256Recoding.windows(6)).isEqualTo(43);
    assertThat(P256Recoding.windows(8)).isEqualTo(33);
  }

  @Test
  void bitsReadsAcrossLimbBoundariesAndZeroAbove255() {
    SplittableRandom rnd = new SplittableRandom(22);
    for (BigInteger k : randomScalars(23, 50)) {
      long[] l = scalar(k);
      for (int i = 0; i < 200; i++) {
        int pos = rnd.nextInt(0, 300);
        int count = rnd.nextInt(1, 32);
        int expected = k.shiftRight(pos).and(BigInteger.TWO.pow(count).subtract(BigInteger.ONE)).intValue();
        assertThat(P256Recoding.bits(l, pos, count)).isEqualTo(expected);
      }
    }
  }

  // ---- tables ----

  @Test
  void oddMultiplesAndFixedWindowTablesHoldTheirMultiples() {
    SplittableRandom rnd = new SplittableRandom(31);
    ECPoint p = randomPoint(rnd);
    long[] a = affine(p);
    long[] odd = P256Tables.toAffine(P256Tables.oddMultiples(a, 0, 8), 8);
    for (int i = 0; i < 8; i++) {
      assertThat(affineToBc(odd, i * 8).equals(p.multiply(BigInteger.valueOf(2L * i + 1)).normalize())).isTrue();
    }
    for (int v : new int[] {2, 4, 5}) {
      long[] table = P256Tables.fixedWindows(a, 0, v);
      int per = 1 << (v - 1);
      assertThat(table).hasSize(P256Recoding.windows(v) * per * 8);
      for (int i = 0; i < P256Recoding.windows(v); i++) {
        for (int d = 1; d <= per; d++) {
          ECPoint expected = p.multiply(BigInteger.valueOf(d).shiftLeft(v * i).mod(N)).normalize();
          assertThat(affineToBc(table, (i * per + d - 1) * 8).equals(expected)).as("v=%d window %d digit %d", v, i, d).isTrue();
        }
      }
    }
  }

  @Test
  void generatorTablesHoldTheirMultiples() {
    long[] odd = P256Tables.GeneratorOddMultiples.TABLE;
    for (int i = 0; i < 1 << (P256Tables.GENERATOR_WNAF - 2); i++) {
      assertThat(affineToBc(odd, i * 8).equals(G.multiply(BigInteger.valueOf(2L * i + 1)).normalize())).isTrue();
    }
    long[] windows = P256Tables.GeneratorWindows.TABLE;
    int v = P256Tables.GENERATOR_WINDOW;
    int per = 1 << (v - 1);
    for (int i = 0; i < P256Recoding.windows(v); i++) {
      for (int d : new int[] {1, 2, 3, per - 1, per}) {
        ECPoint expected = G.multiply(BigInteger.valueOf(d).shiftLeft(v * i).mod(N)).normalize();
        assertThat(affineToBc(windows, (i * per + d - 1) * 8).equals(expected)).isTrue();
      }
    }
    assertThat(affineToBc(P256Curve.G_AFFINE, 0).equals(G.normalize())).isTrue();
  }

  // ---- scalar multiplication and the combination u1·G + u2·Q ----

  @Test
  void scalarMultiplesOfGAndOfAPointMatchBouncyCastle() {
    SplittableRandom rnd = new SplittableRandom(41);
    ECPoint q = randomPoint(rnd);
    long[] qa = affine(q);
    long[] qWindows = P256Tables.fixedWindows(qa, 0, P256Tables.KEY_WINDOW);
    List<BigInteger> ks = new ArrayList<>(edgeScalars());
    ks.addAll(randomScalars(42, 300));
    P256Jacobian acc = new P256Jacobian();
    for (BigInteger k : ks) {
      ECPoint kg = G.multiply(k);
      ECPoint kq = q.multiply(k);
      P256Combination.withDoublings(acc, scalar(k), ZERO, qa, 0);
      assertSame(acc, kg, "k·G by doublings, k=" + k.toString(16));
      P256Combination.withTables(acc, scalar(k), ZERO, qWindows);
      assertSame(acc, kg, "k·G by tables, k=" + k.toString(16));
      P256Combination.withDoublings(acc, ZERO, scalar(k), qa, 0);
      assertSame(acc, kq, "k·Q by doublings, k=" + k.toString(16));
      P256Combination.withTables(acc, ZERO, scalar(k), qWindows);
      assertSame(acc, kq, "k·Q by tables, k=" + k.toString(16));
    }
  }

  @Test
  void scalarsAboveTheOrderMultiplyAsIntegers() {
    SplittableRandom rnd = new SplittableRandom(43);
    ECPoint q = randomPoint(rnd);
    long[] qa = affine(q);
    long[] qWindows = P256Tables.fixedWindows(qa, 0, P256Tables.KEY_WINDOW);
    P256Jacobian acc = new P256Jacobian();
    List<BigInteger> ks = List.of(N, N.add(BigInteger.ONE), BigInteger.TWO.pow(256).subtract(BigInteger.ONE),
        BigInteger.TWO.pow(256).subtract(N), N.shiftLeft(0).add(BigInteger.TWO.pow(100)));
    for (BigInteger k : ks) {
      ECPoint kq = q.multiply(k.mod(N));
      P256Combination.withDoublings(acc, ZERO, scalar(k), qa, 0);
      assertSame(acc, kq, "k·Q by doublings, k=" + k.toString(16));
      P256Combination.withTables(acc, ZERO, scalar(k), qWindows);
      assertSame(acc, kq, "k·Q by tables, k=" + k.toString(16));
    }
  }

  @Test
  void combinationsMatchBouncyCastleIncludingCoincidingTerms() {
    SplittableRandom rnd = new SplittableRandom(44);
    P256Jacobian acc = new P256Jacobian();
    List<BigInteger> randoms = randomScalars(45, 200);
    for (int i = 0; i < 200; i++) {
      ECPoint q = randomPoint(rnd);
      long[] qa = affine(q);
      long[] qWindows = i < 20 ? P256Tables.fixedWindows(qa, 0, P256Tables.KEY_WINDOW) : null;
      BigInteger u1 = randoms.get(i);
      BigInteger u2 = randoms.get((i * 7 + 3) % randoms.size());
      ECPoint expected = G.multiply(u1).add(q.multiply(u2));
      P256Combination.withDoublings(acc, scalar(u1), scalar(u2), qa, 0);
      assertSame(acc, expected, "u1·G + u2·Q by doublings");
      if (qWindows != null) {
        P256Combination.withTables(acc, scalar(u1), scalar(u2), qWindows);
        assertSame(acc, expected, "u1·G + u2·Q by tables");
      }
    }
    // Q = c·G: choose u1 = u2·c (both terms equal, the sum doubles) and u1 = −u2·c (the sum is infinity),
    // for random and small scalars; the additions inside must take their special branches.
    List<BigInteger> cs = new ArrayList<>(List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(3), N.subtract(BigInteger.ONE)));
    cs.addAll(randomScalars(46, 20));
    List<BigInteger> u2s = new ArrayList<>(List.of(BigInteger.ONE, BigInteger.TWO, BigInteger.valueOf(5), N.subtract(BigInteger.ONE)));
    u2s.addAll(randomScalars(47, 5));
    for (BigInteger c : cs) {
      ECPoint q = G.multiply(c).normalize();
      long[] qa = affine(q);
      long[] qWindows = P256Tables.fixedWindows(qa, 0, P256Tables.KEY_WINDOW);
      for (BigInteger u2 : u2s) {
        BigInteger same = u2.multiply(c).mod(N);
        BigInteger opposite = N.subtract(same).mod(N);
        ECPoint doubled = G.multiply(same).twice();
        P256Combination.withDoublings(acc, scalar(same), scalar(u2), qa, 0);
        assertSame(acc, doubled, "u1·G = u2·Q by doublings, c=" + c + " u2=" + u2);
        P256Combination.withTables(acc, scalar(same), scalar(u2), qWindows);
        assertSame(acc, doubled, "u1·G = u2·Q by tables, c=" + c + " u2=" + u2);
        P256Combination.withDoublings(acc, scalar(opposite), scalar(u2), qa, 0);
        assertThat(acc.isInfinity()).as("u1·G = −u2·Q by doublings, c=%s u2=%s", c, u2).isTrue();
        P256Combination.withTables(acc, scalar(opposite), scalar(u2), qWindows);
        assertThat(acc.isInfinity()).as("u1·G = −u2·Q by tables, c=%s u2=%s", c, u2).isTrue();
      }
    }
  }
}
