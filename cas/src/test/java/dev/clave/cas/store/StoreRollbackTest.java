package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static dev.clave.cas.store.StoreFixture.copyDatabase;
import static dev.clave.cas.store.StoreFixture.copyStateDir;
import static dev.clave.cas.store.StoreFixture.hash;
import static dev.clave.cas.store.StoreFixture.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rollback and fork detection, crash consistency between database and key store, and key store checks. */
class StoreRollbackTest {
  @TempDir Path dir;
  @TempDir Path saved;

  private Path keyStore() {
    return dir.resolve(SqliteCasStore.KEY_STORE_FILE);
  }

  @Test
  void restoredOlderDatabaseIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.createSession("app", hash("v1"), bytes("v1"));
    }
    copyDatabase(dir, saved); // version 1, after the checkpoint at close
    try (SqliteCasStore store = open(dir)) {
      store.updateSession("app", hash("v1"), hash("v2"), bytes("v2"));
      store.putBlob("b", bytes("later"));
    }
    copyDatabase(saved, dir);
    assertThatThrownBy(() -> open(dir)).isInstanceOfSatisfying(StoreRollbackException.class, e -> {
      assertThat(e.databaseVersion()).isEqualTo(1);
      assertThat(e.keyStoreVersion()).isEqualTo(3);
      assertThat(e).hasMessageContaining("is at state version 1, but the key store vouches for version 3")
          .hasMessageContaining("restored from an older copy");
    });
  }

  @Test
  void databaseCopiedWhileOpenAfterCheckpointIsRollbackOnceNewerWritesExist() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
      store.checkpoint();
      copyDatabase(dir, saved); // db + wal at version 1
      store.putBlob("b", bytes("2"));
    }
    copyDatabase(saved, dir);
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreRollbackException.class);
  }

  @Test
  void lostWalIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
      store.checkpoint();
      store.putBlob("b", bytes("2")); // in the WAL only
      store.putBlob("b", bytes("3"));
      // A copy of the state directory without the WAL: what a crash that loses the WAL file leaves.
      Files.copy(dir.resolve(SqliteCasStore.DATABASE_FILE), saved.resolve(SqliteCasStore.DATABASE_FILE));
      Files.copy(keyStore(), saved.resolve(SqliteCasStore.KEY_STORE_FILE));
      Files.copy(dir.resolve(SimulationSealer.SECRET_FILE), saved.resolve(SimulationSealer.SECRET_FILE));
    }
    assertThatThrownBy(() -> open(saved)).isInstanceOfSatisfying(StoreRollbackException.class, e -> {
      assertThat(e.databaseVersion()).isEqualTo(1);
      assertThat(e.keyStoreVersion()).isEqualTo(3);
    });
  }

  @Test
  void crashBetweenCommitAndKeyStoreUpdateRollsForward() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.createSession("app", hash("v1"), bytes("v1"));
    }
    byte[] keyStoreAtV1 = Files.readAllBytes(keyStore());
    try (SqliteCasStore store = open(dir)) {
      store.updateSession("app", hash("v1"), hash("v2"), bytes("v2"));
    }
    // The database has version 2, the key store still says 1: as if the process died between the two.
    Files.write(keyStore(), keyStoreAtV1);
    try (SqliteCasStore store = open(dir)) {
      assertThat(store.stateVersion()).isEqualTo(2);
      assertThat(store.currentSession("app").orElseThrow().hash()).isEqualTo(hash("v2"));
    }
    assertThat(Files.readAllBytes(keyStore())).isNotEqualTo(keyStoreAtV1);
    // Rolled forward: the old database is now a rollback, the current one opens.
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("after", bytes("x"));
    }
  }

  @Test
  void keyStoreTwoVersionsBehindIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    byte[] keyStoreAtV1 = Files.readAllBytes(keyStore());
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("2"));
      store.putBlob("b", bytes("3"));
    }
    Files.write(keyStore(), keyStoreAtV1);
    assertThatThrownBy(() -> open(dir)).isInstanceOfSatisfying(StoreRollbackException.class, e -> {
      assertThat(e.databaseVersion()).isEqualTo(3);
      assertThat(e.keyStoreVersion()).isEqualTo(1);
      assertThat(e).hasMessageContaining("the key store was restored from an older copy");
    });
  }

  @Test
  void forkAtTheSameVersionIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("common"));
    }
    Path other = saved.resolve("other");
    copyStateDir(dir, other);
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("history A"));
    }
    try (SqliteCasStore store = SqliteCasStore.open(other, SimulationSealer.open(other, StoreFixture.PLATFORM))) {
      store.putBlob("b", bytes("history B"));
    }
    copyDatabase(other, dir); // database of history B, key store of history A, both at version 2
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreRollbackException.class).hasMessageContaining("fork");
  }

  @Test
  void forkOneAheadIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("common"));
    }
    Path other = saved.resolve("other");
    copyStateDir(dir, other);
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("A2"));
    }
    try (SqliteCasStore store = SqliteCasStore.open(other, SimulationSealer.open(other, StoreFixture.PLATFORM))) {
      store.putBlob("b", bytes("B2"));
      store.putBlob("b", bytes("B3"));
    }
    copyDatabase(other, dir); // history B at version 3 does not continue history A's version 2
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreRollbackException.class)
        .hasMessageContaining("does not continue the state the key store vouches for");
  }

  @Test
  void deletedDatabaseIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    Files.delete(dir.resolve(SqliteCasStore.DATABASE_FILE));
    Files.deleteIfExists(dir.resolve(SqliteCasStore.DATABASE_FILE + "-wal"));
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreRollbackException.class)
        .hasMessageContaining("is missing, but the key store vouches for state version 1");
  }

  @Test
  void interruptedFirstStartIsCompleted() throws Exception {
    open(dir).close();
    // A first start that died after writing the key store, before creating the database.
    Files.delete(dir.resolve(SqliteCasStore.DATABASE_FILE));
    Files.deleteIfExists(dir.resolve(SqliteCasStore.DATABASE_FILE + "-wal"));
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    open(dir).close();
  }

  @Test
  void firstStartInterruptedBeforeTheSchemaCommittedIsCompleted() throws Exception {
    open(dir).close();
    // An empty database file of the size SQLite leaves after creating it (no Clave tables).
    Path db = dir.resolve(SqliteCasStore.DATABASE_FILE);
    Files.delete(db);
    Files.deleteIfExists(dir.resolve(SqliteCasStore.DATABASE_FILE + "-wal"));
    try (var c = StoreFixture.raw(dir); var s = c.createStatement()) {
      s.execute("CREATE TABLE unrelated (x)");
    }
    open(dir).close();
  }

  @Test
  void replacedDatabaseIsRollback() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    Files.delete(dir.resolve(SqliteCasStore.DATABASE_FILE));
    Files.deleteIfExists(dir.resolve(SqliteCasStore.DATABASE_FILE + "-wal"));
    try (var c = StoreFixture.raw(dir); var s = c.createStatement()) {
      s.execute("CREATE TABLE unrelated (x)");
    }
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreRollbackException.class)
        .hasMessageContaining("holds no CAS state, but the key store vouches for state version 1");
  }

  @Test
  void keyStoreUpdateFailureBlocksFurtherWritesUntilItSucceeds() throws Exception {
    Path blocker = dir.resolve(SqliteCasStore.KEY_STORE_FILE + ".tmp");
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
      Files.createDirectory(blocker); // the temporary key store file cannot be written
      assertThatThrownBy(() -> store.putBlob("b", bytes("2"))).isInstanceOf(StoreException.class)
          .hasMessageContaining("state version 2 is committed to the database, but the key store");
      assertThat(store.getBlob("b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("2")));
      assertThatThrownBy(() -> store.putBlob("c", bytes("3"))).isInstanceOf(StoreException.class)
          .hasMessageContaining("state version 2 is committed");
      assertThat(store.stateVersion()).isEqualTo(2);
      Files.delete(blocker);
      store.putBlob("c", bytes("3"));
      assertThat(store.stateVersion()).isEqualTo(3);
    }
    try (SqliteCasStore store = open(dir)) {
      assertThat(store.stateVersion()).isEqualTo(3);
    }
  }

  @Test
  void closedWhileTheKeyStoreLagsRollsForwardAtTheNextStart() throws Exception {
    Path blocker = dir.resolve(SqliteCasStore.KEY_STORE_FILE + ".tmp");
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
      Files.createDirectory(blocker);
      assertThatThrownBy(() -> store.putBlob("b", bytes("2"))).isInstanceOf(StoreException.class);
    }
    Files.delete(blocker);
    try (SqliteCasStore store = open(dir)) {
      assertThat(store.stateVersion()).isEqualTo(2);
      assertThat(store.getBlob("b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("2")));
    }
  }

  @Test
  void databaseWithoutKeyStoreIsRefused() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    Files.delete(keyStore());
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("but no key store");
  }

  @Test
  void keyStoreOfAnotherSecretIsRefused() throws Exception {
    Path other = saved.resolve("other");
    open(other).close();
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    // This machine's database and key store, but the other directory's sealing secret.
    copyDatabase(dir, other);
    Files.copy(keyStore(), other.resolve(SqliteCasStore.KEY_STORE_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> open(other)).isInstanceOf(UnsealException.class)
        .hasMessageContaining("cannot unseal the key store")
        .hasMessageContaining("sealed with a different sealing secret");
  }

  @Test
  void wrongPlatformIdentityIsRefused() {
    open(dir).close();
    assertThatThrownBy(() -> SqliteCasStore.open(dir,
        SimulationSealer.open(dir, "platform-B".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(UnsealException.class).hasMessageContaining("different platform identity");
    open(dir).close();
  }

  @Test
  void tamperedKeyStoreVersionFailsItsMac() throws Exception {
    try (SqliteCasStore store = open(dir)) {
      store.putBlob("b", bytes("1"));
    }
    byte[] ks = Files.readAllBytes(keyStore());
    ks[ks.length - 64 - 1] ^= 0x01; // last byte of the version
    Files.write(keyStore(), ks);
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("fails its MAC");
  }

  @Test
  void tamperedSealedKeyFailsToUnseal() throws Exception {
    open(dir).close();
    byte[] ks = Files.readAllBytes(keyStore());
    ks[40] ^= 0x01; // inside the sealed ciphertext
    Files.write(keyStore(), ks);
    assertThatThrownBy(() -> open(dir)).isInstanceOf(UnsealException.class)
        .hasMessageContaining("authentication failed");
  }

  @Test
  void malformedKeyStoreIsRefusedPrecisely() throws Exception {
    open(dir).close();
    Files.write(keyStore(), "not a key store".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("is malformed").hasMessageContaining("not a Clave CAS key store");
    byte[] truncated = new byte[20];
    System.arraycopy("CLAVE-KS".getBytes(StandardCharsets.US_ASCII), 0, truncated, 0, 8);
    truncated[8] = 1;
    truncated[12] = 100;
    Files.write(keyStore(), truncated);
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("truncated at offset 13: the sealed data key needs 100 bytes, 7 remain");
  }

  @Test
  void keyStoreReadableByOthersIsRefused() throws Exception {
    open(dir).close();
    Files.setPosixFilePermissions(keyStore(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> open(dir)).isInstanceOf(StoreException.class)
        .hasMessageContaining("has permissions rw-r--r--");
  }
}
