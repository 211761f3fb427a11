package dev.clave.cas.store;

import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import javax.crypto.AEADBadTagException;
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
public final class SqliteCasStore implements CasStore {
  /** The database file in the state directory. */
  public static final String DATABASE_FILE = "cas.db";

  /** The key store file in the state directory. */
  public static final String KEY_STORE_FILE = "cas.key-store";

  /** The lock file in the state directory, locked while a store is open. */
  public static final String LOCK_FILE = "cas.lock";

  /** The database format (head and rows); part of every head MAC. */
  static final int FORMAT = 1;

  /** SQLite {@code application_id} of a Clave CAS database: "ClAS". */
  static final int APPLICATION_ID = 0x436c4153;

  /** Writes per data key: each write encrypts at most three rows, far below GCM's 2^32 random nonces. */
  static final long MAX_VERSION = 1L << 30;

  private static final Logger LOG = LoggerFactory.getLogger(SqliteCasStore.class);
  private static final int READERS = 4;
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;
  private static final int HASH_LENGTH = Names.HASH_LENGTH;

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
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final StoreKeys keys;
  private final byte[] sealedDataKey;
  private final Connection writer;
  private final BlockingQueue<Connection> readers;
  /** Every row's digest term: the authority reads are checked against (written only under {@link #writeLock}). */
  private final ConcurrentSkipListMap<RowKey, byte[]> index;
  /** Shared by operations, exclusive for {@link #close}. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Serializes writes; readers take it to re-check a row that changed under them. */
  private final ReentrantLock writeLock = new ReentrantLock();

  private volatile Head head;
  private long keyStoreVersion; // guarded by writeLock
  private volatile StoreException failure;
  private boolean closed; // guarded by lifecycle

