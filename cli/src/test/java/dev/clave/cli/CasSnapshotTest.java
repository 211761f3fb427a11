package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.backup.SnapshotScheduler;
import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.StoreException;
import dev.clave.cas.store.StoreIntegrityException;
import dev.clave.las.LasServer;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots (issue #7): taken consistently while the CAS serves, skipped when nothing changed, restorable on a
 * registered backup only, with every session back; a damaged or altered snapshot is never restored; a failing
 * snapshot is loud.
 */
class CasSnapshotTest {
  private static final String MRE = "9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";

  @TempDir static Path sim;
  @TempDir Path dir;
  private static BackupTestKit.Platforms platforms;
  private static LasServer lasPrimary;
  private static LasServer lasBackup;
  private String primaryKeyHash;

  @BeforeAll
  static void platforms() throws Exception {
    platforms = new BackupTestKit.Platforms(sim, "a", "b");
    lasPrimary = platforms.las("a");
    lasBackup = platforms.las("b");
  }

  @AfterAll
  static void stopLas() {
    platforms.close();
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("clave.cli.config");
  }

  private CasConfig config(String name, LasServer las, Path snapshots, Path restoreFrom) {
    return platforms.cas(dir.resolve(name), las)
        // an hour: the test takes its snapshots itself
        .withSnapshots(new CasConfig.Snapshots(snapshots, Duration.ofHours(1), 3, restoreFrom));
  }

  private String provision(CasServer primary) throws Exception {
    return BackupTestKit.provision(primary, dir);
  }

  private void createSession(String name, String addr) throws Exception {
    Path f = Files.writeString(dir.resolve(name + ".yaml"), """
        name: %s
        version: "0.3"
        services:
          - name: app
            mrenclaves: [%s]
            command: ./app
            pwd: /
        secrets:
          - name: password
            kind: ascii
        """.formatted(name, MRE));
    CliRun c = CliRun.of("session", "create", f.toString(), "--cas", addr);
    assertThat(c.exitCode()).as(c.err()).isZero();
  }

  private static SnapshotScheduler scheduler(CasServer cas) {
    return cas.snapshots().orElseThrow();
  }

  private void readsBack(CasServer cas, List<String> sessions) throws Exception {
    CliConfig cli = CliConfig.loadOrCreate(dir.resolve("cli.json"));
    String addr = "127.0.0.1:" + cas.clientPort();
    cli.remember(addr, cas.identity().keyHash());
    cli.save();
    for (String s : sessions) {
      CliRun read = CliRun.of("session", "read", s, "--cas", addr);
      assertThat(read.exitCode()).as(read.err()).isZero();
      assertThat(read.out()).contains("name: " + s);
    }
    CliRun list = CliRun.of("session", "list", "--cas", addr);
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains(sessions);
  }

  /** A primary with sessions and a registered backup (stopped), and snapshots in {@code snaps}. */
  private Path primaryWithSnapshots(List<String> sessions) throws Exception {
    Path snaps = dir.resolve("snapshots");
    try (CasServer primary = CasServer.start(config("primary", lasPrimary, snaps, null))) {
      String addr = provision(primary);
      primaryKeyHash = primary.identity().keyHash().toString();
      try (CasServer backup = CasServer.start(config("backup", lasBackup, null, null))) {
        CliRun r = CliRun.of("cas", "register-backup", "127.0.0.1:" + backup.clientPort(), "--cas", addr, "-SCG");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      }
      for (String s : sessions) {
        createSession(s, addr);
      }
      Optional<Snapshot> taken = scheduler(primary).takeNow(false);
      assertThat(taken).isPresent();
      assertThat(taken.get().registrations()).hasSize(1);
      assertThat(scheduler(primary).takeNow(false)).as("nothing changed: skipped").isEmpty();
      assertThat(scheduler(primary).state().status()).isEqualTo(SnapshotScheduler.Status.PERSISTED);
      assertThat(http(primary, "/v1/cas").body()).contains("\"snapshots\":{\"status\":\"Persisted\"");
    }
    return snaps;
  }

  @Test
  void aRegisteredBackupRestoresTheNewestSnapshotWithEverySession() throws Exception {
    List<String> sessions = List.of("shop", "bank", "mail");
    Path snaps = primaryWithSnapshots(sessions);
    List<Path> all = Snapshot.list(snaps);
    assertThat(all).as("one at start, one after the sessions").hasSize(2);
    assertThat(all.get(0).getFileName().toString()).matches("\\d{8}T\\d{6}Z-v\\d+");
    assertThat(Files.list(all.get(0)).map(p -> p.getFileName().toString()).sorted().toList())
        .containsExactly("cas.db", "cas.key-store", "snapshot.json");

    try (CasServer backup = CasServer.start(config("backup", lasBackup, null, snaps))) {
      assertThat(backup.provisioningToken()).as("the snapshot carries the primary's owner").isEmpty();
      assertThat(backup.identity().keyHash().toString()).as("and its identity: pinned clients keep working")
          .isEqualTo(primaryKeyHash);
      readsBack(backup, sessions);
    }
    // Restarted with the same option, the backup keeps its (now own) state and restores nothing again.
    try (CasServer again = CasServer.start(config("backup", lasBackup, null, snaps))) {
      assertThat(again.identity().keyHash().toString()).isEqualTo(primaryKeyHash);
      readsBack(again, sessions);
    }
  }

  @Test
  void anUnregisteredCasCannotRestoreASnapshot() throws Exception {
    Path snaps = primaryWithSnapshots(List.of("shop"));
    assertThatThrownBy(() -> CasServer.start(config("stranger", lasBackup, null, snaps)).close())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("holds no intact snapshot taken after this CAS (key hash ")
        .hasMessageContaining("was registered as a backup");
    // Refused before anything was copied: the next start is not stuck with a copy it cannot open.
    assertThat(dir.resolve("stranger").resolve("cas.db")).doesNotExist();
    // A copy put there by hand still meets the store's own check.
    Files.copy(Snapshot.list(snaps).get(0).resolve("cas.db"), dir.resolve("stranger").resolve("cas.db"));
    assertThatThrownBy(() -> CasServer.start(config("stranger", lasBackup, null, null)).close())
        .isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("which has no backup registration for this CAS");
  }

  @Test
  void aNewerSnapshotTakenBeforeTheRegistrationIsPassedOver() throws Exception {
    Path snaps = primaryWithSnapshots(List.of("shop"));
    Path good = Snapshot.list(snaps).get(0);
    // The newest snapshot lists no registration for this backup (as one of a store it was never registered on).
    Path newer = snaps.resolve("29991231T235959Z-v99");
    Files.createDirectories(newer);
    try (var files = Files.list(good)) {
      for (Path f : files.toList()) {
        Files.copy(f, newer.resolve(f.getFileName()));
      }
    }
    Path manifest = newer.resolve("snapshot.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceAll("\"keyHash\" : \"[^\"]+\"", "\"keyHash\" : \"someone-else\""));
    assertThat(Files.readString(manifest)).isNotEqualTo(json);
    try (CasServer backup = CasServer.start(config("backup", lasBackup, null, snaps))) {
      readsBack(backup, List.of("shop"));
    }
  }

  @Test
  void aDamagedNewestSnapshotIsSkippedAndAnAlteredManifestIsRefused() throws Exception {
    Path snaps = primaryWithSnapshots(List.of("shop"));
    Path good = Snapshot.list(snaps).get(0);
    // A second state directory with the registered backup's key (before a restore replaces it by the primary's).
    Files.createDirectories(dir.resolve("backup2"));
    Files.copy(dir.resolve("backup").resolve("cas-key.pem"), dir.resolve("backup2").resolve("cas-key.pem"));
    Files.copy(dir.resolve("backup").resolve("cas-cert.pem"), dir.resolve("backup2").resolve("cas-cert.pem"));
    // A newer snapshot whose database lost a byte: skipped, the older intact one restores.
    Path damaged = snaps.resolve("29991231T235959Z-v99");
    copyTree(good, damaged);
    try (RandomAccessFile f = new RandomAccessFile(damaged.resolve("cas.db").toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 1);
    }
    assertThatThrownBy(() -> Snapshot.read(damaged)).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("cas.db does not match the SHA-256 in the manifest");
    try (CasServer backup = CasServer.start(config("backup", lasBackup, null, snaps))) {
      readsBack(backup, List.of("shop"));
    }

    // A manifest that claims a newer time (digests still right): caught by its MAC once the store is open.
    Path altered = dir.resolve("altered");
    copyTree(good, altered);
    Path manifest = altered.resolve("snapshot.json");
    String json = Files.readString(manifest);
    Files.writeString(manifest, json.replaceFirst("\"created\" : \"[^\"]+\"", "\"created\" : \"2999-01-01T00:00:00Z\""));
    assertThat(Files.readString(manifest)).isNotEqualTo(json);
    String ownKey = Files.readString(dir.resolve("backup2").resolve("cas-key.pem"));
    assertThatThrownBy(() -> CasServer.start(config("backup2", lasBackup, null, altered)).close())
        .isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("does not verify under the store's key");
    assertThat(Files.readString(dir.resolve("backup2").resolve("cas-key.pem"))).as("nothing adopted").isEqualTo(ownKey);
    assertThat(dir.resolve("backup2").resolve("cas.db")).as("the refused copy is gone").doesNotExist();
    assertThat(dir.resolve("backup2").resolve("cas.key-store")).doesNotExist();
  }

  @Test
  void aFailingSnapshotIsLoudButTheCasKeepsServing() throws Exception {
    Path notADir = Files.writeString(dir.resolve("snapshots-file"), "x");
    try (CasServer cas = CasServer.start(config("primary", lasPrimary, notADir, null))) {
      provision(cas);
      assertThat(scheduler(cas).takeNow(true)).isEmpty();
      assertThat(scheduler(cas).state().status()).isEqualTo(SnapshotScheduler.Status.FAILED);
      HttpResponse<String> health = http(cas, "/health/snapshots");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"status\":\"Failed\"").contains("\"error\":");
      assertThat(http(cas, "/health/ready").statusCode()).isEqualTo(200);
      assertThat(http(cas, "/metrics").body()).contains("clave_cas_snapshot_failing 1.0")
          .containsPattern("clave_cas_snapshots_total\\{outcome=\"failed\"} [1-9]");
    }
  }

  @Test
  void aStoreWithStateOfItsOwnIsNeverReplacedByARestore() throws Exception {
    Path snaps = primaryWithSnapshots(List.of("shop"));
    // The primary itself (provisioned, with sessions) started with --restore-from: keeps its own state.
    try (CasServer primary = CasServer.start(config("primary", lasPrimary, null, snaps))) {
      assertThat(primary.provisioningToken()).isEmpty();
      readsBack(primary, List.of("shop"));
    }
    assertThatThrownBy(() -> CasServer.start(config("empty", lasBackup, null, dir.resolve("nothing-here"))).close())
        .isInstanceOf(StoreException.class).hasMessageContaining("is not a directory");
  }

  @Test
  void aRestoreDrillPassesOnARegisteredBackupAndFailsOnADamagedSnapshotOrAnUnregisteredCas() throws Exception {
    Path snaps = primaryWithSnapshots(List.of("shop", "bank"));
    try (CasServer backup = CasServer.start(config("backup", lasBackup, null, null));
        CasServer stranger = CasServer.start(config("stranger", lasBackup, null, null))) {
      String on = "127.0.0.1:" + backup.clientPort();
      CliRun ok = CliRun.of("cas", "restore-drill", "--snapshot", snaps.toString(), "--on", on, "-c",
          backup.identity().keyHash().toString(), "--max-age", "1h");
      assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
      assertThat(ok.out()).contains("restore drill passed on " + on)
          .contains("sessions read back: 2/2")
          .contains("attestation: allowed (platform " + lasBackup.platformId() + ")")
          .containsPattern("recovery point: \\d+s \\(snapshot \\d{8}T\\d{6}Z-v\\d+, state version \\d+\\)");
      assertThat(backup.provisioningToken()).as("the drill leaves the backup as it was").isPresent();
      assertThat(Files.list(dir.resolve("backup").resolve("restore-drills")).toList()).as("no scratch left").isEmpty();

      CliRun unregistered = CliRun.of("cas", "restore-drill", "--snapshot", snaps.toString(), "--on",
          "127.0.0.1:" + stranger.clientPort(), "-c", stranger.identity().keyHash().toString());
      assertThat(unregistered.exitCode()).isEqualTo(1);
      assertThat(unregistered.err()).contains("restore drill FAILED")
          .contains("which has no backup registration for this CAS");

      Path newest = Snapshot.list(snaps).get(0);
      try (RandomAccessFile f = new RandomAccessFile(newest.resolve("cas.db").toFile(), "rw")) {
        f.seek(100);
        int b = f.read();
        f.seek(100);
        f.write(b ^ 0x40);
      }
      CliRun damaged = CliRun.of("cas", "restore-drill", "--snapshot", snaps.toString(), "--on", on, "-c",
          backup.identity().keyHash().toString());
      assertThat(damaged.exitCode()).isEqualTo(1);
      assertThat(damaged.err()).contains("restore drill FAILED: the newest snapshot is damaged")
          .contains("cas.db does not match the SHA-256 in the manifest")
          .contains("a takeover now would restore the older");
    }
  }

  @Test
  void aWarmStandbyTakesOverOnItsPortsWithThePrimarysIdentityAndSessions() throws Exception {
    Path snaps = dir.resolve("snapshots");
    try (dev.clave.cas.StandbyCas standby = dev.clave.cas.StandbyCas.start(config("backup", lasBackup, null, snaps))) {
      CasServer before = standby.current();
      int port = before.clientPort();
      int enclavePort = before.enclavePort();
      assertThat(before.provisioningToken()).as("a standby is an unprovisioned backup").isPresent();
      try (CasServer primary = CasServer.start(config("primary", lasPrimary, snaps, null))) {
        String addr = provision(primary);
        primaryKeyHash = primary.identity().keyHash().toString();
        CliRun r = CliRun.of("cas", "register-backup", "127.0.0.1:" + port, "--cas", addr, "-SCG");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        createSession("shop", addr);
        createSession("bank", addr);
        assertThat(scheduler(primary).takeNow(false)).isPresent();
      } // the primary is gone

      CasServer after = standby.takeOver();
      assertThat(after.clientPort()).isEqualTo(port);
      assertThat(after.enclavePort()).isEqualTo(enclavePort);
      assertThat(after.identity().keyHash().toString()).isEqualTo(primaryKeyHash);
      assertThat(after.provisioningToken()).isEmpty();
      assertThat(standby.takeOver()).as("once only").isSameAs(after);
      readsBack(after, List.of("shop", "bank"));
    }
  }

  @Test
  void thePrimarySendsItsNewestSnapshotToARegisteredBackupOnly() throws Exception {
    Path snaps = dir.resolve("snapshots");
    try (CasServer primary = CasServer.start(config("primary", lasPrimary, snaps, null));
        CasServer backup = CasServer.start(config("backup", lasBackup, null, null));
        CasServer stranger = CasServer.start(config("stranger", lasBackup, null, null))) {
      String addr = provision(primary);
      String on = "127.0.0.1:" + backup.clientPort();
      CliRun r = CliRun.of("cas", "register-backup", on, "--cas", addr, "-SCG");
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      createSession("shop", addr);
      assertThat(scheduler(primary).takeNow(false)).isPresent();

      CliRun ok = CliRun.of("cas", "restore-drill", "--on", on, "--cas", addr);
      assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
      assertThat(ok.out()).contains("sends its newest snapshot").contains("restore drill passed on " + on)
          .contains("sessions read back: 1/1").contains("attestation: allowed");

      CliRun unregistered = CliRun.of("cas", "restore-drill", "--on", "127.0.0.1:" + stranger.clientPort(), "--cas", addr);
      assertThat(unregistered.exitCode()).isEqualTo(1);
      assertThat(unregistered.err()).contains("restore drill FAILED: cannot reach a registered backup CAS at");
    }
  }

  private static HttpResponse<String> http(CasServer cas, String path) throws Exception {
    return BackupTestKit.get(cas.clientPort(), path);
  }

  private static void copyTree(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  /** Deletes a directory tree if present. */
  private static final class SqliteTree {
    static void delete(Path p) throws Exception {
      dev.clave.cas.store.SqliteCasStore.deleteTree(p);
    }
  }
}
