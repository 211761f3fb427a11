package dev.clave.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded {@link CasStore}: one SQLite database in WAL mode plus a sealed key store file, in the CAS state
 * directory. See the {@linkplain dev.clave.cas.store package documentation} for the formats and the reasoning;
 * in short:
 *
 * <ul>
 *   <li><b>Files</b>: {@value #DATABASE_FILE} (+ {@code -wal}, {@code -shm}), {@value #KEY_STORE_FILE}, {@value
 *       #LOCK_FILE}, and the sealer's own files; all 0600, the directory 0700.
 *   <li><b>Confidentiality</b>: every value is AES-256-GCM under a random data key with the row's identity as
 *       associated data; session hashes are stored only as keyed tags. The data key is sealed by the {@link
 *       Sealer} in the key store.
 *   <li><b>Integrity and rollback</b>: the head (state version, a multiset digest of all rows, chained MAC) is in
 *       the database; the key store holds the version and head MAC of the last write. {@link #open} checks
 *       every row against the head (O(rows)) and the head against the key store; each write updates the
 *       digest in O(1). While open, the store keeps every row's digest term in memory and checks each row it
 *       reads against it, so rows changed, deleted or added behind its back are detected at read, not only
 *       at the next start.
 *   <li><b>Durability</b>: {@code synchronous=FULL}: each commit is on disk before the key store records it
 *       (with {@code NORMAL}, a power loss could drop a commit the key store already vouches for, losing an
 *       acknowledged write and tripping the rollback check). {@link #close} checkpoints the WAL into the
 *       database file.
 *   <li><b>Concurrency</b>: writes are serialized on one connection; reads use a small pool of read-only
 *       connections and run concurrently with each other and with writes (WAL). One process per state
 *       directory ({@value #LOCK_FILE} is locked while open).
 * </ul>
 */
public final class SqliteCasStore extends AbstractCasStore {
  /** The database file in the state directory. */
  public static final String DATABASE_FILE = "cas.db";

  /** The key store file in the state directory. */
  public static final String KEY_STORE_FILE = "cas.key-store";

  /** The lock file in the state directory, locked while a store is open. */
  public static final String LOCK_FILE = "cas.lock";

  /** SQLite {@code application_id} of a Clave CAS database: "ClAS". */
  static final int APPLICATION_ID = 0x436c4153;

  private static final Logger LOG = LoggerFactory.getLogger(SqliteCasStore.class);
  private static final int READERS = 4;
  /**
   * Backup registrations (issue #7): a plain table outside the head's digest, since a backup reads it before it
   * knows the data key; each record is confidential and bound to its identity by {@link BackupKeyWrap}.
   */
  static final String BACKUP_TABLE = "backup_registrations";
  private static final java.util.HexFormat HEX = java.util.HexFormat.of();
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), format INTEGER NOT NULL, store_id BLOB NOT NULL,"
          + " version INTEGER NOT NULL, digest BLOB NOT NULL, prev_mac BLOB NOT NULL, mac BLOB NOT NULL) STRICT",
      "CREATE TABLE blobs (name TEXT NOT NULL PRIMARY KEY, ct BLOB NOT NULL) STRICT",
      "CREATE TABLE sessions (name TEXT NOT NULL PRIMARY KEY, ct BLOB NOT NULL) STRICT",
      "CREATE TABLE session_versions (name TEXT NOT NULL, tag BLOB NOT NULL, ct BLOB NOT NULL,"
          + " PRIMARY KEY (name, tag)) STRICT",
      "CREATE TABLE secrets (name TEXT NOT NULL PRIMARY KEY, ct BLOB NOT NULL) STRICT",
      "PRAGMA application_id = " + APPLICATION_ID,
      "PRAGMA user_version = " + FORMAT);

  private final Path dir;
  private final Path keyStorePath;
  private final DirectoryLock lock;
  private final byte[] sealedDataKey;
  /** Unseals {@link #sealedDataKey} again when a backup is registered (the data key is not kept in memory). */
  private final Sealer sealer;
  private final Connection writer;
  private final BlockingQueue<Connection> readers;
  /** Every row's digest term: the authority reads are checked against (written only under {@link #writeLock}). */
  private final ConcurrentSkipListMap<RowKey, byte[]> index;
  /** Serializes writes; readers take it to re-check a row that changed under them. */
  private final ReentrantLock writeLock = new ReentrantLock();

  private volatile Head head;
  private long keyStoreVersion; // guarded by writeLock

  private SqliteCasStore(Opening o) {
    super(o.keys, LOG);
    this.dir = o.dir;
    this.keyStorePath = o.keyStorePath;
    this.lock = o.lock;
    this.sealedDataKey = o.sealed;
    this.sealer = o.sealer;
    this.writer = o.writer;
    this.readers = o.readers;
    this.index = o.index;
    this.head = o.head;
    this.keyStoreVersion = o.head.version();
  }

  /**
   * Opens the store in {@code stateDir}, creating it (directory, key store, database) on first use, and
   * checks all of it: every row against the database head, the head against the key store.
   *
   * @throws UnsealException if the key store cannot be unsealed by {@code sealer} (another platform, secret or
   *     identity)
   * @throws StoreIntegrityException if any stored byte was changed, a row deleted, added or swapped, or the
   *     database and key store do not belong together
   * @throws StoreRollbackException if the database is older than the key store (restored from an old copy or a
   *     fork) or the key store is older than the database
   * @throws StoreException if the files cannot be read or written, or another process has the store open
   */
  public static SqliteCasStore open(Path stateDir, Sealer sealer) {
    return open(stateDir, sealer, null);
  }

  /**
   * As {@link #open(Path, Sealer)}, for a CAS that may be a registered backup (issue #7): when the state directory
   * holds a database (a copy of a primary's {@value #DATABASE_FILE}) and no key store, the store's key material is taken from the database's backup
   * registration for {@code backup}'s key hash, unwrapped with its private key, and sealed into a new key store.
   * Rollback witnessing then starts from the state found: the new key store vouches for the copy's head as it is
   * (the backup cannot know a newer state of the primary), and from then on refuses anything older.
   *
   * <p>Without a registration for this CAS the copy is refused (a {@link StoreIntegrityException} naming the
   * store, this CAS's key hash and platform, and {@code clave cas register-backup}). An existing key store is never
   * replaced this way: a CAS with state of its own does not become someone's backup (an operator turning a fresh,
   * unprovisioned CAS into a backup removes its {@value #DATABASE_FILE} and {@value #KEY_STORE_FILE} first).
   *
   * @param backup this CAS's key, or null for a CAS that opens only its own store
   */
  public static SqliteCasStore open(Path stateDir, Sealer sealer, BackupIdentity backup) {
    Opening o = new Opening(stateDir.toAbsolutePath());
    try {
      o.run(sealer, backup);
      SqliteCasStore store = new SqliteCasStore(o);
      LOG.info("CAS store {} opened at state version {} ({} rows checked)", o.dir, o.head.version(), o.index.size());
      return store;
    } catch (RuntimeException e) {
      o.release();
      if (e instanceof StoreIntegrityException || e instanceof StoreRollbackException) {
        LOG.error("CAS store {} refused to open: {}", o.dir, e.getMessage());
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- opening

  /** The steps of {@link #open}, keeping what they acquired so a failure releases it. */
  private static final class Opening {
    final Path dir;
    final Path dbPath;
    final Path keyStorePath;
    DirectoryLock lock;
    StoreKeys keys;
    byte[] sealed;
    long keyStoreVersion;
    byte[] keyStoreHeadMac;
    Connection writer;
    final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    final ConcurrentSkipListMap<RowKey, byte[]> index = new ConcurrentSkipListMap<>();
    Head head;
    Sealer sealer;

    Opening(Path dir) {
      this.dir = dir;
      this.dbPath = dir.resolve(DATABASE_FILE);
      this.keyStorePath = dir.resolve(KEY_STORE_FILE);
    }

    void run(Sealer sealer, BackupIdentity backup) {
      this.sealer = sealer;
      try {
        SecureFiles.createPrivateDirectory(dir);
        lock = DirectoryLock.acquire(dir, LOCK_FILE, "the CAS store");
        boolean databasePresent = present(dbPath) || present(dir.resolve(DATABASE_FILE + "-wal"));
        if (Files.exists(keyStorePath)) {
          readKeyStore(sealer);
        } else if (databasePresent && backup != null && databaseStoreId() != null) {
          adoptRegisteredStore(sealer, backup, databaseStoreId());
        } else if (databasePresent) {
          throw new StoreIntegrityException("found the database " + dbPath + " but no key store " + keyStorePath
              + ": without its key store the database can be neither decrypted nor verified. Restore the key"
              + " store; only if this database was never used, remove it to start an empty store");
        } else {
          createKeyStore(sealer);
        }
        if (!databasePresent && keyStoreVersion != 0) {
          throw new StoreRollbackException("the database " + dbPath + " is missing, but the key store vouches for"
              + " state version " + keyStoreVersion + ": the database was deleted; restore it", -1, keyStoreVersion);
        }
        SecureFiles.createPrivateFile(dbPath);
        writer = connect(false);
        if (!hasTable(writer, "head")) {
          // No Clave tables: a new store, or a first start interrupted before its schema committed.
          if (keyStoreVersion != 0) {
            throw new StoreRollbackException("the database " + dbPath + " holds no CAS state, but the key store"
                + " vouches for state version " + keyStoreVersion + ": the database was replaced; restore it", -1,
                keyStoreVersion);
          }
          createSchema();
        }
        verifyDatabase();
        for (int i = 0; i < READERS; i++) {
          readers.add(connect(true));
        }
      } catch (IOException e) {
        throw new StoreException("cannot open the CAS store in " + dir + ": " + e, e);
      } catch (SQLException e) {
        throw new StoreException("cannot open the CAS database " + dbPath + ": " + e.getMessage(), e);
      }
    }

    /** The store id in the database's head row, or null if it has none (not read with any key: not trusted). */
    private byte[] databaseStoreId() throws SQLException {
      try (Connection c = connect(true)) {
        if (!hasTable(c, "head")) {
          return null;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT store_id FROM head")) {
          Object v = rs.next() ? rs.getObject(1) : null;
          return v instanceof byte[] b && b.length == StoreKeys.STORE_ID_LENGTH ? b : null;
        }
      }
    }

    /**
     * Takes the key material of the copied store {@code storeId} from its registration for {@code backup}, and
     * writes this CAS's key store for it at the head found (checked with that key, like every row afterwards).
     */
    private void adoptRegisteredStore(Sealer sealer, BackupIdentity backup, byte[] storeId)
        throws SQLException, IOException {
      String store = "store " + HEX.formatHex(storeId);
      String fix = ". Register this CAS on the primary (as the owner: clave cas register-backup THIS_CAS_ADDR --cas"
          + " PRIMARY), copy its database again, and restart this CAS";
      BackupKeyWrap.Wrapped w = null;
      try (Connection c = connect(true)) {
        if (hasTable(c, BACKUP_TABLE)) {
          w = BackupKeyWrap.find(c, backup.keyHash());
        }
      }
      if (w == null) {
        throw new StoreIntegrityException("the database " + dbPath + " is a copy of " + store + ", which has no"
            + " backup registration for this CAS (key hash " + backup.keyHash() + ", platform " + backup.platform()
            + "): this CAS cannot open it" + fix);
      }
      DataKeySource.KeyMaterial km = BackupKeyWrap.open(w, backup, storeId, "the database " + dbPath, fix);
      byte[] payload = KeyStoreFile.payload(km.dataKey(), km.storeId());
      byte[] sealedNew;
      try {
        keys = new StoreKeys(km.dataKey(), km.storeId());
        sealedNew = sealer.seal(payload, KeyStoreFile.SEAL_AAD);
      } finally {
        Arrays.fill(payload, (byte) 0);
        km.wipe();
      }
      Head found;
      try (Connection c = connect(true); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT format, store_id, version, digest, prev_mac, mac FROM head")) {
        if (!rs.next()) {
          throw new StoreIntegrityException("the database " + dbPath + " has no head row");
        }
        found = checkedHead(keys, rs, "the database " + dbPath, keyStorePath.toString());
      }
      SecureFiles.writeAtomically(keyStorePath, KeyStoreFile.encode(keys, sealedNew, found.version(), found.mac()));
      sealed = sealedNew;
      keyStoreVersion = found.version();
      keyStoreHeadMac = found.mac();
      LOG.warn("CAS store {}: opened a copy of {} as its registered backup (key hash {}); rollback witnessing starts"
          + " at the copy's state version {}", dir, store, backup.keyHash(), found.version());
    }

    private static boolean present(Path p) throws IOException {
      return Files.exists(p) && Files.size(p) > 0;
    }

    private void createKeyStore(Sealer sealer) throws IOException {
      byte[] dataKey = Crypto.random(Crypto.KEY_LENGTH);
      // The key store first: a crash before the database exists leaves a key store at version 0, and the next
      // start creates the (empty) database it describes.
      SealedKeyStore.Loaded created;
      try {
        created = SealedKeyStore.create(keyStorePath, sealer, dataKey, Crypto.random(StoreKeys.STORE_ID_LENGTH));
      } finally {
        Arrays.fill(dataKey, (byte) 0);
      }
      keys = created.keys();
      sealed = created.sealed();
      keyStoreVersion = created.version();
      keyStoreHeadMac = created.headMac();
      LOG.info("created a new CAS store in {}", dir);
    }

    private void readKeyStore(Sealer sealer) throws IOException {
      SealedKeyStore.Loaded loaded = SealedKeyStore.read(keyStorePath, sealer);
      keys = loaded.keys();
      sealed = loaded.sealed();
      keyStoreVersion = loaded.version();
      keyStoreHeadMac = loaded.headMac();
    }

    private Connection connect(boolean readOnly) throws SQLException {
      SQLiteConfig config = new SQLiteConfig();
      config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
      config.setReadOnly(readOnly);
      if (!readOnly) {
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      }
      Connection c = config.createConnection("jdbc:sqlite:" + dbPath);
      if (!readOnly) {
        String mode = pragma(c, "journal_mode");
        if (!"wal".equalsIgnoreCase(mode)) {
          c.close();
          throw new StoreException("the database " + dbPath + " could not be switched to WAL mode (it is in "
              + mode + " mode)");
        }
      }
      return c;
    }

    private void createSchema() throws SQLException {
      Head initial = Head.initial(keys, FORMAT);
      try (Statement s = writer.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        try {
          for (String sql : SCHEMA) {
            s.execute(sql);
          }
          insertHead(writer, keys, initial);
          s.execute("COMMIT");
        } catch (SQLException | RuntimeException e) {
          s.execute("ROLLBACK");
          throw e;
        }
      }
    }

    private void verifyDatabase() throws SQLException, IOException {
      String db = "the database " + dbPath;
      if (intPragma(writer, "application_id") != APPLICATION_ID) {
        throw new StoreIntegrityException(db + " is not a Clave CAS database (its application_id is "
            + intPragma(writer, "application_id") + ")");
      }
      Head found;
      try (Statement s = writer.createStatement()) {
        s.execute("BEGIN"); // one snapshot for the head and all rows
        try {
          found = readHead(s, db);
          scanAll(s, keys, index, found, db);
        } finally {
          s.execute("COMMIT");
        }
      }
      checkAgainstKeyStore(found, db);
      head = found;
    }

    private Head readHead(Statement s, String db) throws SQLException {
      try (ResultSet rs = s.executeQuery("SELECT format, store_id, version, digest, prev_mac, mac FROM head")) {
        if (!rs.next()) {
          throw new StoreIntegrityException(db + " has no head row");
        }
        Head head = checkedHead(keys, rs, db, keyStorePath.toString());
        if (rs.next()) {
          throw new StoreIntegrityException(db + " has more than one head row");
        }
        return head;
      }
    }

    /**
     * The database head against the key store's. Equal versions must have equal MACs; a database one version
     * ahead is the last write, committed but not yet recorded in the key store (a crash between the two):
     * accepted if its head continues the key store's head, and the key store is rolled forward. Anything else
     * is stale or forked state.
     */
    private void checkAgainstKeyStore(Head found, String db) throws IOException {
      long v = found.version();
      if (v == keyStoreVersion) {
        if (!MessageDigest.isEqual(found.mac(), keyStoreHeadMac)) {
          throw new StoreRollbackException(db + " is at state version " + v + " like the key store, but is another"
              + " state than the one the key store vouches for: it is a fork or an older copy", v, keyStoreVersion);
        }
      } else if (v == keyStoreVersion + 1) {
        if (!MessageDigest.isEqual(found.prevMac(), keyStoreHeadMac)) {
          throw new StoreRollbackException(db + " is at state version " + v + ", one ahead of the key store, but"
              + " does not continue the state the key store vouches for: it is a fork", v, keyStoreVersion);
        }
        SecureFiles.writeAtomically(keyStorePath, KeyStoreFile.encode(keys, sealed, v, found.mac()));
        LOG.warn("CAS store {}: the last write (state version {}) was committed but the key store was not updated"
            + " (interrupted); rolled the key store forward", dir, v);
      } else if (v < keyStoreVersion) {
        throw new StoreRollbackException(db + " is at state version " + v + ", but the key store vouches for"
            + " version " + keyStoreVersion + ": the database was rolled back (restored from an older copy, or"
            + " its WAL file was lost)", v, keyStoreVersion);
      } else {
        throw new StoreRollbackException("the key store " + keyStorePath + " vouches for state version "
            + keyStoreVersion + ", but " + db + " is at version " + v + ": the key store was restored from an older"
            + " copy", v, keyStoreVersion);
      }
    }

    void release() {
      for (Connection c : readers) {
        closeQuietly(c);
      }
      if (writer != null) {
        closeQuietly(writer);
      }
      if (lock != null) {
        lock.release();
      }
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static String pragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static long intPragma(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  // ---------------------------------------------------------------- store

  @Override
  public long stateVersion() {
    return withOpenStore(() -> head.version());
  }

  /**
   * Records the store's key material wrapped for a backup CAS ({@link BackupKeyWrap}) in the database, replacing
   * an earlier registration of the same key hash. The caller has attested the backup: this only wraps and stores.
   * Not a state change (the head does not move); a copy of the database taken after it opens on that backup.
   */
  public void registerBackup(byte[] backupSpki, String keyHash, String platformId) {
    withOpenStore(() -> {
      BackupKeyWrap.Wrapped w = BackupKeyWrap.wrapSealed(sealer, sealedDataKey, backupSpki, keyHash, platformId,
          dir.toString());
      writeLock.lock();
      try {
        try (Statement s = writer.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS " + BACKUP_TABLE + " (key_hash TEXT NOT NULL PRIMARY KEY,"
              + " platform_id TEXT NOT NULL, store_id BLOB NOT NULL, eph_spki BLOB NOT NULL, ct BLOB NOT NULL) STRICT");
        }
        try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO " + BACKUP_TABLE
            + " (key_hash, platform_id, store_id, eph_spki, ct) VALUES (?, ?, ?, ?, ?)")) {
          ps.setString(1, keyHash);
          ps.setString(2, platformId);
          ps.setBytes(3, w.storeId());
          ps.setBytes(4, w.ephemeralSpki());
          ps.setBytes(5, w.ct());
          ps.executeUpdate();
        }
        return null;
      } catch (SQLException e) {
        throw new StoreException("cannot record the backup registration in " + dir + ": " + e.getMessage(), e);
      } finally {
        writeLock.unlock();
      }
    });
  }

  /** The store's id in hex (as in its snapshots' manifests). */
  public String storeIdHex() {
    return HEX.formatHex(keys.storeId());
  }

  /** The backups registered for this store, by key hash. */
  public List<Snapshot.Registration> backupRegistrations() {
    return withOpenStore(() -> {
      Connection c = takeReader("list the backup registrations");
      try {
        return registrations(c);
      } catch (SQLException e) {
        throw new StoreException("cannot read the backup registrations in " + dir + ": " + e.getMessage(), e);
      } finally {
        readers.add(c);
      }
    });
  }

  private static List<Snapshot.Registration> registrations(Connection c) throws SQLException {
    List<Snapshot.Registration> out = new java.util.ArrayList<>();
    if (!hasTable(c, BACKUP_TABLE)) {
      return out;
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT key_hash, platform_id FROM " + BACKUP_TABLE + " ORDER BY key_hash")) {
      while (rs.next()) {
        out.add(new Snapshot.Registration(rs.getString(1), rs.getString(2)));
      }
    }
    return out;
  }

  /**
   * Takes a {@link Snapshot} into a new directory in {@code parent}: a consistent copy of the database made in
   * one read transaction ({@code VACUUM INTO}; writes go on meanwhile), a key store for the copy's head, and the
   * manifest; written under a {@code .partial-} name, synced, then renamed. Returns the existing snapshot when
   * one of the same name (same second and version) exists.
   *
   * @throws StoreException if it cannot be written (the partial directory is removed)
   */
  public Snapshot snapshot(Path parent, Instant now) {
    return withOpenStore(() -> {
      Path partial = parent.resolve(".partial-" + HEX.formatHex(Crypto.random(8)));
      try {
        SecureFiles.createPrivateDirectory(parent);
        SecureFiles.createPrivateDirectory(partial);
        Path db = partial.resolve(DATABASE_FILE);
        Connection c = takeReader("take a snapshot");
        try (PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
          ps.setString(1, db.toString());
          ps.execute();
        } finally {
          readers.add(c);
        }
        Head h;
        List<Snapshot.Registration> regs;
        SQLiteConfig ro = new SQLiteConfig();
        ro.setReadOnly(true);
        try (Connection copy = ro.createConnection("jdbc:sqlite:" + db)) {
          try (Statement s = copy.createStatement();
              ResultSet rs = s.executeQuery("SELECT format, store_id, version, digest, prev_mac, mac FROM head")) {
            if (!rs.next()) {
              throw new StoreException("the snapshot's database copy has no head row");
            }
            h = checkedHead(keys, rs, "the snapshot copy " + db, keyStorePath.toString());
          }
          regs = registrations(copy);
        }
        Path ks = partial.resolve(KEY_STORE_FILE);
        Files.write(ks, KeyStoreFile.encode(keys, sealedDataKey, h.version(), h.mac()));
        Snapshot.force(db);
        Snapshot.force(ks);
        Snapshot unsigned = new Snapshot(partial, h.version(), now, keys.storeId(), h.mac(), regs,
            Snapshot.digestOf(db), Snapshot.digestOf(ks), new byte[Crypto.MAC_LENGTH]);
        Snapshot signed = Snapshot.withMac(unsigned, keys);
        Path manifest = partial.resolve(Snapshot.MANIFEST_FILE);
        Files.write(manifest, signed.manifestJson());
        Snapshot.force(manifest);
        SecureFiles.fsyncDirectory(partial);
        Path target = parent.resolve(Snapshot.directoryName(now, h.version()));
        if (Files.exists(target)) {
          deleteTree(partial);
          return Snapshot.read(target);
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        SecureFiles.fsyncDirectory(parent);
        return signed.movedTo(target);
      } catch (IOException | SQLException | RuntimeException e) {
        try {
          deleteTree(partial);
        } catch (IOException suppressed) {
          LOG.warn("could not remove the unfinished snapshot {}: {}", partial, suppressed.getMessage());
        }
        if (e instanceof StoreException se) {
          throw se;
        }
        throw new StoreException("cannot take a snapshot of " + dir + " into " + parent + ": " + e.getMessage(), e);
      }
    });
  }

  /**
   * Checks that this store is what {@code snapshot} says it restored: the same store, at its head, and that the
   * manifest's MAC (time, version, files, registrations) is right under this store's key.
   *
   * @throws StoreIntegrityException otherwise
   */
  public void checkRestoredFrom(Snapshot snapshot) {
    withOpenStore(() -> {
      if (!snapshot.macVerifies(keys)) {
        throw new StoreIntegrityException("the manifest of snapshot " + snapshot.dir() + " does not verify under the"
            + " store's key: its time, version, files or registrations were changed");
      }
      Head h = head;
      if (!snapshot.isOf(keys.storeId(), h.version(), h.mac())) {
        throw new StoreIntegrityException("snapshot " + snapshot.dir() + " says state version "
            + snapshot.stateVersion() + ", but its database is at version " + h.version() + " or another head");
      }
      return null;
    });
  }

  /** Removes {@code dir} and everything in it (a snapshot directory or an unfinished one). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Connection takeReader(String what) {
    try {
      return readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to " + what);
    }
  }

  /**
   * Copies the WAL into the database file and truncates the WAL, so that {@value #DATABASE_FILE} alone holds
   * every committed write (for snapshots: copy it together with {@value #KEY_STORE_FILE}).
   *
   * @throws StoreException if the checkpoint could not complete
   */
  public void checkpoint() {
    withOpenStore(() -> {
      writeLock.lock();
      try {
        checkpointNow();
        return null;
      } catch (SQLException e) {
        throw new StoreException("cannot checkpoint the database in " + dir + ": " + e.getMessage(), e);
      } finally {
        writeLock.unlock();
      }
    });
  }

  private void checkpointNow() throws SQLException {
    try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
      if (rs.next() && rs.getInt(1) != 0) {
        throw new StoreException("the checkpoint of the database in " + dir + " was blocked by a reader; retry");
      }
    }
  }

  @Override
  String label() {
    return dir.toString();
  }

  @Override
  void closeNow() {
    writeLock.lock();
    try {
      if (!failed() && keyStoreVersion < head.version()) {
        try {
          persistKeyStore(head);
        } catch (StoreException e) {
          LOG.warn("CAS store {}: {}", dir, e.getMessage());
        }
      }
      try {
        checkpointNow();
      } catch (SQLException | StoreException e) {
        LOG.warn("CAS store {}: checkpoint at close failed ({}); the WAL file keeps the writes", dir, e.getMessage());
      }
    } finally {
      writeLock.unlock();
    }
    Connection c;
    while ((c = readers.poll()) != null) {
      closeQuietly(c);
    }
    closeQuietly(writer);
    lock.release();
    LOG.info("CAS store {} closed at state version {}", dir, head.version());
  }

  @Override
  public String toString() {
    return "SqliteCasStore[" + dir + ", version " + head.version() + (failed() ? ", failed" : "") + "]";
  }

  // ---------------------------------------------------------------- reads

  /**
   * Reads and decrypts a row, checking it against its term in memory. A mismatch may be a write committing
   * right now (it updates the memory after the commit), so it is re-checked under the write lock; a second
   * mismatch is tampering.
   */
  @Override
  Optional<byte[]> read(RowKey key) {
    return withOpenStore(() -> {
      byte[] expected = index.get(key);
      if (expected == null) {
        return Optional.empty();
      }
      byte[] ct = select(key);
      if (ct == null || !MessageDigest.isEqual(keys.term(key, ct), expected)) {
        writeLock.lock();
        try {
          requireHealthy();
          expected = index.get(key);
          if (expected == null) {
            return Optional.empty();
          }
          ct = select(key);
          checkRow(key, ct, expected);
        } finally {
          writeLock.unlock();
        }
      }
      return Optional.of(decrypt(key, ct));
    });
  }

  private byte[] select(RowKey key) {
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting to read " + key.describe());
    }
    try {
      return StoreTx.select(c, key);
    } catch (SQLException e) {
      throw new StoreException("database error while reading " + key.describe() + ": " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  @Override
  Iterable<RowKey> keysFrom(RowKey from) {
    return index.tailMap(from).keySet();
  }

  // ---------------------------------------------------------------- writes

  /**
   * One write: a transaction that changes rows and the head, then the key store.
   *
   * <p>Order (crash consistency): (1) commit rows and the new head (version v+1, MAC chained to v) to the
   * database, durable on return ({@code synchronous=FULL}); (2) update the memory index; (3) replace the key
   * store with (v+1, MAC) atomically; (4) return. A crash after (1) leaves the database one version ahead of
   * the key store, which {@link #open} accepts and rolls forward; a crash before (1) leaves both at v. If (3)
   * fails, the write is reported as failed although committed (it survives), and no further write is accepted
   * until the key store has caught up, so the database never gets more than one version ahead.
   */
  @Override
  <T> T write(String what, WriteAction<T> action) {
    return withOpenStore(() -> {
      writeLock.lock();
      try {
        requireHealthy();
        if (keyStoreVersion < head.version()) {
          persistKeyStore(head);
        }
        if (head.version() >= MAX_VERSION) {
          throw new StoreException("the store has reached " + MAX_VERSION + " writes under its data key; it must be"
              + " re-keyed (migrated into a new store) before it accepts more");
        }
        StoreTx tx = new StoreTx(this, writer, index, head.digest256());
        T result;
        Head next = null;
        try (Statement s = writer.createStatement()) {
          s.execute("BEGIN IMMEDIATE");
          try {
            checkHeadUnchanged(s);
            result = action.apply(tx);
            if (!tx.pending.isEmpty()) {
              next = head.next(keys, FORMAT, tx.digest);
              if (!updateHead(writer, next, head.version())) {
                throw integrity("the database lost its head row while the store was open");
              }
              s.execute("COMMIT");
            } else {
              s.execute("ROLLBACK");
            }
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly(s);
            throw e;
          }
        } catch (SQLException e) {
          throw new StoreException("database error while " + what + ": " + e.getMessage(), e);
        }
        if (next == null) {
          return result;
        }
        tx.pending.forEach((k, term) -> {
          if (term == null) {
            index.remove(k);
          } else {
            index.put(k, term);
          }
        });
        head = next;
        persistKeyStore(next);
        return result;
      } finally {
        writeLock.unlock();
      }
    });
  }

  /** Detects another writer: the head in the database must be the one this store last committed. */
  private void checkHeadUnchanged(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT version, mac FROM head WHERE id = 1")) {
      if (!rs.next()) {
        throw integrity("the database lost its head row while the store was open");
      }
      Object mac = rs.getObject(2);
      if (rs.getLong(1) != head.version() || !(mac instanceof byte[] m) || !MessageDigest.isEqual(m, head.mac())) {
        throw integrity("the database head changed while the store was open: something else wrote to it");
      }
    }
  }

  private void persistKeyStore(Head h) {
    try {
      SecureFiles.writeAtomically(keyStorePath, KeyStoreFile.encode(keys, sealedDataKey, h.version(), h.mac()));
      keyStoreVersion = h.version();
    } catch (IOException e) {
      throw new StoreException("state version " + h.version() + " is committed to the database, but the key store "
          + keyStorePath + " could not be updated (" + e + "); the update is retried before the next write and at"
          + " the next start", e);
    }
  }

  private static void rollbackQuietly(Statement s) {
    try {
      s.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction is open (BEGIN failed, or SQLite already rolled back)
    }
  }

  // ---------------------------------------------------------------- lifecycle and failure

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a database connection failed: {}", e.getMessage());
    }
  }
}
