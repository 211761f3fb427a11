package dev.clave.bench;

import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.Verdict;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DCAP quote verification on the real quote sets, single-threaded, in verifications per second.
 *
 * <ul>
 *   <li>{@code firstQuote}: the first quote of a platform never seen, with collateral never seen: a new
 *       {@link QuoteVerifier} (empty caches) and a new {@link Collateral} built from bytes on every call.
 *       Everything is done: quote parsing, PCK chain, both CRLs, TCB info and QE identity JSON parsing and
 *       signatures, QE report and quote signatures, TCB evaluation. This is what dcap-qvl does on every call.
 *   <li>{@code repeatQuote}: another quote from the same platform with the same collateral: one warm verifier,
 *       so the PCK chain, attestation key and verified collateral come from its caches, and a call costs
 *       parsing, the QE report and quote signatures, and the TCB evaluation. Nothing caches the verdict, so
 *       the same bytes cost what a new quote from that platform costs.
 * </ul>
 *
 * <p>Defaults are short: 5 × 2 s warm-up (the elliptic-curve code needs about 10 s of C2 compilation to reach
 * its plateau), 5 × 2 s measurement, one fork. JMH options override them, e.g.
 * {@code bench/run-jmh -p set=phala-tdx-v4-2025-06 -wi 10 -i 10}. Sets are found as {@link DcapSet#load} says.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class QuoteVerificationBenchmark {

  /** A set name under shared/testdata/dcap (or a set directory). */
  @Param({DcapSet.DEFAULT})
  public String set;

  private DcapSet data;
  private QuoteVerifier warm;

  @Setup
  public void setUp() {
    data = DcapSet.load(set);
    // Both paths must reach the origin's verdict: a verifier that refuses fast would benchmark nothing.
    data.check(firstQuote());
    warm = DcapSet.verifier(data.freshCollateral());
    data.check(warm.verify(data.quote(), data.at()));
  }

  @Benchmark
  public Verdict firstQuote() {
    Collateral collateral = data.freshCollateral();
    return DcapSet.verifier(collateral).verify(data.quote(), data.at());
  }

  @Benchmark
  public Verdict repeatQuote() {
    return warm.verify(data.quote(), data.at());
  }
}
