package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** P256SafeGcd's inversions modulo n and modulo p against BigInteger.modInverse. */
class P256SafeGcdTest {
  static final BigInteger N = P256Curve.N;
  static final BigInteger P = P256Field.P;

  static List<BigInteger> edgeScalars() {
    return edgeValues(N);
  }

  static List<BigInteger> edgeValues(BigInteger N) {
    List<BigInteger> out = new ArrayList<>();
    for (int k = 1; k <= 64; k++) {
      out.add(BigInteger.valueOf(k));
      out.add(N.subtract(BigInteger.valueOf(k)));
    }
    for (int bits = 1; bits < 256; bits++) {
      out.add(BigInteger.TWO.pow(bits).mod(N));
      out.add(BigInteger.TWO.pow(bits).subtract(BigInteger.ONE).mod(N));
    }
    out.add(N.shiftRight(1));
    out.add(N.shiftRight(1).add(BigInteger.ONE));
    out.add(new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFF00000000000000000000000000000000", 16));
    out.add(new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632550", 16));
    out.add(new BigInteger("5".repeat(64), 16).mod(N));
    out.add(new BigInteger("3".repeat(64), 16).mod(N));
    return out.stream().filter(v -> v.signum() > 0).distinct().toList();
  }

  @Test
  void inverseModNMatchesBigIntegerOnEdgeAndRandomScalars() {
    check(P256SafeGcd.MOD_N, N);
  }

  @Test
  void inverseModPMatchesBigIntegerOnEdgeAndRandomElements() {
    check(P256SafeGcd.MOD_P, P);
  }

  @Test
  void zeroMapsToZero() {
    assertThat(P256SafeGcd.MOD_N.invert(new long[4])).containsOnly(0L);
    assertThat(P256SafeGcd.MOD_P.invert(new long[4])).containsOnly(0L);
  }

  static void check(P256SafeGcd inverter, BigInteger N) {
    List<BigInteger> values = new ArrayList<>(edgeValues(N));
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < 20000; i++) {
      byte[] b = new byte[33];
      rnd.nextBytes(b);
      BigInteger v = new BigInteger(1, b).mod(N);
      if (v.signum() > 0) {
        values.add(v);
      }
    }
    List<String> failures = new ArrayList<>();
    for (BigInteger v : values) {
      BigInteger got = P256Field.toBigInteger(inverter.invert(P256Field.limbs(v)), 0);
      if (!got.equals(v.modInverse(N))) {
        failures.add(v.toString(16));
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void signed62LimbsRoundTrip() {
    SplittableRandom rnd = new SplittableRandom(6);
    for (int i = 0; i < 1000; i++) {
      long[] a = {rnd.nextLong(), rnd.nextLong(), rnd.nextLong(), rnd.nextLong()};
      long[] s = P256SafeGcd.toSigned62(a);
      for (int j = 0; j < 4; j++) {
        assertThat(s[j]).isBetween(0L, (1L << 62) - 1);
      }
      assertThat(P256SafeGcd.fromSigned62(s)).isEqualTo(a);
    }
  }
}