  private SqliteCasStore(Opening o) {
    this.dir = o.dir;
    this.keyStorePath = o.keyStorePath;
    this.lockChannel = o.lockChannel;
    this.lock = o.lock;
    this.keys = o.keys;
    this.sealedDataKey = o.sealed;
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
    Opening o = new Opening(stateDir.toAbsolutePath());
    try {
      o.run(sealer);
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
    FileChannel lockChannel;
    FileLock lock;
    StoreKeys keys;
    byte[] sealed;
    long keyStoreVersion;
    byte[] keyStoreHeadMac;
    Connection writer;
    final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
    final ConcurrentSkipListMap<RowKey, byte[]> index = new ConcurrentSkipListMap<>();
    Head head;

    Opening(Path dir) {
      this.dir = dir;
      this.dbPath = dir.resolve(DATABASE_FILE);
      this.keyStorePath = dir.resolve(KEY_STORE_FILE);
    }

    void run(Sealer sealer) {
      try {
        SecureFiles.createPrivateDirectory(dir);
        lockDirectory();
        boolean databasePresent = present(dbPath) || present(dir.resolve(DATABASE_FILE + "-wal"));
        if (Files.exists(keyStorePath)) {
          readKeyStore(sealer);
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

    private static boolean present(Path p) throws IOException {
      return Files.exists(p) && Files.size(p) > 0;
    }

    private void lockDirectory() throws IOException {
      Path lockPath = dir.resolve(LOCK_FILE);
      SecureFiles.createPrivateFile(lockPath);
      lockChannel = FileChannel.open(lockPath, StandardOpenOption.WRITE);
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new StoreException("the CAS store in " + dir + " is already open (by this or another process);"
            + " one process at a time may use it");
      }
    }

    private void createKeyStore(Sealer sealer) throws IOException {
      byte[] dataKey = Crypto.random(Crypto.KEY_LENGTH);
      byte[] storeId = Crypto.random(StoreKeys.STORE_ID_LENGTH);
      byte[] payload = KeyStoreFile.payload(dataKey, storeId);
      try {
        sealed = sealer.seal(payload, KeyStoreFile.SEAL_AAD);
        keys = new StoreKeys(dataKey, storeId);
      } finally {
        Arrays.fill(dataKey, (byte) 0);
        Arrays.fill(payload, (byte) 0);
      }
      if (sealed.length > Sealer.MAX_SEALED_LENGTH) {
        throw new StoreException("the sealer produced " + sealed.length + " bytes; at most "
            + Sealer.MAX_SEALED_LENGTH + " fit in the key store");
      }
      Head initial = Head.initial(keys, FORMAT);
      keyStoreVersion = 0;
      keyStoreHeadMac = initial.mac();
      // The key store first: a crash before the database exists leaves a key store at version 0, and the next
      // start creates the (empty) database it describes.
      SecureFiles.writeAtomically(keyStorePath, KeyStoreFile.encode(keys, sealed, 0, initial.mac()));
      LOG.info("created a new CAS store in {}", dir);
    }

    private void readKeyStore(Sealer sealer) throws IOException {
      SecureFiles.requireOwnerOnly(keyStorePath, "the key store");
      if (Files.size(keyStorePath) > KeyStoreFile.MAX_FILE_LENGTH) {
        throw new StoreIntegrityException("the key store " + keyStorePath + " has " + Files.size(keyStorePath)
            + " bytes; a key store has at most " + KeyStoreFile.MAX_FILE_LENGTH);
      }
      KeyStoreFile.Parsed parsed;
      try {
        parsed = KeyStoreFile.parse(Files.readAllBytes(keyStorePath));
      } catch (Bytes.MalformedException e) {
        throw new StoreIntegrityException("the key store " + keyStorePath + " is malformed: " + e.getMessage());
      }
      byte[] payload;
      try {
        payload = sealer.unseal(parsed.sealed(), KeyStoreFile.SEAL_AAD);
      } catch (UnsealException e) {
        throw new UnsealException("cannot unseal the key store " + keyStorePath + ": " + e.getMessage(), e);
      }
      try {
        KeyStoreFile.Payload p = KeyStoreFile.parsePayload(payload);
        keys = new StoreKeys(p.dataKey(), p.storeId());
        Arrays.fill(p.dataKey(), (byte) 0);
      } catch (Bytes.MalformedException e) {
        throw new StoreIntegrityException("the key store " + keyStorePath + " unseals to a malformed payload: "
            + e.getMessage());
      } finally {
        Arrays.fill(payload, (byte) 0);
      }
      if (!parsed.verifies(keys)) {
        throw new StoreIntegrityException("the key store " + keyStorePath + " fails its MAC: its version or head"
            + " MAC was changed");
      }
      sealed = parsed.sealed();
      keyStoreVersion = parsed.version();
      keyStoreHeadMac = parsed.headMac();
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
          try (PreparedStatement p = writer.prepareStatement("INSERT INTO head (id, format, store_id, version, digest,"
              + " prev_mac, mac) VALUES (1, ?, ?, ?, ?, ?, ?)")) {
            p.setInt(1, FORMAT);
            p.setBytes(2, keys.storeId());
            p.setLong(3, initial.version());
            p.setBytes(4, initial.digest());
            p.setBytes(5, initial.prevMac());
            p.setBytes(6, initial.mac());
            p.executeUpdate();
          }
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
          Digest256 digest = new Digest256();
          for (Table t : Table.values()) {
            scan(s, t, digest, db);
          }
          if (!MessageDigest.isEqual(digest.bytes(), found.digest())) {
            throw new StoreIntegrityException(db + " does not match its head: rows were changed, added, removed or"
                + " swapped (checked " + index.size() + " rows at state version " + found.version() + ")");
          }
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
        Object format = rs.getObject(1);
        if (!(format instanceof Number n) || n.longValue() != FORMAT) {
          throw new StoreIntegrityException(db + " has head format " + format + "; this Clave reads format " + FORMAT);
        }
        byte[] storeId = bytesColumn(rs, 2, StoreKeys.STORE_ID_LENGTH, db + ": head store_id");
        Object versionValue = rs.getObject(3);
        if (!(versionValue instanceof Number v) || v.longValue() < 0) {
          throw new StoreIntegrityException(db + ": the head version is not a non-negative integer");
        }
        long version = ((Number) versionValue).longValue();
        byte[] digest = bytesColumn(rs, 4, Digest256.LENGTH, db + ": head digest");
        byte[] prevMac = bytesColumn(rs, 5, Crypto.MAC_LENGTH, db + ": head prev_mac");
        byte[] mac = bytesColumn(rs, 6, Crypto.MAC_LENGTH, db + ": head mac");
        if (rs.next()) {
          throw new StoreIntegrityException(db + " has more than one head row");
        }
        if (!MessageDigest.isEqual(storeId, keys.storeId())) {
          throw new StoreIntegrityException(db + " belongs to another store than the key store " + keyStorePath
              + " (their store ids differ), or its store id was changed");
        }
        if (!MessageDigest.isEqual(keys.headMac(FORMAT, version, digest, prevMac), mac)) {
          throw new StoreIntegrityException(db + ": the head fails its MAC: its version, digest or MACs were"
              + " changed");
        }
        return new Head(version, digest, prevMac, mac);
      }
    }

    private void scan(Statement s, Table t, Digest256 digest, String db) throws SQLException {
      try (ResultSet rs = s.executeQuery(t.scan())) {
        while (rs.next()) {
          String where = db + ", table " + t.sqlName;
          if (!(rs.getObject(1) instanceof String name)) {
            throw new StoreIntegrityException(where + ": a row's name is not text");
          }
          where += ", name " + Names.quote(name);
          try {
            if (t == Table.BLOBS) {
              if (!name.equals(RowKey.PROVISIONING_BLOB)) {
                Names.blob(name);
              }
            } else {
              Names.session(name);
            }
          } catch (IllegalArgumentException e) {
            throw new StoreIntegrityException(where + ": not a valid name (" + e.getMessage() + ")");
          }
          byte[] tag = t.tagged ? bytesColumn(rs, 2, HASH_LENGTH, where + ": tag") : new byte[0];
          byte[] ct = bytesColumn(rs, 3, -1, where + ": ct");
          if (ct.length < Crypto.AEAD_OVERHEAD || ct.length > MAX_VALUE_BYTES + Crypto.AEAD_OVERHEAD) {
            throw new StoreIntegrityException(where + ": the ciphertext has an impossible length " + ct.length);
          }
          RowKey key = t.tagged ? RowKey.version(name, tag) : new RowKey(t, name, "");
          byte[] term = keys.term(key, ct);
          if (index.putIfAbsent(key, term) != null) {
            throw new StoreIntegrityException(where + ": the row occurs twice");
          }
          digest.add(term);
        }
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
      releaseLock(lock, lockChannel);
    }
  }

  private static byte[] bytesColumn(ResultSet rs, int column, int length, String what) throws SQLException {
    Object v = rs.getObject(column);
    if (!(v instanceof byte[] b)) {
      throw new StoreIntegrityException(what + " is not a blob");
    }
    if (length >= 0 && b.length != length) {
      throw new StoreIntegrityException(what + " has " + b.length + " bytes instead of " + length);
    }
    return b;
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

  // ---------------------------------------------------------------- CAS state

  @Override
  public Optional<ProvisioningState> provisioningState() {
    return read(RowKey.blob(RowKey.PROVISIONING_BLOB)).map(this::decodeProvisioning);
  }

  @Override
  public void setUnprovisioned(ProvisioningState.Unprovisioned state) {
    byte[] encoded = encodeProvisioning(requireArgument(state, "the provisioning state"));
    write("storing the provisioning token digest", tx -> {
      if (currentProvisioning(tx) instanceof ProvisioningState.Provisioned) {
        throw new AlreadyProvisionedException();
      }
      tx.put(RowKey.blob(RowKey.PROVISIONING_BLOB), encoded);
      return null;
    });
  }

  @Override
  public void provision(ProvisioningState.Provisioned owner) {
    byte[] encoded = encodeProvisioning(requireArgument(owner, "the owner"));
    write("provisioning", tx -> {
      if (currentProvisioning(tx) instanceof ProvisioningState.Provisioned) {
        throw new AlreadyProvisionedException();
      }
      tx.put(RowKey.blob(RowKey.PROVISIONING_BLOB), encoded);
      return null;
    });
  }

  @Override
  public void updateOwner(ProvisioningState.Provisioned owner) {
    byte[] encoded = encodeProvisioning(requireArgument(owner, "the owner"));
    write("updating the owner", tx -> {
      if (!(currentProvisioning(tx) instanceof ProvisioningState.Provisioned)) {
        throw new IllegalStateException("the CAS is not provisioned: it has no owner to update");
      }
      tx.put(RowKey.blob(RowKey.PROVISIONING_BLOB), encoded);
      return null;
    });
  }

  private ProvisioningState currentProvisioning(Tx tx) throws SQLException {
    byte[] current = tx.read(RowKey.blob(RowKey.PROVISIONING_BLOB));
    return current == null ? null : decodeProvisioning(current);
  }

  /**
   * {@code u8 format (1) ‖ u8 kind}, then for kind 1 (unprovisioned) {@code field(token digest)}, for kind 2
   * (provisioned) {@code field(owner key hash digest) ‖ field(certificate) ‖ field(config)}.
   */
  private static byte[] encodeProvisioning(ProvisioningState state) {
    Bytes.Writer w = new Bytes.Writer(256).u8(1);
    switch (state) {
      case ProvisioningState.Unprovisioned u -> w.u8(1).field(u.tokenDigest());
      case ProvisioningState.Provisioned p -> w.u8(2).field(p.ownerKeyHash().digest()).field(p.ownerCertificate())
          .field(p.ownerConfig());
    }
    return w.toByteArray();
  }

  private ProvisioningState decodeProvisioning(byte[] data) {
    try {
      Bytes.Reader r = new Bytes.Reader(data);
      int format = r.u8("the format");
      if (format != 1) {
        throw new Bytes.MalformedException("format " + format + " is not 1");
      }
      int kind = r.u8("the kind");
      ProvisioningState state = switch (kind) {
        case 1 -> new ProvisioningState.Unprovisioned(r.field("the token digest", 32));
        case 2 -> new ProvisioningState.Provisioned(KeyHash.ofDigest(r.field("the owner key hash", 32)),
            r.field("the owner certificate", ProvisioningState.MAX_CERTIFICATE_BYTES),
            r.field("the owner config", ProvisioningState.MAX_CONFIG_BYTES));
        default -> throw new Bytes.MalformedException("unknown kind " + kind);
      };
      r.end();
      return state;
    } catch (Bytes.MalformedException | IllegalArgumentException e) {
      throw integrity("the stored provisioning state is malformed: " + e.getMessage());
    }
  }

  @Override
  public Optional<byte[]> getBlob(String name) {
    return read(RowKey.blob(Names.blob(name)));
  }

  @Override
  public void putBlob(String name, byte[] value) {
    RowKey key = RowKey.blob(Names.blob(name));
    checkSize("blob " + Names.quote(name), value);
    write("storing " + key.describe(), tx -> {
      tx.put(key, value);
      return null;
    });
  }

  @Override
  public boolean deleteBlob(String name) {
    RowKey key = RowKey.blob(Names.blob(name));
    return write("deleting " + key.describe(), tx -> tx.delete(key));
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public void createSession(String name, String hash, byte[] content) {
    create(name, hash, content, null);
  }

  @Override
  public void createSession(String name, String hash, byte[] content, byte[] secrets) {
    create(name, hash, content, requireArgument(secrets, "the secrets"));
  }

  private void create(String name, String hash, byte[] content, byte[] secrets) {
    Names.session(name);
    byte[] h = Names.hash(hash, "the session hash");
    checkSize("the content of session " + Names.quote(name), content);
    if (secrets != null) {
      checkSize("the secrets of session " + Names.quote(name), secrets);
    }
    RowKey pointer = RowKey.session(name);
    write("creating session " + Names.quote(name), tx -> {
      if (tx.exists(pointer)) {
        throw new SessionExistsException(name);
      }
      tx.put(RowKey.version(name, keys.hashTag(name, h)), content);
      tx.put(pointer, h);
      if (secrets != null) {
        tx.put(RowKey.secrets(name), secrets);
      }
      return null;
    });
  }

  @Override
  public void updateSession(String name, String expectedCurrentHash, String newHash, byte[] content) {
    update(name, expectedCurrentHash, newHash, content, null);
  }

  @Override
  public void updateSession(String name, String expectedCurrentHash, String newHash, byte[] content,
      byte[] secrets) {
    update(name, expectedCurrentHash, newHash, content, requireArgument(secrets, "the secrets"));
  }

  private void update(String name, String expectedCurrentHash, String newHash, byte[] content, byte[] secrets) {
    Names.session(name);
    byte[] expected = Names.hash(expectedCurrentHash, "the expected current hash");
    byte[] h = Names.hash(newHash, "the new session hash");
    checkSize("the content of session " + Names.quote(name), content);
    if (secrets != null) {
      checkSize("the secrets of session " + Names.quote(name), secrets);
    }
    RowKey pointer = RowKey.session(name);
    write("updating session " + Names.quote(name), tx -> {
      byte[] current = tx.read(pointer);
      if (current == null) {
        throw new NoSuchSessionException(name);
      }
      requireHashLength(current, pointer);
      if (!MessageDigest.isEqual(current, expected)) {
        throw new StaleSessionException(name, Names.hex(expected), Names.hex(current));
      }
      RowKey version = RowKey.version(name, keys.hashTag(name, h));
      if (tx.exists(version)) {
        throw new IllegalArgumentException("session " + Names.quote(name) + " already has a version with hash "
            + Names.hex(h) + "; a new version needs a new hash");
      }
      tx.put(version, content);
      tx.put(pointer, h);
      if (secrets != null) {
        tx.put(RowKey.secrets(name), secrets);
      }
      return null;
    });
  }

  @Override
  public Optional<StoredSession> currentSession(String name) {
    Names.session(name);
    Optional<byte[]> hash = read(RowKey.session(name));
    if (hash.isEmpty()) {
      return Optional.empty();
    }
    byte[] h = hash.get();
    requireHashLength(h, RowKey.session(name));
    // Empty only if the session was deleted between the two reads.
    return read(RowKey.version(name, keys.hashTag(name, h))).map(c -> new StoredSession(Names.hex(h), c));
  }

  @Override
  public Optional<StoredSession> sessionVersion(String name, String hash) {
    Names.session(name);
    byte[] h = Names.hash(hash, "the session hash");
    return read(RowKey.version(name, keys.hashTag(name, h))).map(c -> new StoredSession(Names.hex(h), c));
  }

  @Override
  public List<String> listSessions(String prefix) {
    Names.sessionPrefix(prefix);
    return withOpenStore(() -> {
      List<String> names = new ArrayList<>();
      for (RowKey k : index.tailMap(RowKey.session(prefix)).keySet()) {
        if (k.table() != Table.SESSIONS || !k.name().startsWith(prefix)) {
          break;
        }
        names.add(k.name());
      }
      return names;
    });
  }

  @Override
  public boolean deleteSession(String name) {
    Names.session(name);
    RowKey pointer = RowKey.session(name);
    return write("deleting session " + Names.quote(name), tx -> {
      if (!tx.exists(pointer)) {
        return false;
      }
      tx.delete(pointer);
      RowKey from = new RowKey(Table.SESSION_VERSIONS, name, "");
      RowKey to = new RowKey(Table.SESSION_VERSIONS, name, "\uffff");
      for (RowKey version : List.copyOf(index.subMap(from, true, to, true).keySet())) {
        tx.delete(version);
      }
      tx.delete(RowKey.secrets(name));
      return true;
    });
  }

  @Override
  public void putSecrets(String sessionName, byte[] secrets) {
    Names.session(sessionName);
    checkSize("the secrets of session " + Names.quote(sessionName), secrets);
    write("storing the secrets of session " + Names.quote(sessionName), tx -> {
      if (!tx.exists(RowKey.session(sessionName))) {
        throw new NoSuchSessionException(sessionName);
      }
      tx.put(RowKey.secrets(sessionName), secrets);
      return null;
    });
  }

  @Override
  public Optional<byte[]> secrets(String sessionName) {
    return read(RowKey.secrets(Names.session(sessionName)));
  }

  // ---------------------------------------------------------------- store

  @Override
  public long stateVersion() {
    return withOpenStore(() -> head.version());
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
  public void close() {
    Lock l = lifecycle.writeLock();
    l.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      writeLock.lock();
      try {
        if (failure == null && keyStoreVersion < head.version()) {
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
      releaseLock(lock, lockChannel);
      LOG.info("CAS store {} closed at state version {}", dir, head.version());
    } finally {
      l.unlock();
    }
  }

  @Override
  public String toString() {
    return "SqliteCasStore[" + dir + ", version " + head.version() + (failure != null ? ", failed" : "") + "]";
  }

  // ---------------------------------------------------------------- reads

  /**
   * Reads and decrypts a row, checking it against its term in memory. A mismatch may be a write committing
   * right now (it updates the memory after the commit), so it is re-checked under the write lock; a second
   * mismatch is tampering.
   */
  private Optional<byte[]> read(RowKey key) {
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
      return select(c, key);
    } catch (SQLException e) {
      throw new StoreException("database error while reading " + key.describe() + ": " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  private static byte[] select(Connection c, RowKey key) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(key.table().select())) {
      bindKey(p, 1, key);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        Object v = rs.getObject(1);
        return v instanceof byte[] b ? b : new byte[0];
      }
    }
  }

  private void checkRow(RowKey key, byte[] ct, byte[] expectedTerm) {
    if (ct == null) {
      throw integrity(key.describe() + " is missing from the database: its row was deleted");
    }
    if (!MessageDigest.isEqual(keys.term(key, ct), expectedTerm)) {
      throw integrity(key.describe() + " was changed in the database: its row does not match the head");
    }
  }

  private byte[] decrypt(RowKey key, byte[] ct) {
    try {
      return keys.decrypt(key, ct);
    } catch (AEADBadTagException e) {
      throw integrity(key.describe() + " fails authentication: its ciphertext or identity was changed");
    }
  }

  private void requireHashLength(byte[] hash, RowKey pointer) {
    if (hash.length != HASH_LENGTH) {
      throw integrity(pointer.describe() + " holds a current hash of " + hash.length + " bytes");
    }
  }

  // ---------------------------------------------------------------- writes

  @FunctionalInterface
  private interface WriteAction<T> {
    T apply(Tx tx) throws SQLException;
  }

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
  private <T> T write(String what, WriteAction<T> action) {
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
        Tx tx = new Tx();
        T result;
        Head next = null;
        try (Statement s = writer.createStatement()) {
          s.execute("BEGIN IMMEDIATE");
          try {
            checkHeadUnchanged(s);
            result = action.apply(tx);
            if (!tx.pending.isEmpty()) {
              next = head.next(keys, FORMAT, tx.digest);
              try (PreparedStatement p = writer.prepareStatement(
                  "UPDATE head SET version = ?, digest = ?, prev_mac = ?, mac = ? WHERE id = 1")) {
                p.setLong(1, next.version());
                p.setBytes(2, next.digest());
                p.setBytes(3, next.prevMac());
                p.setBytes(4, next.mac());
                if (p.executeUpdate() != 1) {
                  throw integrity("the database lost its head row while the store was open");
                }
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

  /** The rows one write changes, and the digest they lead to. Used only under the write lock. */
  private final class Tx {
    final Digest256 digest = head.digest256();
    /** New terms of changed rows; null for deleted rows. */
    final Map<RowKey, byte[]> pending = new LinkedHashMap<>();

    byte[] term(RowKey key) {
      return pending.containsKey(key) ? pending.get(key) : index.get(key);
    }

    boolean exists(RowKey key) {
      return term(key) != null;
    }

    /** The row's plaintext, checked against its term; null if the row does not exist. */
    byte[] read(RowKey key) throws SQLException {
      byte[] expected = term(key);
      if (expected == null) {
        return null;
      }
      byte[] ct = select(writer, key);
      checkRow(key, ct, expected);
      return decrypt(key, ct);
    }

    void put(RowKey key, byte[] plaintext) throws SQLException {
      byte[] ct = keys.encrypt(key, plaintext);
      byte[] old = term(key);
      if (old == null) {
        try (PreparedStatement p = writer.prepareStatement(key.table().insert())) {
          int next = bindKey(p, 1, key);
          p.setBytes(next, ct);
          if (p.executeUpdate() != 1) {
            throw integrity(key.describe() + " has a row in the database that the head does not contain: it was"
                + " added");
          }
        }
      } else {
        try (PreparedStatement p = writer.prepareStatement(key.table().update())) {
          p.setBytes(1, ct);
          bindKey(p, 2, key);
          if (p.executeUpdate() != 1) {
            throw integrity(key.describe() + " is missing from the database: its row was deleted");
          }
        }
        digest.subtract(old);
      }
      byte[] term = keys.term(key, ct);
      digest.add(term);
      pending.put(key, term);
    }

    boolean delete(RowKey key) throws SQLException {
      byte[] old = term(key);
      if (old == null) {
        return false;
      }
      try (PreparedStatement p = writer.prepareStatement(key.table().delete())) {
        bindKey(p, 1, key);
        if (p.executeUpdate() != 1) {
          throw integrity(key.describe() + " is missing from the database: its row was deleted");
        }
      }
      digest.subtract(old);
      pending.put(key, null);
      return true;
    }
  }

  private static int bindKey(PreparedStatement p, int first, RowKey key) throws SQLException {
    p.setString(first, key.name());
    if (key.table().tagged) {
      p.setBytes(first + 1, key.tagBytes());
      return first + 2;
    }
    return first + 1;
  }

  // ---------------------------------------------------------------- lifecycle and failure

  private interface Body<T> {
    T run();
  }

  private <T> T withOpenStore(Body<T> body) {
    Lock l = lifecycle.readLock();
    l.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the CAS store " + dir + " is closed");
      }
      requireHealthy();
      return body.run();
    } finally {
      l.unlock();
    }
  }

  private void requireHealthy() {
    StoreException f = failure;
    if (f != null) {
      throw new StoreIntegrityException("the CAS store " + dir + " stopped serving after an integrity failure: "
          + f.getMessage(), f);
    }
  }

  /** Records an integrity failure: from now on the store refuses every operation (fail closed). */
  private StoreIntegrityException integrity(String message) {
    StoreIntegrityException e = new StoreIntegrityException("CAS store " + dir + ": " + message);
    if (failure == null) {
      failure = e;
      LOG.error("CAS store {}: integrity failure, refusing to serve from now on: {}", dir, message);
    }
    return e;
  }

  private static void checkSize(String what, byte[] value) {
    requireArgument(value, what);
    if (value.length > MAX_VALUE_BYTES) {
      throw new StoreLimitException(what, value.length, MAX_VALUE_BYTES);
    }
  }

  private static <T> T requireArgument(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    return value;
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a database connection failed: {}", e.getMessage());
    }
  }

  private static void releaseLock(FileLock lock, FileChannel channel) {
    try {
      if (lock != null) {
        lock.release();
      }
      if (channel != null) {
        channel.close();
      }
    } catch (IOException e) {
      LOG.debug("releasing the store lock failed: {}", e.getMessage());
    }
  }
}
