package dev.clave.bench;

import dev.clave.attestation.pki.P256PublicKey;
import dev.clave.attestation.pki.P256Signer;
import dev.clave.attestation.pki.PkiException;
import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ECDSA P-256 verification (SHA-256 digest given), Clave's {@link P256PublicKey} against BouncyCastle's
 * low-level ECDSASigner, in microseconds per verification, single-threaded.
 *
 * <ul>
 *   <li>{@code *FreshKey}: the key is decoded from its 65-byte SEC 1 encoding and used once, as on a quote
 *       from an unknown platform (PCK CA, TCB signing, PCK leaf and attestation keys): decoding and the
 *       on-curve check are included. BouncyCastle decodes with {@code curve.decodePoint}.
 *   <li>{@code *CachedKey}: a key object kept and used many times, as for a known platform: P256PublicKey
 *       has built its own table (after its second verification), BouncyCastle has promoted the point and
 *       cached its fixed-point comb (after its fourth use).
 * </ul>
 *
 * <p>64 keys with one signature each, used in turn, so that no branch predictor or cache learns a single
 * key. Setup checks that every signature verifies on every path: a verifier that said "false" quickly would
 * benchmark nothing.
 *
 * <p>{@code oursSign} / {@code bcSign}: one SHA256withECDSA signature over a given digest with RFC 6979
 * nonces (byte-identical outputs, checked in setup): Clave's {@link P256Signer} (constant-time fixed-base
 * tables) against BouncyCastle's ECDSASigner with HMacDSAKCalculator. Run with {@code bench/run-jmh EcdsaP256Benchmark} (add {@code BENCH_CPU=1} to pin).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EcdsaP256Benchmark {
  private static final int KEYS = 64;
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH(), CURVE.getSeed());

  private final byte[][] encoded = new byte[KEYS][];
  private final byte[][] digests = new byte[KEYS][];
  private final BigInteger[] r = new BigInteger[KEYS];
  private final BigInteger[] s = new BigInteger[KEYS];
  private final BigInteger[] privateKeys = new BigInteger[KEYS];
  private final ECPrivateKeyParameters[] bcPrivateKeys = new ECPrivateKeyParameters[KEYS];
  private final P256PublicKey[] cachedKeys = new P256PublicKey[KEYS];
  private final ECPublicKeyParameters[] cachedBcKeys = new ECPublicKeyParameters[KEYS];
  private int next;

  @Setup
  public void setUp() throws PkiException {
    SplittableRandom rnd = new SplittableRandom(256);
    for (int i = 0; i < KEYS; i++) {
      byte[] secret = new byte[40];
      rnd.nextBytes(secret);
      BigInteger d = new BigInteger(1, secret).mod(CURVE.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE);
      encoded[i] = CURVE.getG().multiply(d).normalize().getEncoded(false);
      digests[i] = new byte[32];
      rnd.nextBytes(digests[i]);
      ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
      signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
      BigInteger[] rs = signer.generateSignature(digests[i]);
      r[i] = rs[0];
      s[i] = rs[1];
      privateKeys[i] = d;
      bcPrivateKeys[i] = new ECPrivateKeyParameters(d, DOMAIN);
      BigInteger[] ours = P256Signer.sign(d, digests[i]);
      if (!ours[0].equals(rs[0]) || !ours[1].equals(rs[1])) {
        throw new IllegalStateException("P256Signer: signature differs from BouncyCastle's");
      }
      cachedKeys[i] = P256PublicKey.fromUncompressed(encoded[i]);
      cachedBcKeys[i] = new ECPublicKeyParameters(CURVE.getCurve().decodePoint(encoded[i]), DOMAIN);
    }
    for (int round = 0; round < 8; round++) { // past both libraries' thresholds
      for (int i = 0; i < KEYS; i++) {
        check(oursCachedKey(), "P256PublicKey, cached key");
        check(bcCachedKey(), "BouncyCastle, cached key");
        check(oursFreshKey(), "P256PublicKey, fresh key");
        check(bcFreshKey(), "BouncyCastle, fresh key");
      }
    }
  }

  private static void check(boolean verified, String what) {
    if (!verified) {
      throw new IllegalStateException(what + ": a valid signature did not verify");
    }
  }

  @Benchmark
  public boolean oursFreshKey() throws PkiException {
    int i = next++ & (KEYS - 1);
    return P256PublicKey.fromUncompressed(encoded[i]).verify(digests[i], r[i], s[i]);
  }

  @Benchmark
  public boolean oursCachedKey() {
    int i = next++ & (KEYS - 1);
    return cachedKeys[i].verify(digests[i], r[i], s[i]);
  }

  @Benchmark
  public boolean bcFreshKey() {
    int i = next++ & (KEYS - 1);
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, new ECPublicKeyParameters(CURVE.getCurve().decodePoint(encoded[i]), DOMAIN));
    return verifier.verifySignature(digests[i], r[i], s[i]);
  }

  @Benchmark
  public boolean bcCachedKey() {
    int i = next++ & (KEYS - 1);
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, cachedBcKeys[i]);
    return verifier.verifySignature(digests[i], r[i], s[i]);
  }

  @Benchmark
  public BigInteger[] oursSign() {
    int i = next++ & (KEYS - 1);
    return P256Signer.sign(privateKeys[i], digests[i]);
  }

  @Benchmark
  public BigInteger[] bcSign() {
    int i = next++ & (KEYS - 1);
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, bcPrivateKeys[i]);
    return signer.generateSignature(digests[i]);
  }
}
