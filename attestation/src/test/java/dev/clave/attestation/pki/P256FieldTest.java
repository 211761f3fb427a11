package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** P256Field against a BigInteger reference, on adversarial limb patterns and random values. */
class P256FieldTest {
  static final BigInteger P = P256Field.P;
  static final BigInteger R = BigInteger.TWO.pow(256);
  static final BigInteger R_INV = R.modInverse(P);
  static final BigInteger MASK64 = BigInteger.TWO.pow(64).subtract(BigInteger.ONE);

  /**
   * Canonical values that stress carries and the final subtraction: 0, 1, 2, p − 1, p − 2, p − 3,
   * 2^255 ± 1, 2^256 − p, each limb boundary 2^(64k) ± 1, and every combination of "interesting" limbs
   * (0, 1, all ones, the 32-bit halves, p's own limbs, top bit) that is below p.
   */
  static List<BigInteger> edgeValues() {
    List<BigInteger> out = new ArrayList<>(namedEdgeValues());
    long[] interesting = {
      0L, 1L, -1L, 0xFFFFFFFFL, 0xFFFFFFFF00000000L, Long.MIN_VALUE, P256Field.P3, 0xFFFFFFFF00000000L + 2
    };
    for (long a : interesting) {
      for (long b : interesting) {
        for (long c : interesting) {
          for (long d : interesting) {
            BigInteger v = fromLimbs(a, b, c, d);
            if (v.compareTo(P) < 0) {
              out.add(v);
            }
          }
        }
      }
    }
    return out.stream().distinct().toList();
  }

  /** The explicitly chosen edge values (without the limb-pattern combinations). */
  static List<BigInteger> namedEdgeValues() {
    List<BigInteger> out = new ArrayList<>();
    for (long k = 0; k < 4; k++) {
      out.add(BigInteger.valueOf(k));
      out.add(P.subtract(BigInteger.valueOf(k + 1)));
    }
    out.add(BigInteger.TWO.pow(255));
    out.add(BigInteger.TWO.pow(255).subtract(BigInteger.ONE));
    out.add(BigInteger.TWO.pow(255).add(BigInteger.ONE));
    out.add(R.subtract(P));
    out.add(R.subtract(P).subtract(BigInteger.ONE));
    for (int k = 1; k < 4; k++) {
      out.add(BigInteger.TWO.pow(64 * k));
      out.add(BigInteger.TWO.pow(64 * k).subtract(BigInteger.ONE));
      out.add(BigInteger.TWO.pow(64 * k).add(BigInteger.ONE));
      out.add(P.subtract(BigInteger.TWO.pow(64 * k)));
    }
    return out.stream().distinct().toList();
  }

  /** Every edge value against the named edge values and some random values: about 300 000 pairs. */
  static List<BigInteger> partners() {
    List<BigInteger> out = new ArrayList<>(namedEdgeValues());
    out.addAll(randomValues(99, 100));
    return out;
  }

  static BigInteger fromLimbs(long l0, long l1, long l2, long l3) {
    BigInteger v = BigInteger.ZERO;
    long[] limbs = {l0, l1, l2, l3};
    for (int i = 3; i >= 0; i--) {
      v = v.shiftLeft(64).or(BigInteger.valueOf(limbs[i]).and(MASK64));
    }
    return v;
  }

