package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clave cas serve --snapshot-dir}: one snapshot at start, one more on SIGUSR1 (as the original), in its own JVM. */
class CasServeSignalTest {
  @TempDir Path dir;

  @Test
  void sigusr1TakesASnapshotNow() throws Exception {
    Path snaps = dir.resolve("snapshots");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "cas", "serve", "--state-dir", dir.resolve("state").toString(), "--host", "127.0.0.1", "--client-port", "0",
        "--enclave-port", "0", "--snapshot-dir", snaps.toString(), "--snapshot-interval", "1h")
        .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
    try {
      awaitSnapshots(snaps, 1, p);
      Thread.sleep(1100); // snapshot directories are named to the second
      assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor()).isZero();
      awaitSnapshots(snaps, 2, p);
      assertThat(log()).contains("SIGUSR1 takes one now").contains("CAS snapshot").doesNotContain("Exception");
    } finally {
      p.destroy(); // SIGTERM: a graceful stop
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    assertThat(log()).contains("Clave CAS stopped");
  }

  private void awaitSnapshots(Path snaps, int count, Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("clave cas serve ended: " + log());
      }
      if (Files.isDirectory(snaps)) {
        try (var s = Files.list(snaps)) {
          List<Path> done = s.filter(d -> d.getFileName().toString().matches("\\d{8}T\\d{6}Z-v\\d+")).toList();
          if (done.size() >= count) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + count + " snapshots within 60 s: " + log());
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("log"), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }
}
