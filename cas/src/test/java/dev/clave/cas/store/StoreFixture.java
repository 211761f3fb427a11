package dev.clave.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HexFormat;

/** Helpers for the store tests: opening stores, hashes, raw database access and file copies. */
final class StoreFixture {
  static final byte[] PLATFORM = "platform-A".getBytes(StandardCharsets.UTF_8);

  private StoreFixture() {}

  static SqliteCasStore open(Path dir) {
    return SqliteCasStore.open(dir, SimulationSealer.open(dir, PLATFORM));
  }

  /**
   * Opens replica {@code replica} of the PostgreSQL store in {@code db}: its state in {@code root/replica}, the
   * shared sealed data key in {@code root/key} (all replicas of one test share it).
   */
  static PostgresCasStore openReplica(PostgresDatabase db, Path root, String replica) {
    Path state = root.resolve(replica);
    Path keyDir = root.resolve("key");
    return PostgresCasStore.open(db, state, SimulationSealer.open(state, PLATFORM),
        DataKeySource.sealedKeyFile(keyDir, SimulationSealer.open(keyDir, PLATFORM)));
  }

  /** A session hash derived from a seed (64 lowercase hex). */
  static String hash(String seed) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A second, raw connection to the store's database: what an attacker with file access can do. */
  static Connection raw(Path dir) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteCasStore.DATABASE_FILE));
    try (var s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 10000");
    }
    return c;
  }

  /** Copies the database files (db, wal if any) and nothing else. */
  static void copyDatabase(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    for (String suffix : new String[] {"", "-wal"}) {
      Path src = from.resolve(SqliteCasStore.DATABASE_FILE + suffix);
      Path dst = to.resolve(SqliteCasStore.DATABASE_FILE + suffix);
      if (Files.exists(src)) {
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.deleteIfExists(dst);
      }
    }
    Files.deleteIfExists(to.resolve(SqliteCasStore.DATABASE_FILE + "-shm"));
  }

  /** Copies a whole state directory (database, key store, sealing secret), without the lock file. */
  static void copyStateDir(Path from, Path to) throws IOException {
    copyDatabase(from, to);
    for (String name : new String[] {SqliteCasStore.KEY_STORE_FILE, SimulationSealer.SECRET_FILE}) {
      Files.copy(from.resolve(name), to.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
