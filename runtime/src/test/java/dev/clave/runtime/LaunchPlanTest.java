package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.ServiceEvaluation.InjectedFile;
import dev.clave.policy.ServiceEvaluation.RuntimeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** From a delivered configuration to what is started: argv[0], path mapping, working directory, the jar check. */
class LaunchPlanTest {
  @TempDir Path dir;

  private MeasuredProgram script() throws Exception {
    Path p = Programs.script(dir.resolve("prog"), "#!/bin/sh\n");
    return MeasuredProgram.measure(List.of(p.toString()), Map.of(), dir);
  }

  private static RuntimeConfig config(List<String> argv, Map<String, String> env, String pwd, String... files) {
    List<InjectedFile> fs = new ArrayList<>();
    for (String f : files) {
      fs.add(new InjectedFile(f, "x".getBytes(StandardCharsets.UTF_8), false, 0600));
    }
    return new RuntimeConfig(argv, env, pwd, fs);
  }

  private static PrivateRoot placed(Path parent, RuntimeConfig c) throws RunFailure {
    PrivateRoot root = PrivateRoot.create(parent);
    for (InjectedFile f : c.files()) {
      root.place(f);
    }
    return root;
  }

  @Test
  void withoutFilesTheCommandLineAndEnvironmentAreTakenAsDelivered() throws Exception {
    MeasuredProgram p = script();
    RuntimeConfig c = config(List.of("whatever-the-policy-calls-it", "-v", "/etc/x"), Map.of("A", "/etc/x"), dir.toString());
    LaunchPlan plan = LaunchPlan.of(p, c, null, new ArrayList<>());
    assertThat(plan.executable()).isEqualTo(p.executable());
    assertThat(plan.arguments()).containsExactly("-v", "/etc/x");
    assertThat(plan.environment()).containsExactlyEntriesOf(Map.of("A", "/etc/x"));
    assertThat(plan.workingDirectory()).isEqualTo(dir);
  }

  @Test
  void injectedPathsAndTheWorkingDirectoryMapIntoThePrivateRoot() throws Exception {
    RuntimeConfig c = config(List.of("app", "--conf", "/etc/app/c.yaml"), Map.of("C", "/etc/app/c.yaml", "CLAVE_ROOT", "mine"),
        "/etc/app", "/etc/app/c.yaml");
    try (PrivateRoot root = placed(dir, c)) {
      List<String> warnings = new ArrayList<>();
      LaunchPlan plan = LaunchPlan.of(script(), c, root, warnings);
      String r = root.root().toString();
      assertThat(plan.arguments()).containsExactly("--conf", r + "/etc/app/c.yaml");
      assertThat(plan.environment()).containsEntry("C", r + "/etc/app/c.yaml").containsEntry("CLAVE_ROOT", r).hasSize(2);
      assertThat(plan.workingDirectory()).isEqualTo(root.root().resolve("etc/app"));
      assertThat(warnings).containsExactly("the policy sets CLAVE_ROOT; clave run replaces it with the injected files' directory");
      assertThat(plan.toString()).doesNotContain("c.yaml");
    }
  }

  @Test
  void aWorkingDirectoryWithoutInjectedFilesIsTheHostsAndMustExist() throws Exception {
    RuntimeConfig onHost = config(List.of("app"), Map.of(), dir.toString(), "/etc/app/c.yaml");
    try (PrivateRoot root = placed(Files.createDirectory(dir.resolve("r1")), onHost)) {
      assertThat(LaunchPlan.of(script(), onHost, root, new ArrayList<>()).workingDirectory()).isEqualTo(dir);
    }
    RuntimeConfig nowhere = config(List.of("app"), Map.of(), "/no/such/dir");
    assertThatThrownBy(() -> LaunchPlan.of(script(), nowhere, null, new ArrayList<>()))
        .hasMessage("the policy's working directory (pwd) `/no/such/dir` is not a directory on this host, and no injected file lies in it")
        .extracting(e -> ((RunFailure) e).exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
  }

  @Test
  void aJarProgramMustRunTheMeasuredJar() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path jar = Files.write(dir.resolve("app.jar"), new byte[] {1});
    Files.write(dir.resolve("other.jar"), new byte[] {2});
    MeasuredProgram p = MeasuredProgram.measure(List.of(java, "-jar", "app.jar"), Map.of(), dir);

    LaunchPlan plan = LaunchPlan.of(p, config(List.of("java", "-Xmx64m", "-jar", jar.toString(), "a"), Map.of(), "/"), null, new ArrayList<>());
    assertThat(plan.executable()).isEqualTo(Path.of(java).toRealPath());
    assertThat(plan.arguments()).containsExactly("-Xmx64m", "-jar", jar.toString(), "a");
    // relative to the working directory
    assertThat(LaunchPlan.of(p, config(List.of("java", "-jar", "app.jar"), Map.of(), dir.toString()), null, new ArrayList<>()))
        .isNotNull();

    assertThatThrownBy(() -> LaunchPlan.of(p, config(List.of("java", "-jar", "other.jar"), Map.of(), dir.toString()), null, new ArrayList<>()))
        .hasMessageStartingWith("the policy's command runs the jar `other.jar`")
        .hasMessageContaining("they must be the same file")
        .extracting(e -> ((RunFailure) e).exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
    assertThatThrownBy(() -> LaunchPlan.of(p, config(List.of("java", "-cp", "app.jar", "Main"), Map.of(), dir.toString()), null, new ArrayList<>()))
        .hasMessageContaining("does not run java with -jar");
  }
}
