package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static dev.clave.cas.store.StoreFixture.openReplica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on the PostgreSQL store (one replica, a real server), and what is particular to it. */
class PostgresCasStoreTest extends CasStoreContract {
  @TempDir Path root;
  PostgresDatabase db;

  @BeforeEach
  void database() {
    db = PostgresCluster.shared().newDatabase();
  }

  @Override
  CasStore open() {
    return openReplica(db, root, "a");
  }

  @Test
  void rowsAreEncryptedAndSessionHashesNotStoredInClear() throws Exception {
    String hash = StoreFixture.hash("v1");
    try (CasStore store = open()) {
      store.createSession("app", hash, bytes("TOPSECRET content"), bytes("TOPSECRET secrets"));
    }
    try (Connection c = PostgresCluster.raw(db); Statement s = c.createStatement()) {
      for (String table : new String[] {"sessions", "session_versions", "secrets"}) {
        try (ResultSet rs = s.executeQuery("SELECT encode(ct, 'escape') FROM " + table)) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).doesNotContain("TOPSECRET").doesNotContain(hash);
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT encode(tag, 'hex') FROM session_versions")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isNotEqualTo(hash);
      }
    }
  }

  @Test
  void replicaFilesAreOwnerOnlyAndOneProcessPerStateDirectory() throws Exception {
    try (CasStore store = open()) {
      assertThatThrownBy(this::open).isInstanceOf(StoreException.class).hasMessageContaining("is already open");
      store.putBlob("b", bytes("v"));
    }
    for (Path f : new Path[] {root.resolve("a").resolve(PostgresCasStore.KEY_STORE_FILE),
        root.resolve("key").resolve(SealedKeyFile.FILE), root.resolve("a").resolve(SimulationSealer.SECRET_FILE)}) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
          .isEqualTo("rw-------");
    }
  }

  @Test
  void passwordAppearsInNoStringOrMessage() {
    PostgresDatabase wrong = new PostgresDatabase(db.url(), db.user(), "not-the-password-4711");
    assertThat(wrong.toString()).doesNotContain("not-the-password-4711").contains("password set");
    assertThatThrownBy(() -> PostgresCasStore.open(wrong, root.resolve("x"),
        SimulationSealer.open(root.resolve("x"), StoreFixture.PLATFORM),
        DataKeySource.sealedKeyFile(root.resolve("key"), SimulationSealer.open(root.resolve("key"),
            StoreFixture.PLATFORM))))
        .isInstanceOf(StoreException.class).hasMessageContaining("cannot open the database")
        .hasMessageNotContaining("not-the-password-4711");
    try (CasStore store = open()) {
      assertThat(store.toString()).doesNotContain(db.password()).contains(db.displayUrl());
    }
    assertThat(new PostgresDatabase(db.url() + "?password=inline", null, null).toString()).doesNotContain("inline");
  }

  @Test
  void databaseOfAnotherStoreIsRefused() {
    open().close();
    Path other = root.resolve("other");
    assertThatThrownBy(() -> PostgresCasStore.open(db, other.resolve("r"),
        SimulationSealer.open(other.resolve("r"), StoreFixture.PLATFORM),
        DataKeySource.sealedKeyFile(other.resolve("key"), SimulationSealer.open(other.resolve("key"),
            StoreFixture.PLATFORM))))
        .isInstanceOf(StoreIntegrityException.class).hasMessageContaining("their store ids differ");
  }
}