  static List<BigInteger> randomValues(long seed, int count) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<BigInteger> out = new ArrayList<>();
    while (out.size() < count) {
      // Mix fully random limbs with all-ones / zero limbs so that carry chains of every length occur.
      long[] l = new long[4];
      for (int i = 0; i < 4; i++) {
        int kind = rnd.nextInt(4);
        l[i] = kind == 0 ? -1L : kind == 1 ? 0L : rnd.nextLong();
      }
      BigInteger v = fromLimbs(l[0], l[1], l[2], l[3]);
      if (v.compareTo(P) < 0) {
        out.add(v);
      }
    }
    return out;
  }

  static long[] limbs(BigInteger v) {
    return P256Field.limbs(v);
  }

  static BigInteger value(long[] a) {
    return P256Field.toBigInteger(a, 0);
  }

  static boolean canonical(long[] a) {
    return value(a).compareTo(P) < 0;
  }

  /** The Montgomery running value before the final subtraction (what reduceOnce receives), for coverage. */
  static BigInteger montgomeryBeforeFinalSubtraction(BigInteger a, BigInteger b) {
    BigInteger t = a.multiply(b);
    for (int i = 0; i < 4; i++) {
      BigInteger m = t.and(MASK64); // −p⁻¹ ≡ 1 mod 2^64
      t = t.add(m.multiply(P)).shiftRight(64);
    }
    return t;
  }

  @Test
  void montgomeryProductMatchesReferenceOnEdgeAndRandomPairs() {
    List<BigInteger> values = new ArrayList<>(edgeValues());
    values.addAll(randomValues(1, 300));
    long[] r = new long[4];
    int neededSubtraction = 0;
    int aboveTwoTo256 = 0;
    List<String> failures = new ArrayList<>();
    List<BigInteger> partners = partners();
    for (BigInteger a : values) {
      long[] la = limbs(a);
      for (BigInteger b : partners) {
        P256Field.mul(r, 0, la, 0, limbs(b), 0);
        BigInteger expected = a.multiply(b).multiply(R_INV).mod(P);
        if (!value(r).equals(expected)) {
          failures.add("mont(" + a.toString(16) + ", " + b.toString(16) + ")");
        }
        P256Field.mul(r, 0, limbs(b), 0, la, 0);
        if (!value(r).equals(expected)) {
          failures.add("mont(" + b.toString(16) + ", " + a.toString(16) + ")");
        }
        BigInteger t = montgomeryBeforeFinalSubtraction(a, b);
        assertThat(t).isLessThan(P.shiftLeft(1));
        if (t.compareTo(P) >= 0) {
          neededSubtraction++;
        }
        if (t.bitLength() > 256) {
          aboveTwoTo256++;
        }
      }
    }
    assertThat(failures).isEmpty();
    assertThat(neededSubtraction).as("pairs whose product needed the final subtraction").isPositive();
    assertThat(aboveTwoTo256).as("pairs whose running value exceeded 2^256").isPositive();
  }

  @Test
  void montgomeryProductAcceptsAnySecondOperand() {
    // mul requires only a < p; b may be any 256-bit value (R2 and PLAIN_ONE are below p anyway).
    long[] r = new long[4];
    List<BigInteger> bs = List.of(R.subtract(BigInteger.ONE), P, P.add(BigInteger.ONE), R.subtract(BigInteger.TWO));
    for (BigInteger a : edgeValues()) {
      for (BigInteger b : bs) {
        P256Field.mul(r, 0, limbs(a), 0, limbs(b), 0);
        assertThat(value(r)).isEqualTo(a.multiply(b).multiply(R_INV).mod(P));
      }
    }
  }

  @Test
  void squareMatchesReference() {
    List<BigInteger> values = new ArrayList<>(edgeValues());
    values.addAll(randomValues(2, 5000));
    long[] r = new long[4];
    for (BigInteger a : values) {
      P256Field.sqr(r, 0, limbs(a), 0);
      assertThat(value(r)).as("sqr(%s)", a.toString(16)).isEqualTo(a.multiply(a).multiply(R_INV).mod(P));
    }
  }

  @Test
  void additionSubtractionAndNegationMatchReference() {
    List<BigInteger> values = new ArrayList<>(edgeValues());
    values.addAll(randomValues(3, 200));
    long[] r = new long[4];
    int sumsAtLeastP = 0;
    int sumsCarryingOut = 0;
    int borrows = 0;
    List<String> failures = new ArrayList<>();
    List<BigInteger> partners = partners();
    for (BigInteger a : values) {
      long[] la = limbs(a);
      for (BigInteger b : partners) {
        long[] lb = limbs(b);
        P256Field.add(r, 0, la, 0, lb, 0);
        if (!value(r).equals(a.add(b).mod(P))) {
          failures.add(a.toString(16) + " + " + b.toString(16));
        }
        P256Field.sub(r, 0, la, 0, lb, 0);
        if (!value(r).equals(a.subtract(b).mod(P))) {
          failures.add(a.toString(16) + " - " + b.toString(16));
        }
        P256Field.sub(r, 0, lb, 0, la, 0);
        if (!value(r).equals(b.subtract(a).mod(P))) {
          failures.add(b.toString(16) + " - " + a.toString(16));
        }
        sumsAtLeastP += a.add(b).compareTo(P) >= 0 ? 1 : 0;
        sumsCarryingOut += a.add(b).bitLength() > 256 ? 1 : 0;
        borrows += a.compareTo(b) < 0 ? 1 : 0;
      }
      P256Field.times2(r, 0, la, 0);
      assertThat(value(r)).isEqualTo(a.shiftLeft(1).mod(P));
      P256Field.times3(r, 0, la, 0);
      assertThat(value(r)).isEqualTo(a.multiply(BigInteger.valueOf(3)).mod(P));
      P256Field.times4(r, 0, la, 0);
      assertThat(value(r)).isEqualTo(a.shiftLeft(2).mod(P));
      P256Field.times8(r, 0, la, 0);
      assertThat(value(r)).isEqualTo(a.shiftLeft(3).mod(P));
      P256Field.neg(r, 0, la, 0);
      assertThat(value(r)).isEqualTo(a.negate().mod(P));
    }
    assertThat(failures).isEmpty();
    assertThat(sumsAtLeastP).isPositive();
    assertThat(sumsCarryingOut).isPositive();
    assertThat(borrows).isPositive();
  }

  @Test
  void smallMultiplesOfEveryEdgeValueReduceFully() {
    // Values just below k·p/8-style boundaries: k·a lands right at or past multiples of p and 2^256.
    List<BigInteger> values = new ArrayList<>(edgeValues());
    for (int k = 1; k < 8; k++) {
      BigInteger q = P.multiply(BigInteger.valueOf(k));
      for (int d : new int[] {2, 3, 4, 8}) {
        for (int delta = -2; delta <= 2; delta++) {
          BigInteger v = q.divide(BigInteger.valueOf(d)).add(BigInteger.valueOf(delta));
          if (v.signum() >= 0 && v.compareTo(P) < 0) {
            values.add(v);
          }
        }
      }
    }
    long[] r = new long[4];
    for (BigInteger a : values) {
      long[] la = limbs(a);
      for (int k : new int[] {2, 3, 4, 8}) {
        switch (k) {
          case 2 -> P256Field.times2(r, 0, la, 0);
          case 3 -> P256Field.times3(r, 0, la, 0);
          case 4 -> P256Field.times4(r, 0, la, 0);
          default -> P256Field.times8(r, 0, la, 0);
        }
        assertThat(value(r)).as("%d·%s", k, a.toString(16)).isEqualTo(a.multiply(BigInteger.valueOf(k)).mod(P));
      }
    }
  }

  @Test
  void outputsMayAliasInputs() {
    for (BigInteger a : randomValues(4, 200)) {
      BigInteger b = a.multiply(BigInteger.valueOf(7)).add(BigInteger.ONE).mod(P);
      long[] x = new long[8];
      System.arraycopy(limbs(a), 0, x, 0, 4);
      System.arraycopy(limbs(b), 0, x, 4, 4);
      P256Field.mul(x, 4, x, 0, x, 4); // b := a·b
      assertThat(P256Field.toBigInteger(x, 4)).isEqualTo(a.multiply(b).multiply(R_INV).mod(P));
      P256Field.mul(x, 0, x, 0, x, 0); // a := a·a
      assertThat(P256Field.toBigInteger(x, 0)).isEqualTo(a.multiply(a).multiply(R_INV).mod(P));
      BigInteger a2 = P256Field.toBigInteger(x, 0);
      BigInteger b2 = P256Field.toBigInteger(x, 4);
      P256Field.sub(x, 0, x, 4, x, 0);
      assertThat(P256Field.toBigInteger(x, 0)).isEqualTo(b2.subtract(a2).mod(P));
    }
  }

  @Test
  void montgomeryConversionsRoundTrip() {
    List<BigInteger> values = new ArrayList<>(edgeValues());
    values.addAll(randomValues(5, 2000));
    long[] m = new long[4];
    long[] back = new long[4];
    for (BigInteger a : values) {
      P256Field.toMontgomery(m, 0, limbs(a), 0);
      assertThat(value(m)).isEqualTo(a.multiply(R).mod(P));
      P256Field.fromMontgomery(back, 0, m, 0);
      assertThat(value(back)).isEqualTo(a);
    }
    assertThat(value(P256Field.ONE)).isEqualTo(R.mod(P));
  }

  @Test
  void inversionMatchesReference() {
    List<BigInteger> values = new ArrayList<>(edgeValues());
    values.addAll(randomValues(6, 200));
    long[] r = new long[4];
    for (BigInteger a : values) {
      // Montgomery in (aR), Montgomery out: (a⁻¹)R.
      BigInteger aMont = a.multiply(R).mod(P);
      P256Field.invert(r, 0, limbs(aMont), 0);
      BigInteger expected = a.signum() == 0 ? BigInteger.ZERO : a.modInverse(P).multiply(R).mod(P);
      assertThat(value(r)).as("inverse of %s", a.toString(16)).isEqualTo(expected);
    }
  }

  @Test
  void everyResultIsCanonical() {
    // Redundant with the exact comparisons above, but states the invariant the point code relies on.
    List<BigInteger> values = edgeValues();
    long[] r = new long[4];
    for (BigInteger a : values) {
      for (BigInteger b : namedEdgeValues()) {
        P256Field.mul(r, 0, limbs(a), 0, limbs(b), 0);
        assertThat(canonical(r)).isTrue();
        P256Field.add(r, 0, limbs(a), 0, limbs(b), 0);
        assertThat(canonical(r)).isTrue();
        P256Field.sub(r, 0, limbs(a), 0, limbs(b), 0);
        assertThat(canonical(r)).isTrue();
      }
    }
  }

  @Test
  void bytesRoundTripAndCanonicalCheck() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 1000; i++) {
      byte[] in = new byte[40];
      for (int j = 0; j < in.length; j++) {
        in[j] = (byte) rnd.nextInt();
      }
      long[] l = new long[6];
      P256Field.fromBytes(l, 2, in, 5);
      BigInteger v = new BigInteger(1, java.util.Arrays.copyOfRange(in, 5, 37));
      assertThat(P256Field.toBigInteger(l, 2)).isEqualTo(v);
      assertThat(P256Field.isCanonical(l, 2)).isEqualTo(v.compareTo(P) < 0);
      byte[] out = new byte[34];
      P256Field.toBytes(out, 1, l, 2);
      assertThat(java.util.Arrays.copyOfRange(out, 1, 33)).isEqualTo(java.util.Arrays.copyOfRange(in, 5, 37));
    }
    assertThat(P256Field.isCanonical(limbs(P.subtract(BigInteger.ONE)), 0)).isTrue();
    assertThat(P256Field.isCanonical(limbs(P), 0)).isFalse();
    assertThat(P256Field.isCanonical(limbs(P.add(BigInteger.ONE)), 0)).isFalse();
    assertThat(P256Field.isCanonical(limbs(R.subtract(BigInteger.ONE)), 0)).isFalse();
    assertThat(P256Field.isCanonical(limbs(BigInteger.ZERO), 0)).isTrue();
    // Differing only in a lower limb from p: p − 2^64 is canonical, p + 2^64 is not.
    assertThat(P256Field.isCanonical(limbs(P.subtract(BigInteger.TWO.pow(64))), 0)).isTrue();
    assertThat(P256Field.isCanonical(limbs(P.add(BigInteger.TWO.pow(64))), 0)).isFalse();
  }

  @Test
  void equalityAndZero() {
    assertThat(P256Field.isZero(new long[4], 0)).isTrue();
    for (int i = 0; i < 4; i++) {
      long[] a = new long[4];
      a[i] = 1;
      assertThat(P256Field.isZero(a, 0)).isFalse();
      assertThat(P256Field.equal(a, 0, new long[4], 0)).isFalse();
      assertThat(P256Field.equal(a, 0, a.clone(), 0)).isTrue();
    }
  }
}
