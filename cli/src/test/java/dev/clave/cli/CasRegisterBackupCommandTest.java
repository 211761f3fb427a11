package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.store.StoreIntegrityException;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup registration (issue #7): the primary attests a backup CAS on another (simulated) platform and records
 * the store's key wrapped for it; a copy of the primary's database then opens on that backup with every session,
 * and on no unregistered CAS. Admission refuses a lower security version and a worse TCB.
 */
class CasRegisterBackupCommandTest {
  private static final String MRE = "9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";

  @TempDir static Path sim;
  @TempDir Path dir;
  private static BackupTestKit.Platforms platforms;
  private static LasServer lasPrimary;
  private static LasServer lasBackup;
  private static LasServer lasOutdated;

  @BeforeAll
  static void platforms() throws Exception {
    platforms = new BackupTestKit.Platforms(sim, "a", "b");
    lasPrimary = platforms.las("a");
    lasBackup = platforms.las("b");
    lasOutdated = LasServer.start(LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(sim).withHost("127.0.0.1")
        .withPort(0).withStateDir(sim.resolve("las-c")).withSvn(3)); // OutOfDate on the sim ladder
  }

  @AfterAll
  static void stopLas() {
    platforms.close();
    lasOutdated.close();
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("clave.cli.config");
  }

  private CasConfig config(String name, LasServer las) {
    return platforms.cas(dir.resolve(name), las);
  }

  private String provision(CasServer primary) throws Exception {
    return BackupTestKit.provision(primary, dir);
  }

  private static CliRun registerBackup(String primary, CasServer backup, String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("cas", "register-backup", "127.0.0.1:" + backup.clientPort(),
        "--cas", primary));
    args.addAll(List.of(flags));
    return CliRun.of(args.toArray(String[]::new));
  }

  private Path session(String name) throws Exception {
    return Files.writeString(dir.resolve(name + ".yaml"), """
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
  }

  /**
   * Replaces {@code target}'s store (database and key store: an unprovisioned backup's own empty state) with a copy
   * of the (checkpointed) primary's database; the target keeps its CAS key and sealing secret.
   */
  private void copyDatabase(String from, String target) throws Exception {
    Files.deleteIfExists(dir.resolve(target).resolve("cas.key-store"));
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(dir.resolve(target).resolve("cas.db" + suffix));
    }
    Files.copy(dir.resolve(from).resolve("cas.db"), dir.resolve(target).resolve("cas.db"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void aRegisteredBackupOpensACopyOfThePrimarysDatabaseAndAnUnregisteredCasRefusesIt() throws Exception {
    String backupKeyHash;
    String primaryAddr;
    String primaryKeyHash;
    try (CasServer primary = CasServer.start(config("primary", lasPrimary))) {
      primaryAddr = provision(primary);
      primaryKeyHash = primary.identity().keyHash().toString();
      for (String s : List.of("shop", "bank")) {
        CliRun c = CliRun.of("session", "create", session(s).toString(), "--cas", primaryAddr);
        assertThat(c.exitCode()).as(c.err()).isZero();
      }
      try (CasServer backup = CasServer.start(config("backup", lasBackup));
          CasServer stranger = CasServer.start(config("stranger", lasBackup))) {
        backupKeyHash = backup.identity().keyHash().toString();
        CliRun r = registerBackup(primaryAddr, backup, "-SCG");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Backup CAS registered").contains(backupKeyHash)
            .contains("platform " + lasBackup.platformId());
        CliRun log = CliRun.of("cas", "audit-log", "--from", "0", "--cas", primaryAddr);
        assertThat(log.exitCode()).as(log.err()).isZero();
        assertThat(log.out()).contains("BACKUP_REGISTERED").contains(backupKeyHash);
      }
    } // closing checkpoints the primary's WAL into cas.db

    copyDatabase("primary", "backup");
    try (CasServer backup = CasServer.start(config("backup", lasBackup))) {
      assertThat(backup.provisioningToken()).as("the copy carries the primary's owner").isEmpty();
      assertThat(backup.identity().keyHash().toString()).as("and the primary's identity").isEqualTo(primaryKeyHash);
      CliConfig cli = CliConfig.loadOrCreate(dir.resolve("cli.json"));
      String addr = "127.0.0.1:" + backup.clientPort();
      cli.remember(addr, backup.identity().keyHash());
      cli.save();
      for (String s : List.of("shop", "bank")) {
        CliRun read = CliRun.of("session", "read", s, "--cas", addr);
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out()).contains("name: " + s);
      }
    }
    // Restarted, the backup opens its own key store at the adopted store (no registration needed any more).
    try (CasServer again = CasServer.start(config("backup", lasBackup))) {
      assertThat(again.identity().keyHash().toString()).isEqualTo(primaryKeyHash).isNotEqualTo(backupKeyHash);
    }

    copyDatabase("primary", "stranger");
    CasServer[] started = new CasServer[1];
    assertThatThrownBy(() -> started[0] = CasServer.start(config("stranger", lasBackup)))
        .isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("which has no backup registration for this CAS (key hash ")
        .hasMessageContaining("platform " + lasBackup.platformId())
        .hasMessageContaining("is a copy of store ")
        .hasMessageContaining("clave cas register-backup");
    if (started[0] != null) {
      started[0].close();
    }
  }

  @Test
  void aBackupWithALowerSecurityVersionIsRefused() throws Exception {
    try (CasServer primary = CasServer.startClaimingSecurityVersionForTesting(config("primary", lasPrimary), 2);
        CasServer backup = CasServer.start(config("backup", lasBackup))) {
      String addr = provision(primary);
      CliRun r = registerBackup(addr, backup, "-SCG");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("backup registration refused (422)")
          .contains("is not admissible: the CAS's security version 1 is older than 2");
      assertThat(r.out()).doesNotContain("Backup CAS registered");
      assertThat(CliRun.of("cas", "audit-log", "--from", "0", "--cas", addr).out())
          .contains("BACKUP_REFUSED").contains("security version 1 is older than 2");
    }
  }

  @Test
  void aBackupOnAWorsePlatformIsRefused() throws Exception {
    try (CasServer primary = CasServer.start(config("primary", lasPrimary));
        CasServer backup = CasServer.start(config("backup", lasOutdated))) {
      String addr = provision(primary);
      CliRun r = registerBackup(addr, backup, "-SCG");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("its platform TCB OutOfDate is worse than this CAS's UpToDate");
    }
  }

  @Test
  void aPrimaryWithoutALasCannotRegisterBackups() throws Exception {
    CasConfig noLas = CasConfig.fromEnvironment(Map.of()).withStateDir(dir.resolve("primary")).withHost("127.0.0.1")
        .withPorts(0, 0);
    try (CasServer primary = CasServer.start(noLas);
        CasServer backup = CasServer.start(config("backup", lasBackup))) {
      String addr = provision(primary);
      CliRun r = registerBackup(addr, backup);
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("a primary without a LAS cannot register backups");
    }
  }
}
