package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated measurement: which file is measured, and that its content is the MRENCLAVE. */
class MeasuredProgramTest {
  @TempDir Path dir;

  private static MeasuredProgram measure(Path cwd, Map<String, String> env, String... command) throws RunFailure {
    return MeasuredProgram.measure(List.of(command), env, cwd);
  }

  @Test
  void theMrenclaveIsTheSha256OfTheProgramFileAndChangesWithIt() throws Exception {
    Path p = Programs.script(dir.resolve("prog"), "#!/bin/sh\necho one\n");
    MeasuredProgram m = measure(dir, Map.of(), p.toString(), "arg");
    assertThat(m.mrEnclave().hex()).isEqualTo(Programs.sha256(p)).matches("[0-9a-f]{64}");
    assertThat(m.executable()).isEqualTo(p.toRealPath());
    assertThat(m.javaJar()).isFalse();
    assertThat(measure(dir, Map.of(), p.toString(), "other", "args").mrEnclave()).isEqualTo(m.mrEnclave());

    Programs.script(p, "#!/bin/sh\necho two\n");
    assertThat(measure(dir, Map.of(), p.toString()).mrEnclave()).isNotEqualTo(m.mrEnclave());
  }

  @Test
  void aNameIsFoundThroughPathAndLinksAreResolved() throws Exception {
    Path bin1 = Files.createDirectory(dir.resolve("bin1"));
    Path bin2 = Files.createDirectory(dir.resolve("bin2"));
    Files.writeString(bin1.resolve("tool"), "not executable");
    Path real = Programs.script(bin2.resolve("tool-1.0"), "#!/bin/sh\n");
    Files.createSymbolicLink(bin2.resolve("tool"), real);
    MeasuredProgram m = measure(dir, Map.of("PATH", bin1 + ":" + bin2), "tool");
    assertThat(m.executable()).isEqualTo(real.toRealPath());
    assertThat(m.mrEnclave().hex()).isEqualTo(Programs.sha256(real));

    // relative paths are relative to the caller's directory; an empty PATH entry is that directory too
    assertThat(measure(dir, Map.of(), "./bin2/tool").executable()).isEqualTo(real.toRealPath());
    assertThat(measure(bin2, Map.of("PATH", "/nonexistent:"), "tool").executable()).isEqualTo(real.toRealPath());
  }

  @Test
  void programsThatCannotBeMeasuredAreNamed() throws Exception {
    assertThatThrownBy(() -> measure(dir, Map.of("PATH", dir.toString()), "no-such-tool"))
        .isInstanceOf(RunFailure.class).hasMessage("the program `no-such-tool` is not in PATH (" + dir + ")")
        .extracting(e -> ((RunFailure) e).exitCode()).isEqualTo(ExitCodes.PROGRAM_UNUSABLE);
    assertThatThrownBy(() -> measure(dir, Map.of(), "./missing")).hasMessageStartingWith("the program `./missing` does not exist");
    Files.writeString(dir.resolve("data"), "x");
    assertThatThrownBy(() -> measure(dir, Map.of(), "./data")).hasMessageContaining("is not executable");
    assertThatThrownBy(() -> measure(dir, Map.of(), dir.toString())).hasMessageContaining("is not a regular file");
  }

  @Test
  void javaDashJarMeasuresTheJar() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path jar = Files.write(dir.resolve("app.jar"), new byte[] {'P', 'K', 3, 4, 1});
    MeasuredProgram m = measure(dir, Map.of(), java.toString(), "-Xmx64m", "-cp", "ignored.jar", "-jar", "app.jar", "a");
    assertThat(m.javaJar()).isTrue();
    assertThat(m.executable()).isEqualTo(java.toRealPath());
    assertThat(m.measured()).isEqualTo(jar.toRealPath());
    assertThat(m.mrEnclave().hex()).isEqualTo(Programs.sha256(jar));

    // found through PATH as well
    assertThat(measure(dir, Map.of("PATH", java.getParent().toString()), "java", "-jar", jar.toString()).mrEnclave())
        .isEqualTo(m.mrEnclave());
    // another jar, another MRENCLAVE
    Files.write(jar, new byte[] {'P', 'K', 3, 4, 2});
    assertThat(measure(dir, Map.of(), java.toString(), "-jar", "app.jar").mrEnclave()).isNotEqualTo(m.mrEnclave());
  }

  @Test
  void javaWithoutDashJarMeasuresTheJavaBinary() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    for (List<String> args : List.of(List.of("-cp", "x.jar", "Main", "-jar", "y.jar"), List.of("-m", "mod/Main"),
        List.of("Main.java"))) {
      String[] command = new String[args.size() + 1];
      command[0] = java.toString();
      for (int i = 0; i < args.size(); i++) {
        command[i + 1] = args.get(i);
      }
      MeasuredProgram m = measure(dir, Map.of(), command);
      assertThat(m.javaJar()).as(args.toString()).isFalse();
      assertThat(m.mrEnclave().hex()).isEqualTo(Programs.sha256(java.toRealPath()));
    }
  }

  @Test
  void javaCommandLinesThatHideTheJarAreRefused() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    assertThatThrownBy(() -> measure(dir, Map.of(), java, "@options", "-jar", "a.jar"))
        .hasMessageContaining("argument files (@options) are not supported");
    assertThatThrownBy(() -> measure(dir, Map.of(), java, "-jar")).hasMessageContaining("-jar without a jar file");
    assertThatThrownBy(() -> measure(dir, Map.of(), java, "-jar", "missing.jar")).hasMessageStartingWith("the jar `missing.jar` does not exist");
  }
}
