package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.runtime.ExitCodes;
import dev.clave.runtime.Loopback;
import dev.clave.runtime.Programs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clave run} as users run it: the CLI in its own JVM (the real entry point, exit through
 * {@code System.exit}, signals to that process) against a real LAS and CAS on loopback, starting real
 * programs; and its usage errors in-process.
 */
class RunCommandTest {
  @TempDir static Path shared;
  static Loopback loopback;

  @TempDir Path dir;
  private Path out;

  @BeforeAll
  static void servers() throws Exception {
    loopback = Loopback.start(shared);
  }

  @AfterAll
  static void stopServers() {
    loopback.close();
  }

  @BeforeEach
  void outputDirectory() throws Exception {
    out = Files.createDirectory(dir.resolve("out"));
  }

  private void session(String name, Path program, String command) throws Exception {
    loopback.createSession("""
        name: %s
        version: "0.3"
        security: {attestation: {tolerate: [debug-mode], ignore_advisories: "*"}}
        services:
          - name: app
            image_name: img
            mrenclaves: [%s]
            platforms: [%s]
            command: %s
            environment: {PATH: /usr/bin:/bin, CONF: /etc/app.conf, "@@EXIT_CODE": ""}
            pwd: /
        images:
          - name: img
            injection_files:
              - path: /etc/app.conf
                permission: 0o600
                content: "token=$$SCONE::token$$"
        secrets:
          - name: token
            kind: ascii
            value: t0ken
        """.formatted(name, Programs.sha256(program), loopback.platformId(), command));
  }

