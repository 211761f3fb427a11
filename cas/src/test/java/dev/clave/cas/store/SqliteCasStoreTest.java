package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the embedded store, and what is particular to it (files, their modes, the directory lock). */
class SqliteCasStoreTest extends CasStoreContract {
  @TempDir Path dir;

  @Override
  CasStore open() {
    return StoreFixture.open(dir);
  }

  @Test
  void secretFilesAreOwnerOnly() throws Exception {
    try (SqliteCasStore store = StoreFixture.open(dir)) {
      store.putBlob("b", bytes("v"));
    }
    for (String f : List.of(SqliteCasStore.KEY_STORE_FILE, SqliteCasStore.DATABASE_FILE,
        SimulationSealer.SECRET_FILE)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f)
          .isEqualTo("rw-------");
    }
    Path fresh = dir.resolve("sub/state");
    StoreFixture.open(fresh).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
  }

  @Test
  void oneOpenStorePerDirectory() {
    try (SqliteCasStore store = StoreFixture.open(dir)) {
      assertThatThrownBy(() -> StoreFixture.open(dir)).isInstanceOf(StoreException.class).hasMessageContaining("is already open");
      store.putBlob("still", bytes("works"));
    }
    StoreFixture.open(dir).close();
  }

  @Test
  void closeCheckpointsTheWal() throws Exception {
    Path wal = dir.resolve(SqliteCasStore.DATABASE_FILE + "-wal");
    try (SqliteCasStore store = StoreFixture.open(dir)) {
      store.putBlob("b", new byte[10_000]);
      assertThat(Files.size(wal)).as("writes go to the WAL").isPositive();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(wal))).isEqualTo("rw-------");
    }
    assertThat(Files.exists(wal) ? Files.size(wal) : 0).isZero();
  }
}
