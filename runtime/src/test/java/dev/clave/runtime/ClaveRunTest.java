package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.cas.client.ClientIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clave run} end to end against a real LAS and a real CAS on loopback, starting real programs (shell
 * scripts that record how they were started): the configuration arrives and is applied exactly, refusals
 * start nothing and say why, exit codes come through.
 */
class ClaveRunTest {
  @TempDir static Path shared;
  static Loopback loopback;
  private static final AtomicInteger SESSIONS = new AtomicInteger();

  @TempDir Path dir;
  private Path out;
  private Path recorder;
  private final StringWriter stdout = new StringWriter();
  private final StringWriter stderr = new StringWriter();

  @BeforeAll
  static void servers() throws Exception {
    loopback = Loopback.start(shared);
  }

  @AfterAll
  static void stopServers() {
    loopback.close();
  }

  @BeforeEach
  void programs() throws Exception {
    out = Files.createDirectory(dir.resolve("out"));
    recorder = Programs.recorder(dir.resolve("recorder.sh"), "v1");
  }

  /** A session whose service `app` runs the recorder, with a secret, an injected file and host pass-through. */
  private String session(String mrenclave, String tolerate) throws Exception {
    String name = "run-" + SESSIONS.incrementAndGet();
    loopback.createSession("""
        name: %s
        version: "0.3"
        security:
          attestation:
            tolerate: [%s]
            ignore_advisories: %s
        services:
          - name: app
            image_name: app_image
            mrenclaves: [%s]
            platforms: [%s]
            command: ["recorder", "@@1", "--password", "$$SCONE::password$$", "--config=/etc/app/app.conf", "two words", "@@2"]
            environment:
              PATH: /usr/bin:/bin
              GREETING: hello world
              CONF: /etc/app/app.conf
              "@@HOST_VALUE": ""
              "@@EXIT_CODE": ""
              "@@DIE_BY": ""
            pwd: /etc/app
        images:
          - name: app_image
            injection_files:
              - path: /etc/app/app.conf
                permission: 0o640
                content: |
                  password=$$SCONE::password$$
        secrets:
          - name: password
            kind: ascii
            value: s3cr3t
        """.formatted(name, tolerate, tolerate.contains("debug-mode") ? "\"*\"" : "[]", mrenclave, loopback.platformId()));
    return name + "/app";
  }