  /** `java … dev.clave.cli.Main run ARGS…` in a new JVM, stdout and stderr into files. */
  private Process clave(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(dir.resolve("stdout").toFile())
        .redirectError(dir.resolve("stderr").toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private String stderr() throws Exception {
    return Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
  }

  private static int exit(Process p) throws Exception {
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("clave run did not end within 60 s");
    }
    return p.exitValue();
  }

  @Test
  void theCliRunsTheProgramWithItsConfigurationAndPassesItsExitCodeOn() throws Exception {
    Path recorder = Programs.recorder(dir.resolve("recorder.sh"), "cli");
    session("cli-run", recorder, "recorder @@1 --token $$SCONE::token$$ --conf /etc/app.conf");
    Process p = clave(Map.of("SCONE_CONFIG_ID", "cli-run/app", "SCONE_CAS_ADDR", loopback.cas(), "SCONE_LAS_ADDR",
        loopback.las(), "CLAVE_CAS_KEY_HASH", loopback.casKeyHash().toString(), "EXIT_CODE", "9"),
        "--", recorder.toString(), out.toString());
    assertThat(exit(p)).as("%s", stderr()).isEqualTo(9);
    assertThat(stderr()).isEmpty();
    Map<String, String> env = Programs.environ(out);
    String root = env.get("CLAVE_ROOT");
    assertThat(Programs.argv(out)).containsExactly(out.toString(), "--token", "t0ken", "--conf", root + "/etc/app.conf");
    assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin:/bin", "CONF", root + "/etc/app.conf",
        "EXIT_CODE", "9", "CLAVE_ROOT", root));
    assertThat(Files.readString(out.resolve("conf"))).isEqualTo("token=t0ken");
    assertThat(Path.of(root)).doesNotExist();
  }

  @Test
  void aChangedProgramIsRefusedByTheCliAndNeverStarted() throws Exception {
    Path recorder = Programs.recorder(dir.resolve("recorder.sh"), "original");
    session("cli-refused", recorder, "recorder @@1");
    Path changed = Programs.recorder(dir.resolve("recorder.sh"), "changed");
    Process p = clave(Map.of(), "--config-id", "cli-refused/app", "--cas", loopback.cas(), "--las", loopback.las(),
        "--cas-key-hash", loopback.casKeyHash().toString(), "--", changed.toString(), out.toString());
    assertThat(exit(p)).isEqualTo(ExitCodes.REFUSED);
    assertThat(out.resolve("argv")).doesNotExist();
    assertThat(stderr()).startsWith("clave run: the CAS at " + loopback.cas() + " refused cli-refused/app: POLICY_DENIED")
        .contains("- MRENCLAVE_MISMATCH: ").doesNotContain("t0ken").doesNotContain("\tat ");
  }

  @Test
  void sigtermReachesTheProgramAndItsExitCodeAndCleanupFollow() throws Exception {
    Path waiter = Programs.script(dir.resolve("waiter.sh"), """
        #!/bin/sh
        out=$1
        trap 'echo term > "$out/got-term"; exit 3' TERM
        echo "$CLAVE_ROOT" > "$out/root"
        : > "$out/ready"
        while :; do sleep 0.05; done
        """);
    session("cli-signal", waiter, "waiter @@1");
    Process p = clave(Map.of(), "--config-id", "cli-signal/app", "--cas", loopback.cas(), "--las", loopback.las(),
        "--cas-key-hash", loopback.casKeyHash().toString(), "--", waiter.toString(), out.toString());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(out.resolve("ready")) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(out.resolve("ready")).as("%s", stderr()).exists();
    Path root = Path.of(Files.readString(out.resolve("root")).strip());
    assertThat(root.resolve("etc/app.conf")).hasContent("token=t0ken");

    p.destroy(); // SIGTERM to clave run
    assertThat(exit(p)).as("%s", stderr()).isEqualTo(3);
    assertThat(out.resolve("got-term")).hasContent("term");
    assertThat(root).doesNotExist();
  }

  @Test
  void printMrenclaveFollowsTheProgramAndTheJarRule() throws Exception {
    Path script = Programs.script(dir.resolve("prog"), "#!/bin/sh\necho one\n");
    CliRun first = CliRun.of("run", "--print-mrenclave", "--", script.toString());
    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).isEqualTo(Programs.sha256(script) + "\n");

    Programs.script(script, "#!/bin/sh\necho two\n");
    CliRun second = CliRun.of("run", "--print-mrenclave", script.toString(), "--its-own-flag");
    assertThat(second.out().strip()).isEqualTo(Programs.sha256(script)).isNotEqualTo(first.out().strip());

    Path jar = Files.write(dir.resolve("app.jar"), new byte[] {'P', 'K', 3, 4});
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    CliRun jarRun = CliRun.of("run", "--print-mrenclave", "--", java, "-Xmx32m", "-jar", jar.toString(), "arg");
    assertThat(jarRun.out().strip()).isEqualTo(Programs.sha256(jar));
  }

  @Test
  void usageErrorsSayWhatIsMissing() throws Exception {
    Path script = Programs.script(dir.resolve("prog"), "#!/bin/sh\n");
    CliRun noProgram = CliRun.of("run", "--config-id", "s/a", "--cas", "127.0.0.1");
    assertThat(noProgram.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noProgram.err()).isEqualTo("clave run: no program given: clave run [OPTIONS] -- PROGRAM [ARGS…]\n");

    CliRun missing = CliRun.of("run", "--cas", "127.0.0.1", "--", script.toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err()).contains("no config ID");

    CliRun badAddress = CliRun.of("run", "--config-id", "s/a", "--cas", "cas:0", "--", script.toString());
    assertThat(badAddress.err()).isEqualTo("clave run: --cas: expected HOST or HOST:PORT (port 1..65535), got \"cas:0\"\n");

    CliRun notFound = CliRun.of("run", "--print-mrenclave", "--", dir.resolve("absent").toString());
    assertThat(notFound.exitCode()).isEqualTo(ExitCodes.PROGRAM_UNUSABLE);
    assertThat(notFound.err()).startsWith("clave run: the program `" + dir.resolve("absent") + "` does not exist");
  }
}
