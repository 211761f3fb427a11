package dev.clave.bench;

import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.Verdict;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A plain load generator: verifies one quote set in a loop on the calling thread for N seconds and prints
 * verifications per second, in the two modes of {@link QuoteVerificationBenchmark} ({@code first}: new
 * verifier and new collateral per call; {@code repeat}: one warm verifier). It exists beside JMH so that
 * bench/run-dcap-compare can measure Clave and dcap-qvl the same way, in the same run.
 *
 * <pre>
 * VerifyThroughput [--set NAME|DIR] [--seconds N] [--warmup S] [--mode first|repeat|both]
 * </pre>
 *
 * The last line per mode is machine-readable: {@code RESULT clave-<mode> <set> <count> <seconds> <rate>}.
 * Exit status 1 when any verification does not reach the set's expected verdict, 2 on bad arguments.
 */
public final class VerifyThroughput {
  private VerifyThroughput() {}

  public static void main(String[] args) {
    String setName = DcapSet.DEFAULT;
    double seconds = 10;
    double warmup = 10;
    String mode = "both";
    try {
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("missing value for " + args[i]);
        }
        String value = args[i + 1];
        switch (args[i]) {
          case "--set" -> setName = value;
          case "--seconds" -> seconds = Double.parseDouble(value);
          case "--warmup" -> warmup = Double.parseDouble(value);
          case "--mode" -> mode = value;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (!(seconds > 0) || !(warmup >= 0) || !mode.matches("first|repeat|both")) {
        throw new IllegalArgumentException("need --seconds > 0, --warmup >= 0, --mode first|repeat|both");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("VerifyThroughput: " + e.getMessage());
      System.err.println("usage: VerifyThroughput [--set NAME|DIR] [--seconds N] [--warmup S] [--mode first|repeat|both]");
      System.exit(2);
    }

    DcapSet set = DcapSet.load(setName);
    try {
      if (!mode.equals("repeat")) {
        run("first", set, seconds, warmup,
            () -> DcapSet.verifier(set.freshCollateral()).verify(set.quote(), set.at()));
      }
      if (!mode.equals("first")) {
        QuoteVerifier warm = DcapSet.verifier(set.freshCollateral());
        run("repeat", set, seconds, warmup, () -> warm.verify(set.quote(), set.at()));
      }
    } catch (IllegalStateException e) {
      System.err.println("VerifyThroughput: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void run(String mode, DcapSet set, double seconds, double warmup, Supplier<Verdict> call) {
    set.check(call.get());
    // Warm-up: let the JIT compile the hot paths first, as in a long-running server.
    loop(set, call, warmup);
    long[] result = loop(set, call, seconds);
    double secs = result[1] / 1e9;
    double rate = result[0] / secs;
    System.out.printf(Locale.ROOT, "clave-%s %s: %d verifications in %.2f s = %.1f/s (at %s)%n",
        mode, set.name(), result[0], secs, rate, set.at());
    System.out.printf(Locale.ROOT, "RESULT clave-%s %s %d %.3f %.1f%n", mode, set.name(), result[0], secs, rate);
  }

  /** Verifies until {@code seconds} have passed; returns {count, elapsed nanoseconds}. */
  private static long[] loop(DcapSet set, Supplier<Verdict> call, double seconds) {
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now = start;
    long n = 0;
    while (now < end) {
      // Only "verified" is checked per call (cheap); the full verdict was checked before the loop.
      Verdict v = call.get();
      if (!v.verified()) {
        set.check(v);
      }
      n++;
      now = System.nanoTime();
    }
    return new long[] {n, now - start};
  }
}
