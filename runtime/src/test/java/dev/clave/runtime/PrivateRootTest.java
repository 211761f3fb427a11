package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.ServiceEvaluation.InjectedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Injected files: placed at their policy paths below a private directory, never outside it, removed after. */
class PrivateRootTest {
  @TempDir Path dir;

  private static InjectedFile file(String path, int mode, String content) {
    return new InjectedFile(path, content.getBytes(StandardCharsets.UTF_8), false, mode);
  }

  @Test
  void filesLandAtTheirPolicyPathsWithTheirModes() throws Exception {
    PrivateRoot root = PrivateRoot.create(dir);
    assertThat(Files.getPosixFilePermissions(root.root())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    root.place(file("/etc/app/a.conf", 0640, "a"));
    root.place(file("/etc//app/./b.key", 0400, "b"));
    root.place(file("/top", 04755, "c"));
    assertThat(root.root().resolve("etc/app/a.conf")).hasContent("a");
    assertThat(Files.getPosixFilePermissions(root.root().resolve("etc/app/a.conf"))).isEqualTo(PosixFilePermissions.fromString("rw-r-----"));
    assertThat(Files.getPosixFilePermissions(root.root().resolve("etc/app/b.key"))).isEqualTo(PosixFilePermissions.fromString("r--------"));
    assertThat(Files.getPosixFilePermissions(root.root().resolve("top"))).isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(Files.getPosixFilePermissions(root.root().resolve("etc/app"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(root.placed()).containsExactly("/etc/app/a.conf", "/etc//app/./b.key", "/top");

    // The program may lock its own directories; removal still takes everything.
    Files.setPosixFilePermissions(root.root().resolve("etc/app"), PosixFilePermissions.fromString("r-x------"));
    Files.setPosixFilePermissions(root.root().resolve("etc"), PosixFilePermissions.fromString("---------"));
    root.close();
    assertThat(root.root()).doesNotExist();
    root.close();
  }

  @Test
  void nothingLandsOutsideTheRootOrOnAnotherFile() throws Exception {
    try (PrivateRoot root = PrivateRoot.create(dir)) {
      assertThatThrownBy(() -> root.place(file("/etc/../../escape", 0600, "x")))
          .hasMessage("injected file `/etc/../../escape`: .. is not allowed");
      assertThatThrownBy(() -> root.place(file("relative", 0600, "x"))).hasMessageContaining("not an absolute path");
      assertThatThrownBy(() -> root.place(file("/", 0600, "x"))).hasMessageContaining("names the root directory");
      root.place(file("/a", 0600, "x"));
      assertThatThrownBy(() -> root.place(file("/a/b", 0600, "y"))).hasMessageContaining("already occupies");
      assertThatThrownBy(() -> root.place(file("//a", 0600, "y"))).hasMessageContaining("already occupies");
      assertThat(root.root().resolve("a")).hasContent("x");
    }
    try (var left = Files.list(dir)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void filesFromTheFileSystemAreCopiedUnlessTheyHoldPlaceholders() throws Exception {
    Path plain = Files.writeString(dir.resolve("plain.conf"), "level=debug\n");
    Path template = Files.writeString(dir.resolve("template.conf"), "password=$$SCONE::password$$\n");
    Path parent = Files.createDirectory(dir.resolve("roots"));
    try (PrivateRoot root = PrivateRoot.create(parent)) {
      root.place(new InjectedFile(plain.toString(), null, true, 0600));
      assertThat(root.map(plain.toString())).hasContent("level=debug\n");
      assertThatThrownBy(() -> root.place(new InjectedFile(template.toString(), null, true, 0600)))
          .hasMessageContaining("holds $$SCONE:: placeholders, which clave run cannot fill")
          .extracting(e -> ((RunFailure) e).exitCode()).isEqualTo(ExitCodes.CONFIGURATION);
      assertThatThrownBy(() -> root.place(new InjectedFile(dir.resolve("absent").toString(), null, true, 0600)))
          .hasMessageContaining("there is no such file here");
    }
  }
}
