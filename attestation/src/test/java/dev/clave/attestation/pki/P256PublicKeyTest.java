package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.junit.jupiter.api.Test;

/**
 * P256PublicKey's ECDSA verification against BouncyCastle's ECDSASigner: random keys and messages, tampered
 * signatures, out-of-range scalars, and signatures crafted algebraically to reach the corner cases (a sum
 * at infinity, coinciding terms, x(R) ≥ n, u1 = 0). Every verdict is compared on both paths: the doubling
 * chain of a fresh key and the table of a key used often.
 */
class P256PublicKeyTest {
  static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH(), CURVE.getSeed());
  static final ECPoint G = CURVE.getG();
  static final BigInteger N = CURVE.getN();
  static final BigInteger P = P256Field.P;

  record Signature(BigInteger r, BigInteger s) {}

  // ---- BouncyCastle reference ----

  static BigInteger randomScalar(SplittableRandom rnd) {
    byte[] b = new byte[40];
    rnd.nextBytes(b);
    return new BigInteger(1, b).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
  }

  static Signature sign(BigInteger d, byte[] digest) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
    BigInteger[] rs = signer.generateSignature(digest);
    return new Signature(rs[0], rs[1]);
  }

  static boolean bcVerify(ECPoint q, byte[] digest, BigInteger r, BigInteger s) {
    ECDSASigner signer = new ECDSASigner();
    signer.init(false, new ECPublicKeyParameters(q.normalize(), DOMAIN));
    return signer.verifySignature(digest, r, s);
  }

  static P256PublicKey key(ECPoint q) {
    try {
      return P256PublicKey.fromUncompressed(q.normalize().getEncoded(false));
    } catch (PkiException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] sha256(byte[] message) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(message);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] digestOf(BigInteger e) {
    byte[] out = new byte[32];
    byte[] be = e.toByteArray();
    int n = Math.min(be.length, 32);
    System.arraycopy(be, be.length - n, out, 32 - n, n);
    return out;
  }

  /** Our verdict by both paths (they must agree), compared with BouncyCastle's. Returns the verdict. */
  static boolean verdict(ECPoint q, P256PublicKey key, long[] table, byte[] digest, BigInteger r, BigInteger s) {
    boolean doublings = key.verifyWithDoublings(digest, r, s);
    boolean tables = key.verifyWithTable(digest, r, s, table);
    assertThat(tables).as("table path agrees with the doubling path").isEqualTo(doublings);
    assertThat(doublings).as("our verdict agrees with BouncyCastle's").isEqualTo(bcVerify(q, digest, r, s));
    return doublings;
  }

  static long[] table(P256PublicKey key) {
    return P256Tables.fixedWindows(key.affine(), 0, P256Tables.KEY_WINDOW);
  }

  /**
   * A signature that verifies under a key chosen to fit: pick R, e and s; with w = s⁻¹, u1 = e·w and
   * u2 = r·w (r = x(R) mod n), the key Q = u2⁻¹·(R − u1·G) makes u1·G + u2·Q = R. Null when Q would be
   * infinity.
   */
  record Crafted(ECPoint q, byte[] digest, BigInteger r, BigInteger s) {}

  static Crafted craft(ECPoint target, BigInteger e, BigInteger s) {
    ECPoint rPoint = target.normalize();
    BigInteger r = rPoint.getAffineXCoord().toBigInteger().mod(N);
    BigInteger w = s.modInverse(N);
    BigInteger u1 = e.multiply(w).mod(N);
    BigInteger u2 = r.multiply(w).mod(N);
    ECPoint q = rPoint.subtract(G.multiply(u1)).multiply(u2.modInverse(N)).normalize();
    return q.isInfinity() ? null : new Crafted(q, digestOf(e), r, s);
  }

  // ---- random keys and messages ----

  @Test
  void signaturesOfRandomKeysVerifyAndTamperedOnesDoNot() {
    SplittableRandom rnd = new SplittableRandom(2024);
    int keys = 3000;
    int tableEvery = 15;
    for (int i = 0; i < keys; i++) {
      BigInteger d = randomScalar(rnd);
      ECPoint q = G.multiply(d).normalize();
      P256PublicKey key = key(q);
      byte[] message = new byte[rnd.nextInt(0, 200)];
      rnd.nextBytes(message);
      byte[] digest = sha256(message);
      Signature sig = sign(d, digest);
      long[] table = i % tableEvery == 0 ? table(key) : null;

      assertThat(key.verifyWithDoublings(digest, sig.r(), sig.s())).as("key %d", i).isTrue();
      if (table != null) {
        assertThat(key.verifyWithTable(digest, sig.r(), sig.s(), table)).isTrue();
      }
      // One tampering per key, rotating through the kinds.
      BigInteger r = sig.r();
      BigInteger s = sig.s();
      byte[] dg = digest;
      P256PublicKey k = key;
      switch (i % 5) {
        case 0 -> r = r.flipBit(rnd.nextInt(0, 256));
        case 1 -> s = s.flipBit(rnd.nextInt(0, 256));
        case 2 -> {
          dg = digest.clone();
          dg[rnd.nextInt(0, 32)] ^= (byte) (1 << rnd.nextInt(0, 8));
        }
        case 3 -> k = key(G.multiply(randomScalar(rnd)));
        default -> {
          r = s;
          s = sig.r();
        }
      }
      assertThat(k.verifyWithDoublings(dg, r, s)).as("tampered, key %d kind %d", i, i % 5).isFalse();
      if (table != null && k == key) {
        assertThat(key.verifyWithTable(dg, r, s, table)).isFalse();
      }
    }
  }

  @Test
  void keysUsedRepeatedlyBuildTheirTableAndKeepAgreeing() {
    SplittableRandom rnd = new SplittableRandom(77);
    for (int i = 0; i < 40; i++) {
      BigInteger d = randomScalar(rnd);
      ECPoint q = G.multiply(d);
      P256PublicKey key = key(q);
      for (int m = 0; m < 30; m++) {
        byte[] digest = new byte[32];
        rnd.nextBytes(digest);
        Signature sig = sign(d, digest);
        assertThat(key.verify(digest, sig.r(), sig.s())).isTrue();
        byte[] other = digest.clone();
        other[m] ^= 0x40;
        assertThat(key.verify(other, sig.r(), sig.s())).isFalse();
        assertThat(key.verify(digest, sig.r(), N.subtract(sig.s()))).as("(r, n − s) is valid too").isTrue();
        assertThat(key.verify(digest, sig.r().add(BigInteger.ONE), sig.s())).isFalse();
      }
      assertThat(key.hasTable()).isTrue();
    }
  }

  @Test
  void theTableIsBuiltOnTheThirdVerification() {
    SplittableRandom rnd = new SplittableRandom(78);
    BigInteger d = randomScalar(rnd);
    P256PublicKey key = key(G.multiply(d));
    byte[] digest = sha256(new byte[] {1, 2, 3});
    Signature sig = sign(d, digest);
    assertThat(key.hasTable()).isFalse();
    assertThat(key.verify(digest, sig.r(), sig.s())).isTrue();
    assertThat(key.verify(digest, sig.r(), sig.s())).isTrue();
    assertThat(key.hasTable()).isFalse();
    assertThat(key.verify(digest, sig.r(), sig.s())).isTrue();
    assertThat(key.hasTable()).isTrue();
    // Out-of-range scalars are refused before they count as uses.
    P256PublicKey other = key(G.multiply(d));
    for (int i = 0; i < 5; i++) {
      assertThat(other.verify(digest, BigInteger.ZERO, sig.s())).isFalse();
    }
    assertThat(other.hasTable()).isFalse();
  }

  @Test
  void concurrentVerificationsAgreeWhileTheTableIsBuilt() throws Exception {
    SplittableRandom rnd = new SplittableRandom(79);
    BigInteger d = randomScalar(rnd);
    P256PublicKey key = key(G.multiply(d));
    List<byte[]> digests = new ArrayList<>();
    List<Signature> sigs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] digest = new byte[32];
      rnd.nextBytes(digest);
      digests.add(digest);
      sigs.add(sign(d, digest));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        final int offset = t;
        results.add(pool.submit(() -> {
          boolean all = true;
          for (int i = 0; i < digests.size(); i++) {
            int j = (i + offset) % digests.size();
            all &= key.verify(digests.get(j), sigs.get(j).r(), sigs.get(j).s());
            byte[] bad = digests.get(j).clone();
            bad[0] ^= 1;
            all &= !key.verify(bad, sigs.get(j).r(), sigs.get(j).s());
          }
          return all;
        }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdown();
    }
    assertThat(key.hasTable()).isTrue();
  }

  @Test
  void extremeDigestsVerify() {
    SplittableRandom rnd = new SplittableRandom(80);
    List<byte[]> digests = new ArrayList<>();
    digests.add(new byte[32]); // e = 0: u1 = 0, u1·G is infinity
    byte[] ones = new byte[32];
    Arrays.fill(ones, (byte) 0xFF);
    digests.add(ones); // e > n
    digests.add(digestOf(N)); // e = n ≡ 0
    digests.add(digestOf(N.add(BigInteger.ONE)));
    digests.add(digestOf(N.subtract(BigInteger.ONE)));
    digests.add(digestOf(BigInteger.ONE));
    for (byte[] digest : digests) {
      BigInteger d = randomScalar(rnd);
      ECPoint q = G.multiply(d);
      P256PublicKey key = key(q);
      long[] table = table(key);
      Signature sig = sign(d, digest);
      assertThat(verdict(q, key, table, digest, sig.r(), sig.s())).isTrue();
      assertThat(verdict(q, key, table, digest, sig.s(), sig.r())).isFalse();
    }
  }

  // ---- out-of-range scalars and digests ----

  @Test
  void scalarsOutsideOneToNMinusOneAreRefused() {
    SplittableRandom rnd = new SplittableRandom(81);
    BigInteger d = randomScalar(rnd);
    ECPoint q = G.multiply(d);
    P256PublicKey key = key(q);
    byte[] digest = sha256("out of range".getBytes());
    Signature sig = sign(d, digest);
    List<BigInteger> bad = List.of(
        BigInteger.ZERO, N, N.add(BigInteger.ONE), BigInteger.ONE.negate(), N.negate(), P,
        BigInteger.TWO.pow(256), BigInteger.TWO.pow(256).subtract(BigInteger.ONE), BigInteger.TWO.pow(1000),
        sig.r().add(N), sig.r().subtract(N), sig.s().add(N));
    for (BigInteger v : bad) {
      assertThat(key.verify(digest, v, sig.s())).as("r = %s", v).isFalse();
      assertThat(key.verify(digest, sig.r(), v)).as("s = %s", v).isFalse();
      assertThat(bcVerify(q, digest, v, sig.s())).isFalse();
      assertThat(bcVerify(q, digest, sig.r(), v)).isFalse();
    }
    assertThat(key.verify(digest, null, sig.s())).isFalse();
    assertThat(key.verify(digest, sig.r(), null)).isFalse();
    assertThat(key.verify(digest, sig.r(), sig.s())).isTrue();
    // Scalars 1 and n − 1 are in range: they verify or not like BouncyCastle says (not, here).
    long[] table = table(key);
    for (BigInteger v : List.of(BigInteger.ONE, N.subtract(BigInteger.ONE))) {
      verdict(q, key, table, digest, v, sig.s());
      verdict(q, key, table, digest, sig.r(), v);
      verdict(q, key, table, digest, v, v);
    }
  }

  @Test
  void digestsOfTheWrongLengthAreCallerErrors() {
    P256PublicKey key = key(G.multiply(BigInteger.valueOf(12345)));
    for (int len : new int[] {0, 20, 31, 33, 48, 64}) {
      assertThatThrownBy(() -> key.verify(new byte[len], BigInteger.ONE, BigInteger.ONE))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> key.verify(null, BigInteger.ONE, BigInteger.ONE)).isInstanceOf(NullPointerException.class);
  }

  // ---- crafted corner cases ----

  @Test
  void aSumAtInfinityIsRefused() {
    // u1·G + u2·Q = w·(e·G + r·Q) is infinity when Q = −(e/r)·G.
    SplittableRandom rnd = new SplittableRandom(90);
    for (int i = 0; i < 50; i++) {
      BigInteger e = randomScalar(rnd);
      BigInteger r = randomScalar(rnd);
      BigInteger s = randomScalar(rnd);
      ECPoint q = G.multiply(N.subtract(e.multiply(r.modInverse(N)).mod(N))).normalize();
      P256PublicKey key = key(q);
      assertThat(verdict(q, key, table(key), digestOf(e), r, s)).isFalse();
    }
    // Q = −G with e = r: u1 = u2, the terms cancel exactly at the first addition.
    ECPoint q = G.negate();
    P256PublicKey key = key(q);
    for (int k = 1; k <= 10; k++) {
      BigInteger e = BigInteger.valueOf(k * 7919L);
      assertThat(verdict(q, key, table(key), digestOf(e), e, BigInteger.valueOf(k))).isFalse();
    }
  }

  @Test
  void coincidingTermsDoubleAndVerify() {
    // Q = G and u1 = u2 = k: R = 2k·G. u2 = r·w = k and u1 = e·w = k give e = r and s = r/k, with
    // r = x(2k·G) mod n. Both paths add G to G at their first addition and must take the doubling branch.
    ECPoint q = G;
    P256PublicKey key = key(q);
    long[] table = table(key);
    for (int k = 1; k <= 20; k++) {
      BigInteger r = G.multiply(BigInteger.valueOf(2L * k)).normalize().getAffineXCoord().toBigInteger().mod(N);
      BigInteger s = r.multiply(BigInteger.valueOf(k).modInverse(N)).mod(N);
      assertThat(verdict(q, key, table, digestOf(r), r, s)).as("k = %d", k).isTrue();
      assertThat(verdict(q, key, table, digestOf(r), r, s.add(BigInteger.ONE))).isFalse();
    }
    // General coinciding terms: Q = (e/r)·G makes u2·Q = u1·G, so R = 2·u1·G; choosing s = 2e/k for a
    // random k makes R = k·G, and r must equal x(k·G) mod n: pick k first, then r, then Q.
    SplittableRandom rnd = new SplittableRandom(91);
    for (int i = 0; i < 50; i++) {
      BigInteger k = randomScalar(rnd);
      BigInteger e = randomScalar(rnd);
      BigInteger r = G.multiply(k).normalize().getAffineXCoord().toBigInteger().mod(N);
      BigInteger s = e.shiftLeft(1).multiply(k.modInverse(N)).mod(N);
      ECPoint qi = G.multiply(e.multiply(r.modInverse(N)).mod(N));
      P256PublicKey ki = key(qi);
      long[] ti = table(ki);
      assertThat(verdict(qi, ki, ti, digestOf(e), r, s)).isTrue();
      assertThat(verdict(qi, ki, ti, digestOf(e), r, N.subtract(s))).as("−R has the same x").isTrue();
      assertThat(verdict(qi, ki, ti, digestOf(e.add(BigInteger.ONE)), r, s)).isFalse();
    }
  }

  @Test
  void anXCoordinateAboveTheOrderMatchesRModN() {
    // Points with n ≤ x < p exist (about 2^127 of them); find some near n, then craft signatures whose R
    // is such a point: r = x − n must verify, and r + n is out of range.
    List<ECPoint> points = new ArrayList<>();
    BigInteger exponent = P.add(BigInteger.ONE).shiftRight(2); // p ≡ 3 (mod 4): sqrt(a) = a^((p+1)/4)
    for (BigInteger x = N; points.size() < 6; x = x.add(BigInteger.ONE)) {
      BigInteger rhs = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(P256Curve.B).mod(P);
      BigInteger y = rhs.modPow(exponent, P);
      if (y.multiply(y).mod(P).equals(rhs)) {
        points.add(CURVE.getCurve().createPoint(x, y));
      }
    }
    SplittableRandom rnd = new SplittableRandom(92);
    for (ECPoint target : points) {
      for (int i = 0; i < 5; i++) {
        BigInteger e = i == 0 ? BigInteger.ZERO : randomScalar(rnd);
        Crafted c = craft(target, e, randomScalar(rnd));
        P256PublicKey key = key(c.q());
        long[] table = table(key);
        assertThat(c.r()).isLessThan(P.subtract(N));
        assertThat(verdict(c.q(), key, table, c.digest(), c.r(), c.s())).isTrue();
        assertThat(key.verify(c.digest(), c.r().add(N), c.s())).isFalse();
        assertThat(verdict(c.q(), key, table, c.digest(), c.r().add(BigInteger.ONE), c.s())).isFalse();
      }
    }
  }

  @Test
  void craftedSignaturesForChosenPointsAgreeWithBouncyCastle() {
    // Chosen R (random, small multiples of G, −G), chosen e (including 0 and n − 1) and s.
    SplittableRandom rnd = new SplittableRandom(93);
    List<ECPoint> targets = new ArrayList<>();
    for (int k = 1; k <= 8; k++) {
      targets.add(G.multiply(BigInteger.valueOf(k)));
      targets.add(G.multiply(N.subtract(BigInteger.valueOf(k))));
    }
    for (int i = 0; i < 20; i++) {
      targets.add(G.multiply(randomScalar(rnd)));
    }
    List<BigInteger> es = List.of(BigInteger.ZERO, BigInteger.ONE, N.subtract(BigInteger.ONE), randomScalar(rnd));
    for (ECPoint target : targets) {
      for (BigInteger e : es) {
        Crafted c = craft(target, e, randomScalar(rnd));
        if (c == null) {
          continue;
        }
        P256PublicKey key = key(c.q());
        long[] table = table(key);
        assertThat(verdict(c.q(), key, table, c.digest(), c.r(), c.s())).isTrue();
        assertThat(verdict(c.q(), key, table, c.digest(), c.r(), c.s().add(BigInteger.ONE).mod(N).max(BigInteger.ONE)))
            .isFalse();
      }
    }
  }

  // ---- key decoding ----

  static byte[] coordinate(BigInteger v) {
    return digestOf(v);
  }

  static void assertInvalid(ThrowingKey decode) {
    assertThatThrownBy(decode::decode)
        .isExactlyInstanceOf(PkiException.class)
        .hasMessage("the public key is not a valid P-256 point");
  }

  interface ThrowingKey {
    P256PublicKey decode() throws PkiException;
  }

  @Test
  void keysOffTheCurveOrWithCoordinatesAbovePAreRefused() throws PkiException {
    SplittableRandom rnd = new SplittableRandom(94);
    ECPoint q = G.multiply(randomScalar(rnd)).normalize();
    BigInteger x = q.getAffineXCoord().toBigInteger();
    BigInteger y = q.getAffineYCoord().toBigInteger();
    assertThat(P256PublicKey.fromAffine(coordinate(x), coordinate(y)).x()).isEqualTo(coordinate(x));

    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x), coordinate(y.add(BigInteger.ONE).mod(P))));
    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x.add(BigInteger.ONE).mod(P)), coordinate(y)));
    assertInvalid(() -> P256PublicKey.fromAffine(new byte[32], new byte[32]));
    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x), coordinate(P)));
    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(P), coordinate(y)));
    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x), coordinate(BigInteger.TWO.pow(256).subtract(BigInteger.ONE))));
    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x), coordinate(P.subtract(y).add(P).mod(BigInteger.TWO.pow(256)))));
    // A valid point whose x is small enough to be written as x + p as well: the alias must be refused.
    BigInteger exponent = P.add(BigInteger.ONE).shiftRight(2);
    for (BigInteger sx = BigInteger.ZERO; ; sx = sx.add(BigInteger.ONE)) {
      BigInteger rhs = sx.pow(3).subtract(sx.multiply(BigInteger.valueOf(3))).add(P256Curve.B).mod(P);
      BigInteger sy = rhs.modPow(exponent, P);
      if (sy.multiply(sy).mod(P).equals(rhs)) {
        final BigInteger fy = sy;
        final BigInteger fx = sx;
        assertThat(P256PublicKey.fromAffine(coordinate(fx), coordinate(fy))).isNotNull();
        assertInvalid(() -> P256PublicKey.fromAffine(coordinate(fx.add(P)), coordinate(fy)));
        break;
      }
    }
    // Lengths and nulls.
    for (int len : new int[] {0, 31, 33, 64}) {
      assertInvalid(() -> P256PublicKey.fromAffine(new byte[len], coordinate(y)));
      assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x), new byte[len]));
    }
    assertInvalid(() -> P256PublicKey.fromAffine(null, coordinate(y)));
    assertInvalid(() -> P256PublicKey.fromAffine(coordinate(x), null));
  }

  @Test
  void uncompressedEncodingIsTheOnlyOneAccepted() throws PkiException {
    SplittableRandom rnd = new SplittableRandom(95);
    ECPoint q = G.multiply(randomScalar(rnd)).normalize();
    byte[] sec1 = q.getEncoded(false);
    P256PublicKey key = P256PublicKey.fromUncompressed(sec1);
    assertThat(key).isEqualTo(P256PublicKey.fromAffine(Arrays.copyOfRange(sec1, 1, 33), Arrays.copyOfRange(sec1, 33, 65)));
    assertInvalid(() -> P256PublicKey.fromUncompressed(q.getEncoded(true)));
    assertInvalid(() -> P256PublicKey.fromUncompressed(new byte[] {0}));
    assertInvalid(() -> P256PublicKey.fromUncompressed(new byte[0]));
    assertInvalid(() -> P256PublicKey.fromUncompressed(null));
    assertInvalid(() -> P256PublicKey.fromUncompressed(Arrays.copyOf(sec1, 64)));
    assertInvalid(() -> P256PublicKey.fromUncompressed(Arrays.copyOf(sec1, 66)));
    assertInvalid(() -> P256PublicKey.fromUncompressed(Arrays.copyOfRange(sec1, 1, 65)));
    for (int prefix : new int[] {0x00, 0x02, 0x03, 0x05, 0x06, 0x07, 0x84}) {
      byte[] other = sec1.clone();
      other[0] = (byte) prefix;
      assertInvalid(() -> P256PublicKey.fromUncompressed(other));
    }
    byte[] offCurve = sec1.clone();
    offCurve[64] ^= 1;
    assertInvalid(() -> P256PublicKey.fromUncompressed(offCurve));
    byte[] zeros = new byte[65];
    zeros[0] = 4;
    assertInvalid(() -> P256PublicKey.fromUncompressed(zeros));
  }

  @Test
  void bitFlipsInAValidKeyAreRefusedLikeBouncyCastleRefusesThem() {
    SplittableRandom rnd = new SplittableRandom(96);
    for (int i = 0; i < 20; i++) {
      byte[] sec1 = G.multiply(randomScalar(rnd)).normalize().getEncoded(false);
      for (int bit = 8; bit < 65 * 8; bit += 7) {
        byte[] flipped = sec1.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        boolean bcAccepts;
        try {
          bcAccepts = CURVE.getCurve().decodePoint(flipped).isValid();
        } catch (IllegalArgumentException e) {
          bcAccepts = false;
        }
        boolean weAccept;
        try {
          P256PublicKey.fromUncompressed(flipped);
          weAccept = true;
        } catch (PkiException e) {
          weAccept = false;
        }
        assertThat(weAccept).as("key %d bit %d", i, bit).isEqualTo(bcAccepts);
      }
    }
  }

  @Test
  void accessorsCopyAndEqualityFollowsTheCoordinates() throws PkiException {
    ECPoint q = G.multiply(BigInteger.valueOf(987654321)).normalize();
    byte[] x = coordinate(q.getAffineXCoord().toBigInteger());
    byte[] y = coordinate(q.getAffineYCoord().toBigInteger());
    P256PublicKey a = P256PublicKey.fromAffine(x, y);
    P256PublicKey b = P256PublicKey.fromUncompressed(q.getEncoded(false));
    P256PublicKey c = key(q.negate());
    x[0] ^= 1; // the key keeps its own copy
    assertThat(a.x()).isEqualTo(coordinate(q.getAffineXCoord().toBigInteger()));
    a.x()[0] ^= 1; // and hands out copies
    assertThat(a.x()).isEqualTo(b.x());
    assertThat(a.y()).isEqualTo(y);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c).isNotEqualTo(null).isNotEqualTo("x");
    assertThat(a.toString()).startsWith("P256PublicKey[x=").hasSizeLessThan(40);
    assertThat(c.x()).isEqualTo(a.x());
    assertThat(c.y()).isNotEqualTo(a.y());
  }
}
