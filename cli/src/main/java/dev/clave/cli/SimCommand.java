package dev.clave.cli;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.TeeType;
import dev.clave.attestation.sim.SimInit;
import dev.clave.attestation.sim.TcbLevels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = {
      "The simulated hardware root: a software stand-in for Intel's PKI, for machines without SGX.",
      "Its quotes and collateral are real DCAP structures, checked by the same verifier as hardware quotes;",
      "only the root differs, and it is trusted only where passed explicitly (--trust-root)."
    },
    subcommands = {SimCommand.Init.class, SimCommand.Quote.class})
final class SimCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static TeeType tee(String value) {
    if (value == null) {
      return null;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "sgx" -> TeeType.SGX;
      case "tdx" -> TeeType.TDX;
      default -> throw new Errors.UserError("--tee: expected sgx or tdx, got \"" + value + "\"");
    };
  }

  static Bytes hex(String value, String option, int maxBytes, boolean exact) {
    String v = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
    if (v.isEmpty() || v.length() % 2 != 0 || !v.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new Errors.UserError(option + ": expected hex digits (an even number), got \"" + value + "\"");
    }
    int n = v.length() / 2;
    if (exact ? n != maxBytes : n > maxBytes) {
      throw new Errors.UserError(
          option + ": expected " + (exact ? "" : "at most ") + maxBytes + " bytes, got " + n);
    }
    return Bytes.fromHex(v);
  }

  @Command(
      name = "init",
      mixinStandardHelpOptions = true,
      description = {
        "Create (or refresh) a simulation directory: a root CA, a PCK platform CA, a TCB signing certificate,",
        "CRLs, a signed TCB info and QE identity as a collateral bundle (DIR/collateral, the layout of the real",
        "sets), and one simulated platform (DIR/platform). An existing root in DIR is reused, never replaced.",
        "The default TCB levels make every Intel TCB status reachable: platform SVN 7 UpToDate, 6",
        "SWHardeningNeeded, 5 ConfigurationNeeded, 4 ConfigurationAndSWHardeningNeeded, 3 OutOfDate,",
        "2 OutOfDateConfigurationNeeded, 1 Revoked (see `clave sim quote --svn`)."
      })
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Simulation directory.")
    Path dir;

    @Option(names = "--fmspc", paramLabel = "HEX", description = "The platform's FMSPC, 6 bytes (default 00C1A7E00000).")
    String fmspc;

    @Option(
        names = "--tcb-levels",
        paramLabel = "FILE",
        description = "TCB levels as JSON: [{\"sgxSvn\":7,\"pceSvn\":7,\"status\":\"UpToDate\",…},…] (default: the ladder above).")
    Path tcbLevels;

    @Option(names = "--tee", paramLabel = "sgx|tdx", description = "The TEE of the collateral (default sgx).")
    String tee;

    @Override
    public Integer call() {
      SimInit.Options options = SimInit.Options.defaults();
      if (fmspc != null) {
        options = options.withFmspc(hex(fmspc, "--fmspc", 6, true));
      }
      if (tcbLevels != null) {
        try {
          options = options.withTcbLevels(TcbLevels.load(tcbLevels));
        } catch (NoSuchFileException e) {
          throw new Errors.UserError("--tcb-levels: no such file: " + tcbLevels);
        } catch (IllegalArgumentException | IOException e) {
          throw new Errors.UserError("--tcb-levels: " + e.getMessage());
        }
      }
      if (tee != null) {
        options = options.withTee(tee(tee));
      }
      SimInit.Summary s;
      try {
        s = SimInit.run(dir, options);
      } catch (IOException e) {
        throw new Errors.UserError("sim init: " + describe(e));
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("sim init: " + e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println((s.rootCreated() ? "created" : "reused") + " simulation root " + s.rootCertificate());
      out.println("  root SHA-256:      " + s.rootFingerprint());
      out.println("  root key SHA-256:  " + s.rootSpkiSha256());
      out.println("collateral bundle    " + s.collateralDir() + " (" + s.tee().pcsName() + ", FMSPC "
          + s.fmspc().hexUpper() + ", valid until " + s.collateralNextUpdate() + ")");
      out.println("platform             " + s.platformDir() + " (platform ID " + s.platformId().hexUpper() + ")");
      out.println("next:");
      out.println("  clave sim quote --dir " + dir + " --out quote.bin");
      out.println("  clave quote verify quote.bin --collateral " + s.collateralDir() + " --trust-root "
          + s.rootCertificate());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "quote",
      mixinStandardHelpOptions = true,
      description = {
        "Make a quote on the simulated platform of DIR (quote v3 for SGX, v4 for TDX), signed by its",
        "simulated quoting enclave and PCK key. --svn sets the platform's TCB (all SGX component SVNs and",
        "PCESVN) and --qe-svn the quoting enclave's ISVSVN, to reach a chosen TCB status."
      })
  static final class Quote implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Simulation directory (from sim init).")
    Path dir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the quote (binary).")
    Path out;

    @Option(names = "--svn", paramLabel = "N", description = "Platform TCB SVN, 0-255 (default: the platform's).")
    Integer svn;

    @Option(names = "--qe-svn", paramLabel = "N", description = "Quoting enclave ISVSVN (default 8, up to date).")
    Integer qeSvn;

    @Option(names = "--report-data", paramLabel = "HEX", description = "Report data, up to 64 bytes, zero-padded.")
    String reportData;

    @Option(names = "--debug", description = "Quote a debug enclave / TD.")
    boolean debug;

    @Option(names = "--tee", paramLabel = "sgx|tdx", description = "Default: the TEE DIR was initialized for.")
    String tee;

    @Override
    public Integer call() {
      SimInit.QuoteOptions options = SimInit.QuoteOptions.defaults().withDebug(debug).withTee(tee(tee));
      try {
        options = options.withSvn(svn).withQeSvn(qeSvn);
        if (reportData != null) {
          options = options.withReportData(hex(reportData, "--report-data", 64, false));
        }
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError(e.getMessage());
      }
      SimInit.SimQuote q;
      try {
        q = SimInit.quote(dir, options);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        Files.write(out, q.quote());
      } catch (IOException e) {
        throw new Errors.UserError("sim quote: " + describe(e));
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("sim quote: " + e.getMessage());
      }
      PrintWriter w = spec.commandLine().getOut();
      w.println("wrote " + q.tee().pcsName() + " quote " + out + " (" + q.quote().length + " bytes, platform ID "
          + q.platformId().hexUpper() + ", SVN " + (q.tcb().pceSvn()) + ", QE SVN " + q.tcb().qeSvn() + ")");
      w.flush();
      return 0;
    }
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException n) {
      return n.getReason() != null ? n.getReason() : "no such file: " + n.getFile();
    }
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