  private int run(String configId, Map<String, String> extraEnv, String... flagsThenCommand) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOST_VALUE", "from the host");
    env.put("CALLERS_OWN", "never passed on");
    env.putAll(extraEnv);
    List<String> args = List.of(flagsThenCommand);
    RunSettings.Flags flags = new RunSettings.Flags(configId, loopback.cas(), loopback.las(),
        loopback.casKeyHash().toString(), null, false, null, null, null, args);
    try {
      RunSettings settings = RunSettings.resolve(flags, env);
      return new ClaveRun(settings, env, dir, new PrintWriter(stdout, true), new PrintWriter(stderr, true)).run();
    } catch (RunFailure f) {
      throw new AssertionError(f.getMessage());
    }
  }

  @Test
  void theProgramGetsExactlyThePolicysCommandLineEnvironmentDirectoryAndFiles() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    int code = run(id, Map.of(), recorder.toString(), out.toString(), "extra argument");
    assertThat(code).as(stderr.toString()).isZero();
    assertThat(stderr.toString()).isEmpty();

    Map<String, String> env = Programs.environ(out);
    String root = env.get("CLAVE_ROOT");
    assertThat(root).isNotBlank();
    assertThat(Programs.argv(out)).containsExactly(out.toString(), "--password", "s3cr3t",
        "--config=" + root + "/etc/app/app.conf", "two words", "extra argument");
    assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of(
        "PATH", "/usr/bin:/bin",
        "GREETING", "hello world",
        "CONF", root + "/etc/app/app.conf",
        "HOST_VALUE", "from the host",
        "EXIT_CODE", "",
        "DIE_BY", "",
        "CLAVE_ROOT", root));
    assertThat(Files.readString(out.resolve("pwd")).strip()).isEqualTo(root + "/etc/app");
    assertThat(Files.readString(out.resolve("conf"))).isEqualTo("password=s3cr3t\n");
    assertThat(Files.readString(out.resolve("conf-mode")).strip()).isEqualTo("640");
    assertThat(Files.readString(out.resolve("root-mode")).strip()).isEqualTo("700");
    // Present while the program ran, gone once it ended.
    assertThat(Path.of(root)).doesNotExist();
    if (Files.isDirectory(PrivateRoot.MEMORY_FS)) {
      assertThat(root).startsWith(PrivateRoot.MEMORY_FS.toRealPath().toString());
    }
  }

  @Test
  void anotherProgramIsRefusedNeverStartedAndTheCasReasonIsPrinted() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    Path changed = Programs.recorder(dir.resolve("changed.sh"), "v2");
    int code = run(id, Map.of(), changed.toString(), out.toString(), "x");
    assertThat(code).isEqualTo(ExitCodes.REFUSED);
    assertThat(out.resolve("argv")).doesNotExist();
    assertThat(stderr.toString())
        .contains("clave run: the CAS at " + loopback.cas() + " refused " + id + ": POLICY_DENIED")
        .contains("the program was not started")
        .contains("  - MRENCLAVE_MISMATCH: ")
        .contains("this program's simulated MRENCLAVE is " + Programs.sha256(changed))
        .doesNotContain("s3cr3t")
        .doesNotContain("\tat ");
  }

  @Test
  void aPolicyThatDoesNotTolerateSimulationRefusesWithTheSettingToChange() throws Exception {
    String id = session(Programs.sha256(recorder), "outdated-tcb");
    assertThat(run(id, Map.of(), recorder.toString(), out.toString(), "x")).isEqualTo(ExitCodes.REFUSED);
    assertThat(out.resolve("argv")).doesNotExist();
    assertThat(stderr.toString()).contains("- DEBUG_NOT_TOLERATED: ").contains("debug-mode");
  }

  @Test
  void anUnknownSessionIsRefused() throws Exception {
    assertThat(run("nowhere/app", Map.of(), recorder.toString(), out.toString())).isEqualTo(ExitCodes.REFUSED);
    assertThat(stderr.toString()).contains("refused nowhere/app: UNKNOWN_SESSION").contains("there is no session nowhere");
    assertThat(out.resolve("argv")).doesNotExist();
  }

  @Test
  void theProgramsExitCodeAndSignalDeathComeThrough() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    assertThat(run(id, Map.of("EXIT_CODE", "7"), recorder.toString(), out.toString(), "x")).isEqualTo(7);
    String root = Programs.environ(out).get("CLAVE_ROOT");
    assertThat(Path.of(root)).doesNotExist();
    assertThat(run(id, Map.of("DIE_BY", "TERM"), recorder.toString(), out.toString(), "x")).isEqualTo(128 + 15);
  }

  @Test
  void aMissingHostArgumentIsTheCasRefusalNotAStart() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    // The policy uses @@2; the caller gives only one argument.
    assertThat(run(id, Map.of(), recorder.toString(), out.toString())).isEqualTo(ExitCodes.REFUSED);
    assertThat(stderr.toString()).contains("POLICY_DENIED").contains("@@2");
    assertThat(out.resolve("argv")).doesNotExist();
  }

  @Test
  void anotherCasThanThePinnedOneFailsTheHandshake() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
    RunSettings settings = RunSettings.resolve(new RunSettings.Flags(id, loopback.cas(), loopback.las(),
        ClientIdentity.generate().keyHash().toString(), null, false, null, null, null,
        List.of(recorder.toString(), out.toString(), "x")), env);
    int code = new ClaveRun(settings, env, dir, new PrintWriter(stdout, true), new PrintWriter(stderr, true)).run();
    assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(stderr.toString()).startsWith("clave run: cannot reach the CAS at " + loopback.cas() + ": TLS handshake failed")
        .contains("not the pinned");
    assertThat(out.resolve("argv")).doesNotExist();
  }

  @Test
  void withoutAPinOneWarningLineAndTheRunProceeds() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "SCONE_CONFIG_ID", id, "SCONE_CAS_ADDR", loopback.cas(),
        "SCONE_LAS_ADDR", loopback.las(), "SCONE_MODE", "sim");
    RunSettings settings = RunSettings.resolve(new RunSettings.Flags(null, null, null, null, null, false, null, null, null,
        List.of(recorder.toString(), out.toString(), "x")), env);
    int code = new ClaveRun(settings, env, dir, new PrintWriter(stdout, true), new PrintWriter(stderr, true)).run();
    assertThat(code).as(stderr.toString()).isZero();
    assertThat(stderr.toString().lines()).singleElement().asString()
        .startsWith("clave run: warning: the CAS at " + loopback.cas() + " is not pinned");
    assertThat(Programs.argv(out)).contains("s3cr3t");
  }

  @Test
  void unreachableServersAreNamedInOneLine() throws Exception {
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"));
    int closed = Loopback.closedPort();
    RunSettings noLas = RunSettings.resolve(new RunSettings.Flags("s/app", loopback.cas(), "127.0.0.1:" + closed,
        loopback.casKeyHash().toString(), null, false, null, null, null, List.of(recorder.toString(), out.toString())), env);
    assertThat(new ClaveRun(noLas, env, dir, new PrintWriter(stdout, true), new PrintWriter(stderr, true)).run())
        .isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(stderr.toString()).isEqualTo("clave run: cannot reach the LAS at 127.0.0.1:" + closed + ": connection refused\n");

    StringWriter err2 = new StringWriter();
    RunSettings noCas = RunSettings.resolve(new RunSettings.Flags("s/app", "127.0.0.1:" + closed, loopback.las(),
        loopback.casKeyHash().toString(), null, false, null, null, null, List.of(recorder.toString(), out.toString())), env);
    assertThat(new ClaveRun(noCas, env, dir, new PrintWriter(stdout, true), new PrintWriter(err2, true)).run())
        .isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(err2.toString()).isEqualTo("clave run: cannot reach the CAS at 127.0.0.1:" + closed + ": connection refused\n");
    assertThat(out.resolve("argv")).doesNotExist();
  }

  @Test
  void anEnvironmentTooLargeToSendIsRefusedBeforeTheCasSeesIt() throws Exception {
    String id = session(Programs.sha256(recorder), "debug-mode");
    assertThat(run(id, Map.of("HUGE", "x".repeat(CasEnclaveClient.MAX_HOST_DATA)), recorder.toString(), out.toString(), "x"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(stderr.toString()).startsWith("clave run: the program's arguments and this environment take ")
        .contains("unset large variables").doesNotContain("xxxx");
    assertThat(out.resolve("argv")).doesNotExist();
  }

  @Test
  void hardwareModeIsRefusedWithoutSgx() throws Exception {
    Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "SCONE_MODE", "hw");
    RunSettings hw = RunSettings.resolve(new RunSettings.Flags("s/app", loopback.cas(), loopback.las(), null, null, false,
        null, null, null, List.of(recorder.toString(), out.toString())), env);
    int code = new ClaveRun(hw, env, dir, new PrintWriter(stdout, true), new PrintWriter(stderr, true))
        .sgxDevice(dir.resolve("no-sgx-here")).run();
    assertThat(code).isEqualTo(ExitCodes.CONFIGURATION);
    assertThat(stderr.toString()).contains("hardware mode needs SGX").contains("no-sgx-here").contains("SCONE_MODE=sim");
    assertThat(out.resolve("argv")).doesNotExist();
  }

  /** A jar whose Main writes its arguments (NUL-separated) to ARGS[0]/argv and exits with 5. */
  private Path recordingJar(Path jar) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("Main.java"), """
        public class Main {
          public static void main(String[] args) throws Exception {
            java.nio.file.Files.writeString(java.nio.file.Path.of(args[0], "argv"), String.join("\0", args) + "\0");
            System.exit(5);
          }
        }
        """);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "--release", "21", "-d", src.toString(), src.resolve("Main.java").toString())).isZero();
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Main");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
      out.putNextEntry(new JarEntry("Main.class"));
      out.write(Files.readAllBytes(src.resolve("Main.class")));
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void aJarRunsUnderItsOwnMeasurementWithThePolicysJvmOptions() throws Exception {
    Path jar = recordingJar(dir.resolve("app.jar"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String name = "jar-" + SESSIONS.incrementAndGet();
    loopback.createSession("""
        name: %s
        version: "0.3"
        security: {attestation: {tolerate: [debug-mode], ignore_advisories: "*"}}
        services:
          - name: app
            mrenclaves: [%s]
            platforms: [%s]
            command: ["java", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-jar", "%s", "@@4", "from the policy"]
            pwd: /
        """.formatted(name, Programs.sha256(jar), loopback.platformId(), jar));
    // The caller's own JVM options are not used: the policy's command line is the java command line.
    int code = run(name + "/app", Map.of(), java, "-Xmx1g", "-jar", jar.toString(), out.toString());
    assertThat(code).as(stderr.toString()).isEqualTo(5);
    assertThat(Programs.argv(out)).containsExactly(out.toString(), "from the policy");

    // The same policy, but the caller runs a changed jar: refused, not started.
    Files.delete(out.resolve("argv"));
    Path changed = dir.resolve("changed.jar");
    Files.write(changed, Files.readAllBytes(jar));
    Files.write(changed, new byte[] {0}, StandardOpenOption.APPEND);
    assertThat(run(name + "/app", Map.of(), java, "-Xmx1g", "-jar", changed.toString(), out.toString())).isEqualTo(ExitCodes.REFUSED);
    assertThat(out.resolve("argv")).doesNotExist();
    assertThat(stderr.toString()).contains("MRENCLAVE_MISMATCH").contains("(SHA-256 of " + changed.toRealPath() + ")");
  }
}
