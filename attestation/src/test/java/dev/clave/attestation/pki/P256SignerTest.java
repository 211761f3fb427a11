package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

/** P256Signer and P256FixedBase against BouncyCastle (same RFC 6979 signatures) and the JDK (verifies). */
class P256SignerTest {
  private static final BigInteger N = P256Curve.N;

  private static BigInteger[] bcSign(BigInteger d, byte[] hash) {
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(d, EcdsaP256.DOMAIN));
    return signer.generateSignature(hash);
  }

  private static BigInteger oursX(BigInteger k) {
    long[] x = new long[4];
    P256FixedBase.multiplyX(x, P256Field.limbs(k));
    return P256Field.toBigInteger(x, 0);
  }

  private static BigInteger bcX(BigInteger k) {
    return EcdsaP256.DOMAIN.getG().multiply(k).normalize().getAffineXCoord().toBigInteger();
  }

  private static BigInteger randomScalar(SplittableRandom rnd) {
    byte[] b = new byte[40];
    rnd.nextBytes(b);
    return new BigInteger(1, b).mod(N.subtract(BigInteger.ONE)).add(BigInteger.ONE);
  }

  @Test
  void signaturesAreIdenticalToBouncyCastlesAndVerifyWithTheJdk() throws Exception {
    SplittableRandom rnd = new SplittableRandom(6979);
    KeyFactory kf = KeyFactory.getInstance("EC", "SunEC");
    java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC", "SunEC");
    ap.init(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.spec.ECParameterSpec params = ap.getParameterSpec(java.security.spec.ECParameterSpec.class);
    for (int i = 0; i < 2000; i++) {
      BigInteger d = randomScalar(rnd);
      byte[] message = new byte[rnd.nextInt(0, 100)];
      rnd.nextBytes(message);
      byte[] hash = EcdsaP256.sha256(message);
      BigInteger[] ours = P256Signer.sign(d, hash);
      BigInteger[] bc = bcSign(d, hash);
      assertThat(ours).as("signature %d", i).containsExactly(bc);
      if (i % 4 == 0) { // the JDK's verifier is slow; BC already agrees on every signature
        assertThat(jdkVerifies(kf, params, d, message, ours)).as("JDK verifies %d", i).isTrue();
      }
    }
  }

  private static boolean jdkVerifies(KeyFactory kf, java.security.spec.ECParameterSpec params, BigInteger d, byte[] message,
      BigInteger[] rs) throws Exception {
    org.bouncycastle.math.ec.ECPoint q = EcdsaP256.DOMAIN.getG().multiply(d).normalize();
    ECPublicKey pub = (ECPublicKey) kf.generatePublic(new ECPublicKeySpec(
        new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), params));
    Signature v = Signature.getInstance("SHA256withECDSA", "SunEC");
    v.initVerify(pub);
    v.update(message);
    ASN1EncodableVector seq = new ASN1EncodableVector();
    seq.add(new ASN1Integer(rs[0]));
    seq.add(new ASN1Integer(rs[1]));
    return v.verify(new DERSequence(seq).getEncoded());
  }

  @Test
  void extremeKeysSignLikeBouncyCastle() {
    SplittableRandom rnd = new SplittableRandom(1);
    for (BigInteger d : List.of(BigInteger.ONE, N.subtract(BigInteger.ONE), BigInteger.TWO, N.shiftRight(1))) {
      for (int i = 0; i < 20; i++) {
        byte[] hash = new byte[32];
        rnd.nextBytes(hash);
        assertThat(P256Signer.sign(d, hash)).containsExactly(bcSign(d, hash));
      }
    }
  }

  static List<BigInteger> edgeScalars() {
    List<BigInteger> out = new ArrayList<>();
    for (long v : new long[] {1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129}) {
      out.add(BigInteger.valueOf(v));
    }
    BigInteger half = N.subtract(BigInteger.ONE).shiftRight(1);
    out.addAll(List.of(N.subtract(BigInteger.ONE), N.subtract(BigInteger.TWO), half, half.add(BigInteger.ONE),
        BigInteger.TWO.pow(255), BigInteger.TWO.pow(252), BigInteger.TWO.pow(252).subtract(BigInteger.ONE),
        BigInteger.TWO.pow(256).subtract(BigInteger.ONE).mod(N), // the all-ones nibbles, reduced
        new BigInteger("f".repeat(56), 16), new BigInteger("1" + "0".repeat(60), 16),
        new BigInteger("ffffffff00000000ffffffffffffffff" + "0".repeat(32), 16),
        new BigInteger("8" + "0".repeat(63), 16).add(BigInteger.ONE),
        P256FixedBase.EXCEPTIONAL_K, N.subtract(P256FixedBase.EXCEPTIONAL_K),
        P256FixedBase.EXCEPTIONAL_K.add(BigInteger.TWO), P256FixedBase.EXCEPTIONAL_K.subtract(BigInteger.TWO)));
    // Every 2^(6i) ± small, so each window position's first and last table entries are used.
    for (int i = 0; i < 43; i++) {
      BigInteger b = BigInteger.TWO.pow(6 * i);
      for (BigInteger v : List.of(b, b.add(BigInteger.ONE), b.subtract(BigInteger.ONE), b.multiply(BigInteger.valueOf(63)),
          b.multiply(BigInteger.valueOf(127)), N.subtract(b))) {
        if (v.signum() > 0 && v.compareTo(N) < 0) {
          out.add(v);
        }
      }
    }
    return out;
  }

  @Test
  void fixedBaseMatchesBouncyCastleOnEdgeScalars() {
    for (BigInteger k : edgeScalars()) {
      assertThat(oursX(k)).as("k = %s", k.toString(16)).isEqualTo(bcX(k));
    }
  }

  @Test
  void fixedBaseMatchesBouncyCastleOnRandomScalars() {
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 500; i++) {
      BigInteger k = randomScalar(rnd);
      assertThat(oursX(k)).as("k = %s", k.toString(16)).isEqualTo(bcX(k));
    }
  }

  /** The edge scalars reach every table entry of every position, so a corrupted entry would be caught. */
  @Test
  void edgeAndRandomScalarsUseEveryTableEntry() {
    boolean[][] used = new boolean[43][32];
    List<BigInteger> scalars = new ArrayList<>(edgeScalars());
    SplittableRandom rnd = new SplittableRandom(2);
    for (int i = 0; i < 500; i++) {
      scalars.add(randomScalar(rnd));
    }
    for (BigInteger k : scalars) {
      BigInteger odd = k.testBit(0) ? k : N.subtract(k);
      for (int i = 0; i < 42; i++) {
        int d = (odd.shiftRight(6 * i).intValue() & 0x7F | 1) - 64;
        used[i][(Math.abs(d) - 1) / 2] = true;
      }
      used[42][(odd.shiftRight(252).intValue() | 1) / 2] = true;
    }
    for (int i = 0; i < 42; i++) {
      for (int j = 0; j < 32; j++) {
        assertThat(used[i][j]).as("position %d entry %d", i, j).isTrue();
      }
    }
    for (int j = 0; j < 8; j++) {
      assertThat(used[42][j]).as("top position entry %d", j).isTrue();
    }
  }

  @Test
  void theExceptionalScalarReallyIsTheDoublingCase() {
    // The class comment's claim: without the precomputed x, this scalar's last addition would be P + P.
    BigInteger k = P256FixedBase.EXCEPTIONAL_K;
    assertThat(k.testBit(0)).isTrue();
    BigInteger top = k.shiftRight(252).or(BigInteger.ONE);
    assertThat(top).isEqualTo(BigInteger.valueOf(15));
    BigInteger lower = k.subtract(top.shiftLeft(252));
    assertThat(lower.subtract(top.shiftLeft(252)).mod(N)).isEqualTo(BigInteger.ZERO);
  }

  @Test
  void constantTimeLessThanMatchesCompareUnsigned() {
    long[] v = {0, 1, 2, -1, -2, Long.MIN_VALUE, Long.MAX_VALUE, 0xFFFFFFFFL, 0x100000000L, 0x8000000000000001L};
    for (long x : v) {
      for (long y : v) {
        assertThat(P256FixedBase.lt(x, y)).as("%x < %x", x, y).isEqualTo(Long.compareUnsigned(x, y) < 0 ? 1L : 0L);
      }
    }
  }

  @Test
  void rfc6979SampleVectors() {
    // RFC 6979 A.2.5, ECDSA with P-256 and SHA-256, messages "sample" and "test".
    BigInteger x = new BigInteger("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", 16);
    BigInteger[] sample = P256Signer.sign(x, EcdsaP256.sha256("sample".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThat(sample[0].toString(16)).isEqualTo("efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716");
    assertThat(sample[1].toString(16)).isEqualTo("f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8");
    BigInteger[] test = P256Signer.sign(x, EcdsaP256.sha256("test".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThat(test[0].toString(16)).isEqualTo("f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367");
    assertThat(test[1].toString(16)).isEqualTo("19f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083");
  }
}
