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

/**
 * Signals of {@code clave cas serve} in its own JVM: with {@code --snapshot-dir}, one snapshot at start and one more
 * on SIGUSR1 (as the original); with {@code --standby}, SIGHUP takes over from the newest snapshot.
 */
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

  @Test
  void sighupMakesAStandbyTakeOverFromTheNewestSnapshot() throws Exception {
    Path snaps = dir.resolve("snapshots");
    try (BackupTestKit.Platforms platforms = new BackupTestKit.Platforms(dir.resolve("sim"), "a", "b")) {
      int port;
      try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
          "cas", "serve", "--state-dir", dir.resolve("standby").toString(), "--host", "127.0.0.1", "--client-port",
          Integer.toString(port), "--enclave-port", "0", "--las", "127.0.0.1:" + platforms.las("b").port(),
          "--collateral", platforms.sim.resolve("collateral").toString(),
          "--trust-sim-root", platforms.sim.resolve("root/root_ca.pem").toString(),
          "--standby", "--restore-from", snaps.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
      try {
        awaitLog("CAS provisioning token", p);
        String primaryKeyHash;
        dev.clave.cas.CasConfig primaryConfig = platforms.cas(dir.resolve("primary"), platforms.las("a"))
            .withSnapshots(new dev.clave.cas.CasConfig.Snapshots(snaps, Duration.ofHours(1), 3, null));
        try (dev.clave.cas.CasServer primary = dev.clave.cas.CasServer.start(primaryConfig)) {
          String addr = BackupTestKit.provision(primary, dir);
          primaryKeyHash = primary.identity().keyHash().toString();
          CliRun r = CliRun.of("cas", "register-backup", "127.0.0.1:" + port, "--cas", addr, "-SCG");
          assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
          assertThat(primary.snapshots().orElseThrow().takeNow(true)).isPresent();
        }
        assertThat(BackupTestKit.get(port, "/v1/cas").body()).contains("\"provisioned\":false");
        assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
        awaitLog("restored snapshot", p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String body = "";
        while (System.nanoTime() < deadline) {
          try {
            body = BackupTestKit.get(port, "/v1/cas").body();
            if (body.contains(primaryKeyHash)) {
              break;
            }
          } catch (java.io.IOException restarting) {
            // the listeners restart during the takeover
          }
          Thread.sleep(100);
        }
        assertThat(body).as(log()).contains(primaryKeyHash).contains("\"provisioned\":true");
      } finally {
        System.clearProperty("clave.cli.config");
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private void awaitLog(String text, Process p) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (log().contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError("clave cas serve ended: " + log());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in the log within 60 s: " + log());
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
