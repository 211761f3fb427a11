package dev.clave.cli;

import dev.clave.runtime.ClaveRun;
import dev.clave.runtime.RunFailure;
import dev.clave.runtime.RunSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code clave run}: attest a program through the LAS and the CAS, then start it with its configuration. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Attest PROGRAM to the CAS as a simulated enclave, then run it with its policy's configuration.",
      "The quote comes from the LAS. The program gets the policy's command line, only the policy's environment, its"
          + " working directory and its injected files (in a private directory, removed on exit). Nothing starts when"
          + " the CAS refuses.",
      "MRENCLAVE = SHA-256 of PROGRAM's file (found through PATH); for java … -jar JAR, of JAR.",
      "Environment: CLAVE_CONFIG_ID, CLAVE_CAS_ADDR, CLAVE_LAS_ADDR, CLAVE_MODE, CLAVE_CAS_KEY_HASH, CLAVE_HASH=1, or"
          + " the SCONE_ equivalents; options override them.",
      "Exit: the program's code (128+N after signal N); else 2 usage, 66 program not measurable, 69 LAS/CAS"
          + " unreachable, 77 refused by the CAS, 78 hardware mode or configuration not applicable, 126 program not"
          + " executable."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--config-id", paramLabel = "SESSION/SERVICE", description = "the policy's service to run as")
  String configId;

  @Option(names = "--cas", paramLabel = "HOST[:PORT]", description = "the CAS's enclave API (port 18765 by default)")
  String cas;

  @Option(names = "--las", paramLabel = "HOST[:PORT]", description = "the platform's LAS (default 127.0.0.1:18766)")
  String las;

  @Option(names = "--cas-key-hash", paramLabel = "HASH", description = "pin the CAS by its key hash (clave cert key-hash)")
  String casKeyHash;

  @Option(names = "--mode", paramLabel = "sim|hw|auto", description = "sim (default; auto is sim here); hw needs SGX")
  String mode;

  @Option(names = "--print-mrenclave", description = "print PROGRAM's simulated MRENCLAVE (64 hex) and exit")
  boolean printMrenclave;

  @Option(names = "--mrsigner", paramLabel = "HEX", description = "the declared MRSIGNER (64 hex; default: the simulation's)")
  String mrSigner;

  @Option(names = "--isvprodid", paramLabel = "N", description = "the declared ISVPRODID, 0..65535 (default 1)")
  Integer isvProdId;

  @Option(names = "--isvsvn", paramLabel = "N", description = "the declared ISVSVN, 0..65535 (default 1)")
  Integer isvSvn;

  @Parameters(paramLabel = "PROGRAM [ARGS…]", arity = "0..*", description = "the program and its arguments (after --)")
  List<String> command;

  /** The environment and the working directory; tests replace them. */
  Map<String, String> env = System.getenv();
  Path cwd = Path.of("").toAbsolutePath();

  @Override
  public Integer call() {
    RunSettings settings;
    try {
      settings = RunSettings.resolve(new RunSettings.Flags(configId, cas, las, casKeyHash, mode, printMrenclave, mrSigner,
          isvProdId, isvSvn, command), env);
    } catch (RunFailure f) {
      spec.commandLine().getErr().println("clave run: " + f.getMessage());
      spec.commandLine().getErr().flush();
      return f.exitCode();
    }
    return new ClaveRun(settings, env, cwd, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
  }
}
