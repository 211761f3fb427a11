package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** P256Field52 against a BigInteger reference, on P256FieldTest's edge values and random values. */
class P256Field52Test {
  private static final BigInteger P = P256Field.P;
  private static final BigInteger R = BigInteger.TWO.pow(260);
  private static final BigInteger R_INV = R.modInverse(P);

  private static List<BigInteger> values() {
    List<BigInteger> out = new ArrayList<>(P256FieldTest.edgeValues());
    SplittableRandom rnd = new SplittableRandom(52);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      out.add(new BigInteger(1, b).mod(P));
    }
    // Limb-boundary patterns of the 52-bit form: 2^(52k) ± 1 and all-ones runs.
    for (int k = 0; k < 5; k++) {
      BigInteger b = BigInteger.TWO.pow(52 * k);
      for (BigInteger v : List.of(b, b.add(BigInteger.ONE), b.subtract(BigInteger.ONE), P.subtract(b))) {
        if (v.signum() >= 0 && v.compareTo(P) < 0) {
          out.add(v);
        }
      }
    }
    return out.stream().distinct().toList();
  }

  private static BigInteger get(long[] r) {
    for (long limb : r) {
      assertThat(limb >>> 52).as("limb below 2^52").isZero();
    }
    BigInteger v = P256Field52.toBigInteger(r, 0);
    assertThat(v).as("canonical").isLessThan(P);
    return v;
  }

  @Test
  void mulAddSubNegMatchBigInteger() {
    List<BigInteger> values = values();
    long[] r = new long[5];
    for (int i = 0; i < values.size(); i++) {
      BigInteger a = values.get(i);
      long[] la = P256Field52.fromBigInteger(a);
      for (int j = i % 5; j < values.size(); j += 5) {
        BigInteger b = values.get(j);
        long[] lb = P256Field52.fromBigInteger(b);
        P256Field52.mul(r, 0, la, 0, lb, 0);
        assertThat(get(r)).as("%s · %s", a, b).isEqualTo(a.multiply(b).multiply(R_INV).mod(P));
        P256Field52.add(r, 0, la, 0, lb, 0);
        assertThat(get(r)).as("%s + %s", a, b).isEqualTo(a.add(b).mod(P));
        P256Field52.sub(r, 0, la, 0, lb, 0);
        assertThat(get(r)).as("%s − %s", a, b).isEqualTo(a.subtract(b).mod(P));
      }
      P256Field52.sqr(r, 0, la, 0);
      assertThat(get(r)).as("%s²", a).isEqualTo(a.multiply(a).multiply(R_INV).mod(P));
      P256Field52.neg(r, 0, la, 0);
      assertThat(get(r)).isEqualTo(a.negate().mod(P));
      P256Field52.fromMontgomery(r, 0, la, 0);
      assertThat(get(r)).isEqualTo(a.multiply(R_INV).mod(P));
      if (a.signum() != 0) {
        P256Field52.invert(r, 0, P256Field52.montgomery(a), 0);
        assertThat(get(r)).isEqualTo(a.modInverse(P).multiply(R).mod(P));
      }
    }
  }
}
