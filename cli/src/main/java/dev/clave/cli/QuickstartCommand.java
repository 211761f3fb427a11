package dev.clave.cli;

import dev.clave.attestation.sim.SimInit;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code clave quickstart}: the whole system on this machine, in a minute. A simulation root, a LAS and a CAS
 * on loopback (separate processes, logs under {@code .clave/logs}), an owner, a session with a generated
 * secret, a certificate from a generated CA and an injected file, pinned to the LAS's platform; then a demo
 * program under {@code clave run} that shows what it received, and a modified copy that the CAS refuses. Every
 * step uses the same commands a user types (the session is created with {@code clave session create}, the
 * CAS is provisioned with {@code clave cas provision}, the key hash and token are read from the CAS's log
 * the way the seeds' pipelines read them). State stays in {@code .clave/} and is reused by the next run.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Show the whole system working on this machine: a simulated platform, a LAS and a CAS on loopback,",
      "an owner, a session with secrets, a program that gets its configuration, and one that is refused.",
      "Everything lives in ./.clave (reused by the next run); what it starts, it stops."
    })
final class QuickstartCommand implements Callable<Integer> {
  static final String SESSION = "quickstart";
  static final String SERVICE = "demo";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);

  @Option(names = "--dir", paramLabel = "DIR", description = "where the quickstart keeps its state and logs (default ./.clave)")
  Path dir = Path.of(".clave");

  @Spec CommandSpec spec;

  private PrintWriter out;
  private final List<Process> started = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path base = dir.toAbsolutePath().normalize();
    Path logs = base.resolve("logs");
    Files.createDirectories(logs);
    Path shown = Path.of("").toAbsolutePath().relativize(base);
    String where = shown.toString().isEmpty() ? "." : shown.toString();
    out.println("Clave quickstart — state in " + where + "/ (reused by the next run), logs in " + where + "/logs/");
    out.flush();
    Thread stopper = new Thread(this::stopAll, "quickstart-stop");
    Runtime.getRuntime().addShutdownHook(stopper); // Ctrl-C stops the LAS and CAS too
    try {
      return steps(base, logs, where);
    } finally {
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running already
      }
    }
  }

  private int steps(Path base, Path logs, String where) throws Exception {
    long startedAt = System.nanoTime();
    // 1. The simulated hardware root: a software Intel root, PCK chain and collateral.
    Path sim = base.resolve("sim");
    boolean fresh = !Files.exists(sim.resolve("root/root_ca.pem"));
    if (fresh) {
      SimInit.run(sim, SimInit.Options.defaults());
    }
    step(1, "simulation root", (fresh ? "created " : "reused ") + where + "/sim (a software Intel root that only this CAS trusts)");

    // 2. The LAS: the platform's quoting service and identity.
    int lasPort = port(18766, "LAS");
    Path lasLog = logs.resolve("las.log");
    Process las = start(lasLog, "las", "serve", "--mode", "sim", "--sim-root", sim.toString(),
        "--state-dir", base.resolve("las").toString(), "--listen", "127.0.0.1:" + lasPort);
    // The seed's pipeline: grep public | tail -n 1 | awk '{print $8}'
    String platform = awaitField(las, lasLog, "public", 8, "LAS");
    step(2, "LAS", "127.0.0.1:" + lasPort + ", platform ID " + abbreviate(platform) + " (log: " + where + "/logs/las.log)");

    // 3. The CAS, trusting the simulation root and reading collateral from the simulated PCS bundle.
    int clientPort = port(8081, "CAS client API");
    int enclavePort = port(18765, "CAS enclave API");
    Path casLog = logs.resolve("cas.log");
    Process cas = start(casLog, "cas", "serve", "--state-dir", base.resolve("cas").toString(), "--host", "127.0.0.1",
        "--client-port", Integer.toString(clientPort), "--enclave-port", Integer.toString(enclavePort),
        "--collateral", sim.resolve("collateral").toString(), "--trust-sim-root", sim.resolve("root/root_ca.pem").toString(),
        "--las", "127.0.0.1:" + lasPort);
    // The seed's pipeline: grep "CAS key hash" | awk '{ print $7 }'
    String keyHash = awaitField(cas, casLog, "CAS key hash", 7, "CAS");
    String address = "127.0.0.1:" + clientPort;
    step(3, "CAS", address + " (clients), 127.0.0.1:" + enclavePort + " (enclaves), key hash " + abbreviate(keyHash)
        + " (log: " + where + "/logs/cas.log)");

    // 4. The owner: this quickstart's own CLI identity, so nothing in ~/.cas changes.
    Path cliConfig = base.resolve("cli.json");
    String previous = System.getProperty("clave.cli.config");
    System.setProperty("clave.cli.config", cliConfig.toString());
    try {
      String owner = provision(cas, casLog, address, keyHash, base);
      step(4, "owner", owner);

      // 5. The session: the demo program's measurement, pinned to this LAS's platform.
      Path demoDir = base.resolve("demo");
      Files.createDirectories(demoDir);
      Path demo = writeResource("demo.sh", demoDir.resolve("demo.sh"), true);
      String mrenclave = mrenclave(demo);
      String policy = new String(resource("policy.yaml"), StandardCharsets.UTF_8)
          .replace("<mrenclave>", mrenclave).replace("<platform>", platform)
          .replace("<client port>", Integer.toString(clientPort)).replace("<las port>", Integer.toString(lasPort));
      Path policyFile = demoDir.resolve("quickstart.yaml");
      Files.writeString(policyFile, policy);
      boolean exists = cli("session", "read", SESSION, "--cas", address).exitCode() == 0;
      CliResult uploaded = cli("session", exists ? "update" : "create", policyFile.toString(), "--cas", address);
      if (uploaded.exitCode() != 0) {
        return fail("the CAS did not take the session: " + uploaded.err().strip());
      }
      step(5, "session", SESSION + " " + (exists ? "updated" : "created") + ", hash " + abbreviate(uploaded.out().strip())
          + " (" + where + "/demo/quickstart.yaml: a generated secret, a certificate from a generated CA,"
          + " an injected file, platforms: pinned to this LAS)");

      // 6. The demo program under clave run: attested, configured, started.
      List<String> runArgs = List.of("--config-id", SESSION + "/" + SERVICE, "--cas", "127.0.0.1:" + enclavePort,
          "--las", "127.0.0.1:" + lasPort, "--cas-key-hash", keyHash, "--");
      Run ok = run(runArgs, demo, "from-the-caller");
      if (ok.exitCode() != 0) {
        return fail("the demo program did not run (exit " + ok.exitCode() + "):\n" + indent(ok.output()));
      }
      step(6, "clave run demo.sh", "attested; the CAS delivered its configuration and the program printed:");
      out.print(indent(ok.output()));

      // 7. A modified copy: another MRENCLAVE, which the policy does not list.
      Path modified = demoDir.resolve("demo-modified.sh");
      Files.writeString(modified, Files.readString(demo) + "echo \"this line was added after the policy was written\"\n");
      makeExecutable(modified);
      Run refused = run(runArgs, modified, "from-the-caller");
      if (refused.exitCode() == 0) {
        return fail("the modified program was started, but the CAS should have refused it:\n" + indent(refused.output()));
      }
      step(7, "clave run demo-modified.sh", "refused (exit " + refused.exitCode() + "), nothing started; the CAS said:");
      out.print(indent(reason(refused.output())));
    } finally {
      if (previous == null) {
        System.clearProperty("clave.cli.config");
      } else {
        System.setProperty("clave.cli.config", previous);
      }
    }

    stopAll();
    step(8, "stopped", "the LAS and the CAS; logs in " + where + "/logs/ (took "
        + (System.nanoTime() - startedAt) / 1_000_000_000 + " s)");
    out.println();
    out.println("Next, try:");
    out.println("  ./clave las serve --mode sim --sim-root " + where + "/sim --state-dir " + where + "/las &            # the LAS again");
    out.println("  ./clave cas serve --state-dir " + where + "/cas --host 127.0.0.1 --collateral " + where
        + "/sim/collateral --trust-sim-root " + where + "/sim/root/root_ca.pem --las 127.0.0.1:18766 &");
    out.println("  export CLAVE_CLI_CONFIG=" + where + "/cli.json   # the quickstart's owner identity");
    out.println("  ./clave session read " + SESSION + " --cas 127.0.0.1:8081");
    out.println("  ./clave run --config-id " + SESSION + "/" + SERVICE + " --cas 127.0.0.1 --cas-key-hash " + keyHash
        + " -- " + where + "/demo/demo.sh hello");
    out.println("  ./clave cas attest 127.0.0.1:8081 --only_for_testing-debug --collateral " + where + "/sim/collateral"
        + " --trust-sim-root " + where + "/sim/root/root_ca.pem");
    out.println("  ./clave cas verify-audit-log --cas 127.0.0.1:8081   # every decision above, provably in the log");
    out.flush();
    return 0;
  }

  // ------------------------------------------------------------------------------------------- steps

  private void step(int n, String what, String detail) {
    out.printf("%2d. %-27s %s%n", n, what, detail);
    out.flush();
  }

  private int fail(String message) {
    out.flush();
    spec.commandLine().getErr().println("clave quickstart: " + message);
    spec.commandLine().getErr().println("clave quickstart: the logs are in " + dir + "/logs/");
    spec.commandLine().getErr().flush();
    return 1;
  }

  /** Provisions the CAS on its first start (token from its log, as the seeds do); later runs find it owned. */
  private String provision(Process cas, Path casLog, String address, String keyHash, Path base) throws Exception {
    // The CAS logs the token (or its owner) before it asks the LAS for its own quote: wait for that too.
    awaitLine(cas, casLog, "CAS quoted by the LAS|cannot be attested", "CAS");
    String token = awaitLine(cas, casLog, "CAS provisioning token|CAS is provisioned", "CAS");
    if (!token.contains("CAS provisioning token")) {
      if (!Files.exists(base.resolve("cli.json"))) {
        throw new Errors.UserError("the CAS in " + base.resolve("cas") + " has an owner, but its identity ("
            + base.resolve("cli.json") + ") is gone; remove " + base + " to start over");
      }
      // The same CAS (same key) may listen on another port this time: pin it under today's address.
      CliConfig config = CliConfig.loadOrCreate(base.resolve("cli.json"));
      config.remember(address, CasProvisionCommand.parseKeyHash(keyHash));
      config.save();
      return "already provisioned on an earlier run (its owner identity: " + dir.resolve("cli.json") + ")";
    }
    String[] fields = token.strip().split("\\s+");
    Path owner = base.resolve("owner.toml");
    Files.writeString(owner, "[api_identity]\ncommon_name = \"cas\"\nalt_names = [\"cas\", \"localhost\", \"127.0.0.1\"]\n");
    // Attested first: the CAS's quote from the LAS must verify under the simulation root and bind the pinned key.
    Path sim = base.resolve("sim");
    CliResult r = cli("cas", "provision", address, "-c", keyHash, "--token", fields[6], "--config-file", owner.toString(),
        "with-attestation", "--only_for_testing-debug", "--collateral", sim.resolve("collateral").toString(),
        "--trust-sim-root", sim.resolve("root/root_ca.pem").toString());
    if (r.exitCode() != 0) {
      throw new Errors.UserError("provisioning failed: " + (r.err() + r.out()).strip());
    }
    return "attested the CAS (its quote from the LAS binds the key hash), then provisioned it with the token from"
        + " its log; this CLI identity (" + dir.resolve("cli.json") + ") owns it";
  }

  /** A free port: {@code preferred} when it is free, else one the system picks (and the user is told). */
  private int port(int preferred, String what) throws IOException {
    try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
      return preferred;
    } catch (IOException taken) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        out.println("    (port " + preferred + " for the " + what + " is taken; using " + s.getLocalPort() + ")");
        return s.getLocalPort();
      }
    }
  }

  // ------------------------------------------------------------------------------------ processes

  /** Starts {@code clave ARGS…} in a new JVM (this one's class path), output into {@code log}. */
  private Process start(Path log, String... args) throws IOException {
    List<String> command = clave(args);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    started.add(p);
    return p;
  }

  private static List<String> clave(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1"); // short-lived demo processes: start fast rather than peak
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  private record Run(int exitCode, String output) {}

  /** {@code clave run ARGS… PROGRAM ARG}: its output (program and launcher) and exit code. */
  private Run run(List<String> runArgs, Path program, String argument) throws Exception {
    List<String> args = new ArrayList<>(List.of("run"));
    args.addAll(runArgs);
    args.add(program.toString());
    args.add(argument);
    Process p = new ProcessBuilder(clave(args.toArray(String[]::new))).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] output;
    try (InputStream in = p.getInputStream()) {
      output = in.readNBytes(1 << 20);
    }
    if (!p.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Run(124, "clave run did not finish within " + RUN_TIMEOUT.toSeconds() + " s");
    }
    return new Run(p.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  private void stopAll() {
    for (Process p : started) {
      p.destroy(); // SIGTERM: the servers shut down gracefully
    }
    for (Process p : started) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    started.clear();
  }

  /** Field {@code field} (1-based, whitespace-separated) of the last log line matching {@code pattern}. */
  private static String awaitField(Process p, Path log, String pattern, int field, String what) throws Exception {
    String line = awaitLine(p, log, Pattern.quote(pattern), what);
    String[] f = line.strip().split("\\s+");
    if (f.length < field) {
      throw new Errors.UserError("the " + what + "'s log line has no field " + field + ": " + line);
    }
    return f[field - 1];
  }

  private static String awaitLine(Process p, Path log, String regex, String what) throws Exception {
    Pattern pattern = Pattern.compile(regex);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
      for (int i = lines.size() - 1; i >= 0; i--) {
        Matcher m = pattern.matcher(lines.get(i));
        if (m.find()) {
          return lines.get(i);
        }
      }
      if (!p.isAlive()) {
        throw new Errors.UserError("the " + what + " stopped (exit " + p.exitValue() + "); the end of its log " + log + ":\n"
            + indent(String.join("\n", lines.subList(Math.max(0, lines.size() - 8), lines.size())) + "\n"));
      }
      Thread.sleep(50);
    }
    throw new Errors.UserError("the " + what + " did not start within " + START_TIMEOUT.toSeconds() + " s; see " + log);
  }

  // ---------------------------------------------------------------------------------------- helpers

  private record CliResult(int exitCode, String out, String err) {}

  /** A CLI command in this process, its output captured (the steps summarize it). */
  private static CliResult cli(String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), args);
    return new CliResult(code, o.toString(), e.toString());
  }

  /** The simulated MRENCLAVE of a program file, by {@code clave run --print-mrenclave}'s rule. */
  private static String mrenclave(Path program) throws Exception {
    CliResult r = cli("run", "--print-mrenclave", "--", program.toString());
    if (r.exitCode() != 0) {
      throw new Errors.UserError("cannot measure " + program + ": " + r.err().strip());
    }
    return r.out().strip();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = QuickstartCommand.class.getResourceAsStream("quickstart/" + name)) {
      if (in == null) {
        throw new IOException("the quickstart resource " + name + " is missing from this build");
      }
      return in.readAllBytes();
    }
  }

  private static Path writeResource(String name, Path to, boolean executable) throws IOException {
    Files.write(to, resource(name));
    if (executable) {
      makeExecutable(to);
    }
    return to;
  }

  private static void makeExecutable(Path p) throws IOException {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      p.toFile().setExecutable(true);
    }
  }

  /** The launcher's refusal lines, without the lines that only repeat the command. */
  private static String reason(String output) {
    StringBuilder b = new StringBuilder();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  private static String indent(String text) {
    StringBuilder b = new StringBuilder();
    for (String line : text.split("\n")) {
      if (!line.isEmpty()) {
        b.append("      ").append(line).append('\n');
      }
    }
    return b.toString();
  }

  private static String abbreviate(String hex) {
    return hex.length() > 16 ? hex.substring(0, 12) + "…" : hex;
  }
}
