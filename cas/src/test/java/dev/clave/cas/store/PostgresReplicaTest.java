package dev.clave.cas.store;

import static dev.clave.cas.store.StoreFixture.bytes;
import static dev.clave.cas.store.StoreFixture.hash;
import static dev.clave.cas.store.StoreFixture.openReplica;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.protect.KeyHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Several replicas on one PostgreSQL database: shared state, compare-and-set across replicas, rollback witnessed
 * by the replicas, forks, and tampering seen through the database.
 */
class PostgresReplicaTest {
  private static final String[] TABLES = {"head", "head_log", "blobs", "sessions", "session_versions", "secrets"};

  @TempDir Path root;
  PostgresDatabase db;

  @BeforeEach
  void database() {
    db = PostgresCluster.shared().newDatabase();
  }

  private PostgresCasStore replica(String name) {
    return openReplica(db, root, name);
  }

  @Test
  void aWriteThroughOneReplicaIsReadThroughTheOther() {
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      a.provision(new ProvisioningState.Provisioned(KeyHash.ofDigest(new byte[32]), bytes("cert"), bytes("cfg")));
      a.createSession("ns/app", hash("v1"), bytes("content 1"), bytes("secrets 1"));
      assertThat(b.currentSession("ns/app")).contains(new StoredSession(hash("v1"), bytes("content 1")));
      assertThat(b.secrets("ns/app")).hasValueSatisfying(s -> assertThat(s).isEqualTo(bytes("secrets 1")));
      assertThat(b.provisioningState()).hasValueSatisfying(
          s -> assertThat(s).isInstanceOf(ProvisioningState.Provisioned.class));
      assertThatThrownBy(() -> b.provision(new ProvisioningState.Provisioned(KeyHash.ofDigest(new byte[32]),
          bytes("cert"), bytes("other")))).isInstanceOf(AlreadyProvisionedException.class);

      b.updateSession("ns/app", hash("v1"), hash("v2"), bytes("content 2"));
      b.createSession("ns/db", hash("d1"), bytes("db"));
      assertThat(a.currentSession("ns/app")).contains(new StoredSession(hash("v2"), bytes("content 2")));
      assertThat(a.sessionVersion("ns/app", hash("v1"))).isPresent();
      assertThat(a.listSessions("ns/")).containsExactly("ns/app", "ns/db");
      assertThat(a.stateVersion()).isEqualTo(4).isEqualTo(b.stateVersion());

      a.deleteSession("ns/app");
      assertThat(b.currentSession("ns/app")).isEmpty();
      assertThat(b.sessionVersion("ns/app", hash("v1"))).isEmpty();
      assertThat(b.secrets("ns/app")).isEmpty();
      assertThat(b.listSessions("")).containsExactly("ns/db");
      // A compare-and-set through one replica that names a hash the other replaced is refused.
      a.createSession("s", hash("s1"), bytes("s1"));
      b.updateSession("s", hash("s1"), hash("s2"), bytes("s2"));
      assertThatThrownBy(() -> a.updateSession("s", hash("s1"), hash("s3"), bytes("s3")))
          .isInstanceOfSatisfying(StaleSessionException.class, e -> assertThat(e.currentHash()).isEqualTo(hash("s2")));
    }
  }

  /** A fresh database and key directory: of replicas starting at once, one creates key and schema, all use them. */
  @Test
  void replicasStartingAtOnceShareOneKeyAndOneSchema() throws Exception {
    int n = 4;
    List<PostgresCasStore> stores = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<PostgresCasStore>> opening = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String name = "r" + i;
        opening.add(pool.submit(() -> {
          start.await();
          return replica(name);
        }));
      }
      start.countDown();
      for (Future<PostgresCasStore> f : opening) {
        stores.add(f.get());
      }
      stores.get(0).createSession("app", hash("v1"), bytes("v1"), bytes("s"));
      for (PostgresCasStore s : stores) {
        assertThat(s.secrets("app")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("s")));
      }
    } finally {
      stores.forEach(PostgresCasStore::close);
    }
  }

  /** Each round: four threads in each of two replicas update the same predecessor; exactly one wins. */
  @Test
  void racingUpdatesThroughTwoReplicasHaveExactlyOneWinner() throws Exception {
    int threadsPerReplica = 4;
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b");
        ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerReplica)) {
      a.createSession("app", hash("round-0"), bytes("round-0"));
      String current = hash("round-0");
      for (int round = 1; round <= 10; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        String base = current;
        for (int i = 0; i < 2 * threadsPerReplica; i++) {
          PostgresCasStore via = i % 2 == 0 ? a : b;
          String mine = hash("round-" + round + "-candidate-" + i);
          results.add(pool.submit(() -> {
            start.await();
            try {
              via.updateSession("app", base, mine, bytes(mine));
              return "won " + mine;
            } catch (StaleSessionException e) {
              return "lost to " + e.currentHash();
            }
          }));
        }
        start.countDown();
        List<String> outcomes = new ArrayList<>();
        for (Future<String> f : results) {
          outcomes.add(f.get());
        }
        List<String> winners = outcomes.stream().filter(o -> o.startsWith("won ")).toList();
        assertThat(winners).as("round " + round + ": " + outcomes).hasSize(1);
        String winner = winners.get(0).substring(4);
        assertThat(outcomes).filteredOn(o -> o.startsWith("lost to "))
            .allSatisfy(o -> assertThat(o).isEqualTo("lost to " + winner));
        assertThat(a.currentSession("app").orElseThrow().hash()).isEqualTo(winner);
        assertThat(b.currentSession("app").orElseThrow().content()).isEqualTo(bytes(winner));
        current = winner;
      }
      assertThat(a.stateVersion()).isEqualTo(11);
    }
  }

  @Test
  void creatingOneSessionThroughTwoReplicasAtOnceHasExactlyOneWinner() throws Exception {
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b");
        ExecutorService pool = Executors.newFixedThreadPool(8)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        PostgresCasStore via = i % 2 == 0 ? a : b;
        int n = i;
        results.add(pool.submit(() -> {
          start.await();
          try {
            via.createSession("app", hash("c" + n), bytes("c" + n));
            return true;
          } catch (SessionExistsException e) {
            return false;
          }
        }));
      }
      start.countDown();
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      assertThat(wins).isEqualTo(1);
      assertThat(a.stateVersion()).isEqualTo(1);
    }
  }

  @Test
  void replicaRefusesADatabaseRolledBackBelowWhatItWitnessed() throws Exception {
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      a.createSession("app", hash("v1"), bytes("v1"));
      assertThat(b.currentSession("app")).isPresent(); // b witnesses version 1
    }
    save();
    try (PostgresCasStore a = replica("a")) {
      a.updateSession("app", hash("v1"), hash("v2"), bytes("v2"));
      a.putBlob("later", bytes("x"));
    }
    restore(); // the database at version 1: a witnessed 3, b only 1
    assertThatThrownBy(() -> replica("a")).isInstanceOfSatisfying(StoreRollbackException.class, e -> {
      assertThat(e.databaseVersion()).isEqualTo(1);
      assertThat(e.keyStoreVersion()).isEqualTo(3);
      assertThat(e).hasMessageContaining("is at state version 1, but this replica witnessed version 3");
    });
    // Not detected by a replica that never saw the lost writes: b opens (this is the documented limit).
    try (PostgresCasStore b = replica("b")) {
      assertThat(b.currentSession("app").orElseThrow().hash()).isEqualTo(hash("v1"));
    }
  }

  @Test
  void rollbackWhileReplicasRunIsDetectedAtTheNextOperation() throws Exception {
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      a.putBlob("b", bytes("1"));
      save();
      a.putBlob("b", bytes("2"));
      assertThat(b.getBlob("b")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("2")));
      restore();
      assertThatThrownBy(() -> b.getBlob("b")).isInstanceOf(StoreRollbackException.class)
          .hasMessageContaining("is at state version 1, but this replica has seen version 2");
      assertThatThrownBy(() -> a.putBlob("c", bytes("3"))).isInstanceOf(StoreRollbackException.class);
      // Fail closed: nothing more is served.
      assertThatThrownBy(() -> b.listSessions("")).isInstanceOf(StoreRollbackException.class)
          .hasMessageContaining("stopped serving after detecting a rollback");
    }
  }

  @Test
  void replicaThatWasDownCatchesUpAlongTheMacChain() {
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      a.createSession("app", hash("v1"), bytes("v1"));
      assertThat(b.stateVersion()).isEqualTo(1);
    }
    try (PostgresCasStore a = replica("a")) {
      for (int i = 2; i <= 6; i++) {
        a.updateSession("app", hash("v" + (i - 1)), hash("v" + i), bytes("v" + i));
      }
    }
    try (PostgresCasStore b = replica("b")) {
      assertThat(b.stateVersion()).isEqualTo(6);
      assertThat(b.currentSession("app").orElseThrow().hash()).isEqualTo(hash("v6"));
    }
  }

  @Test
  void forkAfterARollbackIsRefusedByReplicasThatWitnessedTheOriginalHistory() throws Exception {
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      a.putBlob("b", bytes("common"));
      save();
      a.putBlob("b", bytes("A2"));
      assertThat(b.stateVersion()).isEqualTo(2); // b witnesses A2 at version 2
      a.putBlob("b", bytes("A3"));
    }
    restore();
    // A new replica (witnessed nothing) writes another history on the restored copy, past version 3.
    try (PostgresCasStore c = replica("c")) {
      for (int i = 2; i <= 5; i++) {
        c.putBlob("b", bytes("C" + i));
      }
    }
    assertThatThrownBy(() -> replica("a")).isInstanceOf(StoreRollbackException.class).hasMessageContaining("fork");
    assertThatThrownBy(() -> replica("b")).isInstanceOf(StoreRollbackException.class).hasMessageContaining("fork");
  }

  @ParameterizedTest(name = "{0}.{1}")
  @CsvSource({
      "blobs, ct, does not match its head", "sessions, ct, does not match its head",
      "session_versions, tag, does not match its head", "session_versions, ct, does not match its head",
      "secrets, ct, does not match its head", "head, store_id, their store ids differ",
      "head, digest, the head fails its MAC", "head, mac, the head fails its MAC",
      "head_log, mac, fails its MAC or does not chain"})
  void flippedByteIsDetectedAtOpen(String table, String column, String reason) throws Exception {
    populate();
    sql("UPDATE " + table + " SET " + column + " = set_byte(" + column + ", length(" + column + ") / 2, get_byte("
        + column + ", length(" + column + ") / 2) # 1) WHERE " + firstRow(table));
    // A fresh replica (witnessed nothing) checks the whole log; replica a checks rows and head.
    assertThatThrownBy(() -> replica(table.equals("head_log") ? "fresh" : "a"))
        .isInstanceOf(StoreIntegrityException.class).hasMessageContaining(reason);
  }

  @Test
  void changedHeadVersionIsDetectedAtOpen() throws Exception {
    populate();
    sql("UPDATE head SET version = version + 1");
    assertThatThrownBy(() -> replica("a")).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("the head fails its MAC");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"sessions", "session_versions", "secrets", "blobs"})
  void flippedCiphertextIsDetectedAtReadThroughAnyReplica(String table) throws Exception {
    populate();
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      sql("UPDATE " + table + " SET ct = set_byte(ct, length(ct) / 2, get_byte(ct, length(ct) / 2) # 1) WHERE "
          + firstRow(table));
      for (PostgresCasStore s : List.of(a, b)) {
        assertThatThrownBy(() -> readEverything(s)).isInstanceOf(StoreIntegrityException.class)
            .hasMessageContaining("was changed in the database");
        assertThatThrownBy(() -> s.putBlob("x", bytes("y"))).isInstanceOf(StoreIntegrityException.class)
            .hasMessageContaining("stopped serving after an integrity failure");
      }
    }
  }

  @Test
  void deletedAndAddedRowsAreDetectedWhileOpen() throws Exception {
    populate();
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      sql("INSERT INTO sessions (name, ct) SELECT 'gamma', ct FROM sessions WHERE name = 'beta'");
      assertThat(a.currentSession("gamma")).isEmpty();
      assertThat(a.listSessions("")).containsExactly("alpha", "beta");
      assertThatThrownBy(() -> a.createSession("gamma", hash("g"), bytes("g")))
          .isInstanceOf(StoreIntegrityException.class).hasMessageContaining("has a row in the database that the"
              + " head does not contain");
      sql("DELETE FROM session_versions WHERE name = 'beta'");
      assertThatThrownBy(() -> b.currentSession("beta")).isInstanceOf(StoreIntegrityException.class)
          .hasMessageContaining("a version of session 'beta' is missing from the database");
    }
  }

  /** The changed-row lists carry no MAC of their own: a falsified one leaves the catching-up digest wrong. */
  @Test
  void falsifiedChangeListIsDetectedWhenCatchingUp() throws Exception {
    populate();
    try (PostgresCasStore a = replica("a"); PostgresCasStore b = replica("b")) {
      assertThat(b.stateVersion()).isEqualTo(6);
      a.putBlob("blob-one", bytes("changed by a"));
      sql("UPDATE head_log SET changes = '\\x00000000'::bytea WHERE version = 7");
      assertThatThrownBy(() -> b.getBlob("blob-two")).isInstanceOf(StoreIntegrityException.class)
          .hasMessageContaining("does not match its head at state version 7");
    }
  }

  @Test
  void missingHeadLogEntryIsDetected() throws Exception {
    populate();
    sql("DELETE FROM head_log WHERE version = 3");
    try (PostgresCasStore a = replica("a")) {
      assertThat(a.stateVersion()).isEqualTo(6); // a witnessed 6: it needs no older entry
    }
    assertThatThrownBy(() -> replica("fresh")).isInstanceOf(StoreIntegrityException.class)
        .hasMessageContaining("the head log lacks state version 3");
  }

  @Test
  void replacedDatabaseIsRollback() throws Exception {
    populate();
    sql("DROP TABLE head, head_log, blobs, sessions, session_versions, secrets");
    assertThatThrownBy(() -> replica("a")).isInstanceOf(StoreRollbackException.class)
        .hasMessageContaining("holds no CAS state, but this replica witnessed state version 6");
  }

  @Test
  void replicaKeyStoreIsRequiredToUnsealWithItsOwnSealer() throws Exception {
    populate();
    Path b = root.resolve("b");
    replica("b").close();
    Files.delete(b.resolve(SimulationSealer.SECRET_FILE));
    SimulationSealer.open(b, StoreFixture.PLATFORM); // a new secret: the key store no longer unseals
    assertThatThrownBy(() -> replica("b")).isInstanceOf(UnsealException.class)
        .hasMessageContaining("cannot unseal the key store");
  }

  // ---------------------------------------------------------------- helpers

  private void populate() {
    try (PostgresCasStore store = replica("a")) {
      store.provision(new ProvisioningState.Provisioned(KeyHash.ofDigest(new byte[32]), bytes("cert"), bytes("cfg")));
      store.putBlob("blob-one", bytes("first blob"));
      store.putBlob("blob-two", bytes("second blob"));
      store.createSession("alpha", hash("a1"), bytes("alpha v1"), bytes("alpha secrets"));
      store.updateSession("alpha", hash("a1"), hash("a2"), bytes("alpha v2"));
      store.createSession("beta", hash("b1"), bytes("beta v1"), bytes("beta secrets"));
    }
  }

  private static void readEverything(CasStore store) {
    store.provisioningState();
    store.getBlob("blob-one");
    store.getBlob("blob-two");
    for (String name : new String[] {"alpha", "beta"}) {
      store.currentSession(name);
      store.secrets(name);
    }
    store.sessionVersion("alpha", hash("a1"));
  }

  private static String firstRow(String table) {
    return switch (table) {
      case "head" -> "id = 1";
      case "head_log" -> "version = 1";
      case "blobs" -> "name = 'blob-one'";
      default -> "name = 'alpha'";
    };
  }

  /** A copy of every table: what a database backup holds. */
  private void save() throws Exception {
    for (String t : TABLES) {
      sql("DROP TABLE IF EXISTS saved_" + t);
      sql("CREATE TABLE saved_" + t + " AS TABLE " + t);
    }
  }

  /** Restores the copy made by {@link #save}: the database rolled back to that backup. */
  private void restore() throws Exception {
    try (Connection c = PostgresCluster.raw(db)) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String t : TABLES) {
          s.execute("DELETE FROM " + t);
          s.execute("INSERT INTO " + t + " SELECT * FROM saved_" + t);
        }
      }
      c.commit();
    }
  }

  private void sql(String statement) throws Exception {
    try (Connection c = PostgresCluster.raw(db); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
