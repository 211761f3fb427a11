package dev.clave.runtime;

import dev.clave.cas.client.ClientIdentity;
import dev.clave.policy.ServiceEvaluation.InjectedFile;
import dev.clave.policy.ServiceEvaluation.RuntimeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code clave run}: measure the program, attest it through the LAS and the CAS, and start it with the
 * delivered configuration (the steps and rules are in the package overview). Nothing is started unless the
 * CAS allowed it and its configuration could be applied.
 */
public final class ClaveRun {
  /** Device of SGX hardware. */
  public static final Path SGX_DEVICE = Path.of("/dev/sgx_enclave");
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String PREFIX = "clave run: ";

  private final RunSettings settings;
  private final Map<String, String> callerEnvironment;
  private final Path callerDirectory;
  private final PrintWriter out;
  private final PrintWriter err;
  private Path sgxDevice = SGX_DEVICE;
  private Path privateParent;

  /**
   * @param callerEnvironment the environment {@code clave run} was started with: its PATH finds the program,
   *     and it is sent to the CAS for the policy's {@code @@VAR} variables (the program does not get it)
   * @param callerDirectory where relative program and jar paths are resolved
   */
  public ClaveRun(RunSettings settings, Map<String, String> callerEnvironment, Path callerDirectory, PrintWriter out,
      PrintWriter err) {
    this.settings = settings;
    this.callerEnvironment = Map.copyOf(callerEnvironment);
    this.callerDirectory = callerDirectory.toAbsolutePath();
    this.out = out;
    this.err = err;
  }

  /** Tests: another SGX device path. */
  ClaveRun sgxDevice(Path device) {
    this.sgxDevice = device;
    return this;
  }

  /** Tests: where the private directory is made. */
  ClaveRun privateParent(Path dir) {
    this.privateParent = dir;
    return this;
  }

  /** Runs; the exit code is the program's, or one of {@link ExitCodes} after a message on stderr. */
  public int run() {
    try {
      return attestAndStart();
    } catch (RunFailure f) {
      err.println(PREFIX + f.getMessage());
      f.details().forEach(d -> err.println("  " + d));
      err.flush();
      return f.exitCode();
    }
  }

  private int attestAndStart() throws RunFailure {
    MeasuredProgram program = MeasuredProgram.measure(settings.command(), callerEnvironment, callerDirectory);
    if (settings.printMrenclave()) {
      out.println(program.mrEnclave().hex());
      out.flush();
      return 0;
    }
    requireSimulation();
    if (settings.casKeyHash() == null) {
      err.println(PREFIX + "warning: the CAS at " + settings.cas() + " is not pinned (--cas-key-hash or CLAVE_CAS_KEY_HASH):"
          + " any server there would be believed");
      err.flush();
    }
    ClientIdentity identity = ClientIdentity.generateEd25519();
    byte[] reportData = sha512(certificateDer(identity));
    byte[] quote = new LasClient(settings.las(), TIMEOUT).quote(program.mrEnclave(), settings.signer(), reportData);
    RuntimeConfig config;
    try {
      config = new CasEnclaveClient(settings.cas(), settings.casKeyHash(), identity, TIMEOUT)
          .attest(settings.configId(), quote, settings.command(), callerEnvironment);
    } catch (RunFailure f) {
      throw withMeasurementHint(f, program);
    }
    return start(program, config);
  }

  private int start(MeasuredProgram program, RuntimeConfig config) throws RunFailure {
    // The runner stands by before the directory exists, so a signal at any point still removes it.
    AtomicReference<PrivateRoot> made = new AtomicReference<>();
    try (ProgramRunner runner = new ProgramRunner(() -> remove(made.get()))) {
      PrivateRoot root = null;
      if (!config.files().isEmpty()) {
        root = PrivateRoot.create(privateParent);
        made.set(root);
        for (InjectedFile f : config.files()) {
          root.place(f);
        }
      }
      List<String> warnings = new ArrayList<>();
      LaunchPlan plan = LaunchPlan.of(program, config, root, warnings);
      warnings.forEach(w -> err.println(PREFIX + "warning: " + w));
      err.flush();
      return runner.run(plan);
    }
  }

  private void remove(PrivateRoot root) {
    if (root == null) {
      return;
    }
    try {
      root.close();
    } catch (IOException e) {
      err.println(PREFIX + "warning: could not remove " + root.root() + " (" + e.getClass().getSimpleName()
          + "); remove it by hand, it holds the program's injected files");
      err.flush();
    }
  }

  /** Hardware enclaves need SGX, and even then clave run only simulates them so far. */
  private void requireSimulation() throws RunFailure {
    if (settings.mode() != Mode.HW) {
      return;
    }
    if (!Files.exists(sgxDevice)) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "hardware mode needs SGX, but this machine has no " + sgxDevice
          + "; run in simulation mode: SCONE_MODE=sim (or --mode sim)");
    }
    throw new RunFailure(ExitCodes.CONFIGURATION, "hardware enclaves are not supported by clave run yet;"
        + " run in simulation mode: SCONE_MODE=sim (or --mode sim)");
  }

  /** A policy refusing the MRENCLAVE: say which one this program has, so the user can compare. */
  private static RunFailure withMeasurementHint(RunFailure f, MeasuredProgram program) {
    if (f.exitCode() != ExitCodes.REFUSED || f.details().stream().noneMatch(d -> d.startsWith("- MRENCLAVE_MISMATCH"))) {
      return f;
    }
    List<String> details = new ArrayList<>(f.details());
    details.add("this program's simulated MRENCLAVE is " + program.mrEnclave().hex() + " (SHA-256 of " + program.measured() + ")");
    return new RunFailure(f.exitCode(), f.getMessage(), details);
  }

  private static byte[] certificateDer(ClientIdentity identity) {
    try {
      return identity.certificate().getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("a fresh certificate does not encode", e);
    }
  }

  static byte[] sha512(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-512", e);
    }
  }
}
