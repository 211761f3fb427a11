package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** P256FieldCt against a BigInteger reference, on P256FieldTest's edge values and random values. */
class P256FieldCtTest {
  private static final BigInteger P = P256Field.P;
  private static final BigInteger R = BigInteger.TWO.pow(256);
  private static final BigInteger R_INV = R.modInverse(P);

  private static List<BigInteger> values() {
    List<BigInteger> out = new ArrayList<>(P256FieldTest.edgeValues());
    SplittableRandom rnd = new SplittableRandom(64);
    for (int i = 0; i < 200; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      out.add(new BigInteger(1, b).mod(P));
    }
    return out;
  }

  @Test
  void mulAddSubNegMatchBigInteger() {
    List<BigInteger> values = values();
    long[] r = new long[4];
    for (int i = 0; i < values.size(); i++) {
      BigInteger a = values.get(i);
      for (int j = i % 7; j < values.size(); j += 7) {
        BigInteger b = values.get(j);
        long[] la = P256Field.limbs(a);
        long[] lb = P256Field.limbs(b);
        P256FieldCt.mul(r, 0, la, 0, lb, 0);
        assertThat(P256Field.toBigInteger(r, 0)).as("%s · %s", a, b).isEqualTo(a.multiply(b).multiply(R_INV).mod(P));
        P256FieldCt.add(r, 0, la, 0, lb, 0);
        assertThat(P256Field.toBigInteger(r, 0)).as("%s + %s", a, b).isEqualTo(a.add(b).mod(P));
        P256FieldCt.sub(r, 0, la, 0, lb, 0);
        assertThat(P256Field.toBigInteger(r, 0)).as("%s − %s", a, b).isEqualTo(a.subtract(b).mod(P));
      }
      P256FieldCt.neg(r, 0, P256Field.limbs(a), 0);
      assertThat(P256Field.toBigInteger(r, 0)).isEqualTo(a.negate().mod(P));
    }
  }

  @Test
  void inversionsMatchBigInteger() {
    long[] r = new long[4];
    long[] t = new long[28];
    for (BigInteger a : values()) {
      if (a.signum() == 0) {
        continue;
      }
      BigInteger mont = a.multiply(R).mod(P);
      P256FieldCt.invert(r, 0, P256Field.limbs(mont), 0);
      assertThat(P256Field.toBigInteger(r, 0)).isEqualTo(a.modInverse(P).multiply(R).mod(P));
      P256FieldCt.invertSquared(r, 0, P256Field.limbs(mont), 0, t);
      assertThat(P256Field.toBigInteger(r, 0)).isEqualTo(a.modInverse(P).pow(2).multiply(R).mod(P));
    }
  }

  @Test
  void ltAndEqMask() {
    long[] v = {0, 1, 2, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFFFFFFL, 0x100000000L};
    for (long x : v) {
      for (long y : v) {
        assertThat(P256FieldCt.lt(x, y)).isEqualTo(Long.compareUnsigned(x, y) < 0 ? 1L : 0L);
      }
    }
    for (int x = 0; x < 40; x++) {
      for (int y = 0; y < 40; y++) {
        assertThat(P256FieldCt.eqMask(x, y)).isEqualTo(x == y ? -1L : 0L);
      }
    }
  }
}
