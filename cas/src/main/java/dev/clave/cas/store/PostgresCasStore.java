package dev.clave.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CasStore} that several CAS replicas share: one PostgreSQL database, and per replica a state
 * directory with its sealed key store. Rows, their encryption and identity binding, and the head (version,
 * multiset digest, chained MAC) are those of {@link SqliteCasStore}; see the {@linkplain dev.clave.cas.store
 * package documentation}. What is added for several writers:
 *
 * <ul>
 *   <li><b>Compare-and-set across replicas</b>: every write runs in one transaction that first locks the head row
 *       ({@code SELECT … FOR UPDATE}); writes of all replicas are therefore serialized by the database, and each
 *       sees the committed result of the one before it (for an update: the current hash it must match). The
 *       head update is also conditional on the version ({@code WHERE version = v}) and the head log's primary
 *       key is the version, so two commits for one version cannot both succeed even if the lock were bypassed.
 *   <li><b>The head log</b> ({@code head_log}): every head ever committed, with the keys of the rows its write
 *       changed. A replica whose view is older than the database's head (another replica wrote) catches up in
 *       O(changes): it checks the MAC chain from the head it knows to the current one (each MAC valid, each
 *       {@code prev_mac} the MAC before), re-reads the changed rows and checks that its digest then equals the
 *       current head's. The changed-key lists need no MAC of their own: a wrong list leaves a wrong digest.
 *   <li><b>Rollback witnessed by the replicas</b>: each replica's key store records the newest head it has
 *       committed or seen (version and MAC), written before a write is acknowledged. A replica refuses a
 *       database whose head is older than that ({@link StoreRollbackException}), at open and at every
 *       operation, and refuses one whose history does not pass through the head it witnessed (a fork).
 *   <li><b>Freshness of reads</b>: each read takes the head and the row in one snapshot; if the head moved, the
 *       replica catches up within that snapshot before checking the row against its index.
 * </ul>
 *
 * <p>Not detected: a rollback to a state at or above every surviving replica's witness (e.g. all replicas that
 * saw the lost writes are gone with their key stores, or their key stores are rolled back too); a replica that
 * was down during writes did not witness them, and on return it only verifies that the current head descends
 * from the one it saw.
 */
public final class PostgresCasStore extends AbstractCasStore {
  /** The replica's key store in its state directory: the sealed data key and the newest head it witnessed. */
  public static final String KEY_STORE_FILE = "cas.key-store";

  /** The lock file in the state directory, locked while a store is open. */
  public static final String LOCK_FILE = "cas.lock";

  private static final Logger LOG = LoggerFactory.getLogger(PostgresCasStore.class);
  private static final int READERS = 4;
  private static final int READ_ATTEMPTS = 20;
  /** Advisory lock key serializing schema creation between replicas starting at once: "ClAS". */
  private static final long SCHEMA_LOCK = 0x436c4153L;

  private static final List<String> SCHEMA = List.of(
      "CREATE TABLE head (id INTEGER PRIMARY KEY CHECK (id = 1), format INTEGER NOT NULL, store_id BYTEA NOT NULL,"
          + " version BIGINT NOT NULL, digest BYTEA NOT NULL, prev_mac BYTEA NOT NULL, mac BYTEA NOT NULL)",
      "CREATE TABLE head_log (version BIGINT PRIMARY KEY, digest BYTEA NOT NULL, prev_mac BYTEA NOT NULL,"
          + " mac BYTEA NOT NULL, changes BYTEA NOT NULL)",
      "CREATE TABLE blobs (name TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, ct BYTEA NOT NULL)",
      "CREATE TABLE sessions (name TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, ct BYTEA NOT NULL)",
      "CREATE TABLE session_versions (name TEXT COLLATE \"C\" NOT NULL, tag BYTEA NOT NULL, ct BYTEA NOT NULL,"
          + " PRIMARY KEY (name, tag))",
      "CREATE TABLE secrets (name TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, ct BYTEA NOT NULL)");

  private final Path dir;
  private final String db;
  private final PostgresDatabase database;
  private final Path keyStorePath;
  private final DirectoryLock lock;
  private final byte[] sealedDataKey;
  /** Unseals {@link #sealedDataKey} again to wrap it for a replica or backup being registered. */
  private final Sealer sealer;
  private final Slot writer;
  private final BlockingQueue<Slot> readers;
  /** Every row's digest term as of {@link #head}: the authority reads are checked against. */
  private final ConcurrentSkipListMap<RowKey, byte[]> index;
  /** Readers share it to check a row against ({@link #head}, {@link #index}); catch-up and commits take it alone. */
  private final ReentrantReadWriteLock view = new ReentrantReadWriteLock();
  /** Serializes this replica's writes (the database serializes them across replicas). */
  private final ReentrantLock writeLock = new ReentrantLock();

  private volatile Head head;
  private long witnessedVersion; // guarded by this

  private PostgresCasStore(Opening o) {
    super(o.keys, LOG);
    this.dir = o.dir;
    this.db = o.db;
    this.database = o.database;
    this.keyStorePath = o.keyStorePath;
    this.lock = o.lock;
    this.sealedDataKey = o.sealed;
    this.sealer = o.sealer;
    this.writer = o.writer;
    this.readers = o.readers;
    this.index = o.index;
    this.head = o.head;
    this.witnessedVersion = o.witnessedVersion;
  }

  /**
   * Opens this replica's view of the shared store: its key store in {@code stateDir} (created on first use with
   * the key from {@code keySource}, sealed by {@code sealer}), and the database (its schema created if it has
   * none). Checks every row against the database head, and the head against what this replica witnessed.
   *
   * @throws UnsealException if the key store cannot be unsealed by {@code sealer}
   * @throws StoreIntegrityException if any stored byte was changed, a row deleted, added or swapped, the head log
   *     broken, or the database belongs to another store
   * @throws StoreRollbackException if the database is older than what this replica witnessed, or a fork of it
   * @throws StoreException if the database cannot be reached or the files cannot be read or written
   */
  public static PostgresCasStore open(PostgresDatabase database, Path stateDir, Sealer sealer,
      DataKeySource keySource) {
    Opening o = new Opening(database, stateDir.toAbsolutePath());
    try {
      o.run(sealer, keySource);
      PostgresCasStore store = new PostgresCasStore(o);
      LOG.info("CAS store {} (replica state {}) opened at state version {} ({} rows checked)", o.db, o.dir,
          o.head.version(), o.index.size());
      return store;
    } catch (RuntimeException e) {
      o.release();
      if (e instanceof StoreIntegrityException || e instanceof StoreRollbackException) {
        LOG.error("CAS store {} (replica state {}) refused to open: {}", o.db, o.dir, e.getMessage());
      }
      throw e;
    }
  }

  // ---------------------------------------------------------------- opening

  private static final class Opening {
    final PostgresDatabase database;
    final Path dir;
    final String db;
    final Path keyStorePath;
    DirectoryLock lock;
    StoreKeys keys;
    byte[] sealed;
    long witnessedVersion;
    byte[] witnessedMac;
    Slot writer;
    boolean freshKey;
    Sealer sealer;
    final BlockingQueue<Slot> readers = new ArrayBlockingQueue<>(READERS);
    final ConcurrentSkipListMap<RowKey, byte[]> index = new ConcurrentSkipListMap<>();
    Head head;

    Opening(PostgresDatabase database, Path dir) {
      this.database = database;
      this.dir = dir;
      this.db = "the database " + database.displayUrl();
      this.keyStorePath = dir.resolve(KEY_STORE_FILE);
    }

    void run(Sealer sealer, DataKeySource keySource) {
      this.sealer = sealer;
      try {
        SecureFiles.createPrivateDirectory(dir);
        lock = DirectoryLock.acquire(dir, LOCK_FILE, "the CAS replica state");
        SealedKeyStore.Loaded ks;
        if (Files.exists(keyStorePath)) {
          ks = SealedKeyStore.read(keyStorePath, sealer);
        } else {
          DataKeySource.KeyMaterial m = keySource.keyMaterial();
          freshKey = m.fresh();
          try {
            ks = SealedKeyStore.create(keyStorePath, sealer, m.dataKey(), m.storeId());
          } finally {
            m.wipe();
          }
          LOG.info("CAS replica state {}: joined the store with the key from {}", dir, keySource);
        }
        keys = ks.keys();
        sealed = ks.sealed();
        witnessedVersion = ks.version();
        witnessedMac = ks.headMac();
        writer = new Slot(database, false);
        Connection c = writer.connection();
        createSchemaIfAbsent(c);
        verifyDatabase(c);
        for (int i = 0; i < READERS; i++) {
          readers.add(new Slot(database, true));
        }
      } catch (IOException e) {
        throw new StoreException("cannot open the CAS replica state in " + dir + ": " + e, e);
      } catch (SQLException e) {
        throw new StoreException("cannot open " + db + ": " + e.getMessage(), e);
      }
    }

    /** Replicas starting at once: the advisory lock lets one create the schema and the others see it. */
    private void createSchemaIfAbsent(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
        boolean present;
        try (ResultSet rs = s.executeQuery("SELECT to_regclass('head') IS NOT NULL")) {
          present = rs.next() && rs.getBoolean(1);
        }
        if (present && freshKey) {
          // Another replica created the store between our look and now: our fresh key is not the store's.
          c.rollback();
          try {
            Files.deleteIfExists(keyStorePath);
          } catch (IOException e) {
            throw new StoreException("cannot remove " + keyStorePath + ": " + e.getMessage(), e);
          }
          throw new NotRegisteredException("another replica created the store " + db + " just before this one:"
              + " this replica must be registered on it (as the owner: clave cas register-backup THIS_REPLICA"
              + " --cas RUNNING_REPLICA)");
        }
        if (!present) {
          if (witnessedVersion != 0) {
            throw new StoreRollbackException(db + " holds no CAS state, but this replica witnessed state version "
                + witnessedVersion + ": the database was replaced; restore it", -1, witnessedVersion);
          }
          Head initial = Head.initial(keys, FORMAT);
          for (String sql : SCHEMA) {
            s.execute(sql);
          }
          insertHead(c, keys, initial);
          insertLog(c, initial, new byte[4]);
          LOG.info("created a new CAS store in {}", db);
        }
        // Registrations of replicas and backups: outside the head, each record bound to its identity by
        // BackupKeyWrap (read before the key is known, as SQLite's).
        s.execute(REGISTRATIONS_TABLE);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    }

    /** One snapshot: the head, every row, and the chain from the witnessed head to the database's. */
    private void verifyDatabase(Connection c) throws SQLException, IOException {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      Head found;
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT format, store_id, version, digest, prev_mac, mac FROM head")) {
          if (!rs.next()) {
            throw new StoreIntegrityException(db + " has no head row");
          }
          found = checkedHead(keys, rs, db, keyStorePath.toString());
          if (rs.next()) {
            throw new StoreIntegrityException(db + " has more than one head row");
          }
        }
        scanAll(s, keys, index, found, db);
        Head witnessed = new Head(witnessedVersion, null, null, witnessedMac);
        verifiedChain(c, keys, db, witnessed, found);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      } finally {
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      }
      head = found;
      if (found.version() > witnessedVersion) {
        SecureFiles.writeAtomically(keyStorePath, KeyStoreFile.encode(keys, sealed, found.version(), found.mac()));
        witnessedVersion = found.version();
      }
    }

    void release() {
      for (Slot s : readers) {
        s.close();
      }
      if (writer != null) {
        writer.close();
      }
      if (lock != null) {
        lock.release();
      }
    }
  }

  // ---------------------------------------------------------------- the head log

  /** A head of the log and the keys of the rows its write changed. */
  private record LogEntry(Head head, List<RowKey> changes) {}

  /**
   * The log entries after {@code from} up to {@code to} (the database's head, already checked), verified as one
   * MAC chain that starts at {@code from}'s MAC. Throws {@link StoreRollbackException} if {@code to} is older
   * than {@code from} or does not descend from it, {@link StoreIntegrityException} if the log is broken.
   */
  private static List<LogEntry> verifiedChain(Connection c, StoreKeys keys, String db, Head from, Head to)
      throws SQLException {
    if (to.version() < from.version()) {
      throw new StoreRollbackException(db + " is at state version " + to.version() + ", but this replica witnessed"
          + " version " + from.version() + ": the database was rolled back (restored from an older copy)",
          to.version(), from.version());
    }
    List<LogEntry> entries = new ArrayList<>();
    try (PreparedStatement p = c.prepareStatement("SELECT version, digest, prev_mac, mac, changes FROM head_log"
        + " WHERE version >= ? AND version <= ? ORDER BY version")) {
      p.setLong(1, from.version());
      p.setLong(2, to.version());
      try (ResultSet rs = p.executeQuery()) {
        long expected = from.version();
        byte[] prevMac = null;
        while (rs.next()) {
          long v = rs.getLong(1);
          String where = db + ": head log entry " + v;
          if (v != expected) {
            throw new StoreIntegrityException(db + ": the head log lacks state version " + expected);
          }
          byte[] digest = bytesColumn(rs, 2, Digest256.LENGTH, where + " digest");
          byte[] prev = bytesColumn(rs, 3, Crypto.MAC_LENGTH, where + " prev_mac");
          byte[] mac = bytesColumn(rs, 4, Crypto.MAC_LENGTH, where + " mac");
          if (v == from.version()) {
            if (!MessageDigest.isEqual(mac, from.mac())) {
              throw new StoreRollbackException(db + " does not continue the history this replica witnessed: its"
                  + " state version " + v + " is another state than the one witnessed; it is a fork (a rollback"
                  + " followed by new writes)", to.version(), from.version());
            }
          } else {
            if (!MessageDigest.isEqual(prev, prevMac) || !MessageDigest.isEqual(keys.headMac(FORMAT, v, digest, prev),
                mac)) {
              throw new StoreIntegrityException(where + " fails its MAC or does not chain to the entry before it");
            }
            entries.add(new LogEntry(new Head(v, digest, prev, mac), parseChanges(bytesColumn(rs, 5, -1,
                where + " changes"), where)));
          }
          prevMac = mac;
          expected++;
        }
        if (expected != to.version() + 1) {
          throw new StoreIntegrityException(db + ": the head log lacks state version " + expected);
        }
        if (!MessageDigest.isEqual(prevMac, to.mac())) {
          throw new StoreIntegrityException(db + ": the head log's entry " + to.version() + " is not the head");
        }
      }
    }
    return entries;
  }

  private static void insertLog(Connection c, Head h, byte[] changes) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("INSERT INTO head_log (version, digest, prev_mac, mac, changes)"
        + " VALUES (?, ?, ?, ?, ?)")) {
      p.setLong(1, h.version());
      p.setBytes(2, h.digest());
      p.setBytes(3, h.prevMac());
      p.setBytes(4, h.mac());
      p.setBytes(5, changes);
      p.executeUpdate();
    }
  }

  /** {@code u32 count ‖ (u8 table ‖ field(name UTF-8) ‖ field(tag))*}. */
  private static byte[] encodeChanges(Set<RowKey> keys) {
    Bytes.Writer w = new Bytes.Writer(64 * keys.size() + 4).u32(keys.size());
    for (RowKey k : keys) {
      w.u8(k.table().id).field(k.name().getBytes(StandardCharsets.UTF_8)).field(k.tagBytes());
    }
    return w.toByteArray();
  }

  private static List<RowKey> parseChanges(byte[] data, String where) {
    try {
      Bytes.Reader r = new Bytes.Reader(data);
      byte[] countBytes = r.raw(4, "the count");
      int count = ((countBytes[0] & 0xff) << 24) | ((countBytes[1] & 0xff) << 16) | ((countBytes[2] & 0xff) << 8)
          | (countBytes[3] & 0xff);
      if (count < 0 || count > 1_000_000) {
        throw new Bytes.MalformedException("impossible count " + count);
      }
      List<RowKey> keys = new ArrayList<>(Math.min(count, 16));
      for (int i = 0; i < count; i++) {
        int id = r.u8("the table");
        Table t = Arrays.stream(Table.values()).filter(x -> x.id == id).findFirst()
            .orElseThrow(() -> new Bytes.MalformedException("unknown table " + id));
        String name = new String(r.field("a name", 4 * MAX_SESSION_NAME_LENGTH), StandardCharsets.UTF_8);
        byte[] tag = r.field("a tag", HASH_LENGTH);
        if (t == Table.BLOBS && !name.equals(RowKey.PROVISIONING_BLOB)) {
          Names.blob(name);
        } else if (t != Table.BLOBS) {
          Names.session(name);
        }
        if (t.tagged != (tag.length == HASH_LENGTH) || (!t.tagged && tag.length != 0)) {
          throw new Bytes.MalformedException("a tag of " + tag.length + " bytes in table " + t.sqlName);
        }
        keys.add(t.tagged ? RowKey.version(name, tag) : new RowKey(t, name, ""));
      }
      r.end();
      return keys;
    } catch (Bytes.MalformedException | IllegalArgumentException e) {
      throw new StoreIntegrityException(where + ": its list of changed rows is malformed: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- catching up

  /**
   * Brings {@link #head} and {@link #index} to {@code target}, the database head seen on {@code c} (in a snapshot
   * or under the head lock, so the rows read here belong to it). Returns false if this replica's view is already
   * newer than {@code target} (the caller's snapshot is older: it retries).
   */
  private boolean catchUp(Connection c, Head target) throws SQLException {
    Lock l = view.writeLock();
    l.lock();
    try {
      Head current = head;
      if (target.version() < current.version()) {
        return false;
      }
      if (target.version() == current.version()) {
        if (!MessageDigest.isEqual(target.mac(), current.mac())) {
          throw rollback(new StoreRollbackException(db + " is at state version " + target.version() + " like this"
              + " replica, but in another state: it is a fork (a rollback followed by new writes)",
              target.version(), current.version()));
        }
        return true;
      }
      List<LogEntry> entries;
      try {
        entries = verifiedChain(c, keys, db, current, target);
      } catch (StoreRollbackException e) {
        throw rollback(e);
      } catch (StoreIntegrityException e) {
        throw integrity(e.getMessage());
      }
      Set<RowKey> changed = new LinkedHashSet<>();
      entries.forEach(e -> changed.addAll(e.changes()));
      Digest256 digest = current.digest256();
      Map<RowKey, byte[]> updates = new HashMap<>();
      for (RowKey key : changed) {
        byte[] ct = StoreTx.select(c, key);
        if (ct != null && (ct.length < Crypto.AEAD_OVERHEAD || ct.length > MAX_VALUE_BYTES + Crypto.AEAD_OVERHEAD)) {
          throw integrity(key.describe() + " has a ciphertext of impossible length " + ct.length);
        }
        byte[] term = ct == null ? null : keys.term(key, ct);
        byte[] old = index.get(key);
        if (old != null) {
          digest.subtract(old);
        }
        if (term != null) {
          digest.add(term);
        }
        updates.put(key, term);
      }
      if (!MessageDigest.isEqual(digest.bytes(), target.digest())) {
        throw integrity(db + " does not match its head at state version " + target.version() + ": rows were"
            + " changed, added, removed or swapped behind the store's back");
      }
      updates.forEach((k, term) -> {
        if (term == null) {
          index.remove(k);
        } else {
          index.put(k, term);
        }
      });
      head = target;
      return true;
    } finally {
      l.unlock();
    }
  }

  /** The database head as read in the columns of {@link #checkedHead} at {@code rs}'s current row. */
  private Head headAt(ResultSet rs) throws SQLException {
    try {
      return checkedHead(keys, rs, db, keyStorePath.toString());
    } catch (StoreIntegrityException e) {
      throw integrity(e.getMessage());
    }
  }

  private static final String HEAD_COLUMNS = "h.format, h.store_id, h.version, h.digest, h.prev_mac, h.mac";

  /**
   * Brings this replica's view up to the database's current head (for listing and the state version), and
   * records what it witnessed.
   */
  private void sync() {
    for (int attempt = 1; ; attempt++) {
      Head before = head;
      Boolean done = withReader("reading the head", c -> {
        Head found;
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT " + HEAD_COLUMNS + " FROM head h WHERE h.id = 1")) {
          if (!rs.next()) {
            throw integrity(db + " lost its head row");
          }
          found = headAt(rs);
        }
        requireNotBehind(found, before);
        return catchUp(c, found);
      });
      if (done) {
        witness(head, false);
        return;
      }
      if (attempt >= READ_ATTEMPTS) {
        throw new StoreException("could not read " + db + " consistently: its head moved " + attempt + " times"
            + " while reading; retry");
      }
    }
  }

  private void requireNotBehind(Head found, Head before) {
    if (found.version() < before.version()) {
      throw rollback(new StoreRollbackException(db + " is at state version " + found.version() + ", but this replica"
          + " has seen version " + before.version() + ": the database was rolled back (restored from an older"
          + " copy)", found.version(), before.version()));
    }
  }

  // ---------------------------------------------------------------- reads

  /**
   * Reads a row and the head in one statement (one snapshot), catches up if the head moved, and checks the row
   * against its term. A row the index does not know is ignored (it was added behind the store's back; a write
   * to it is refused).
   */
  @Override
  Optional<byte[]> read(RowKey key) {
    return withOpenStore(() -> {
      for (int attempt = 1; ; attempt++) {
        Head before = head;
        Optional<byte[]> result = withReader("reading " + key.describe(), c -> {
          Head found;
          byte[] ct;
          String sql = "SELECT " + HEAD_COLUMNS + ", (" + key.table().select() + ") FROM head h WHERE h.id = 1";
          try (PreparedStatement p = c.prepareStatement(sql)) {
            StoreTx.bindKey(p, 1, key);
            try (ResultSet rs = p.executeQuery()) {
              if (!rs.next()) {
                throw integrity(db + " lost its head row");
              }
              found = headAt(rs);
              Object v = rs.getObject(7);
              ct = v == null ? null : v instanceof byte[] b ? b : new byte[0];
            }
          }
          requireNotBehind(found, before);
          if (!catchUp(c, found)) {
            return null;
          }
          Lock l = view.readLock();
          l.lock();
          try {
            if (head.version() != found.version()) {
              return null; // moved on meanwhile: the index no longer describes this snapshot
            }
            byte[] expected = index.get(key);
            if (expected == null) {
              return Optional.<byte[]>empty();
            }
            checkRow(key, ct, expected);
            return Optional.of(ct);
          } finally {
            l.unlock();
          }
        });
        if (result != null) {
          witness(head, false);
          return result.map(ct -> decrypt(key, ct));
        }
        if (attempt >= READ_ATTEMPTS) {
          throw new StoreException("could not read " + key.describe() + " consistently: the head of " + db
              + " moved " + attempt + " times while reading; retry");
        }
      }
    });
  }

  @Override
  Iterable<RowKey> keysFrom(RowKey from) {
    sync();
    return index.tailMap(from).keySet();
  }

  @FunctionalInterface
  private interface SqlBody<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs {@code body} in a read-only REPEATABLE READ transaction on a pooled connection. */
  private <T> T withReader(String what, SqlBody<T> body) {
    Slot slot;
    try {
      slot = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while " + what);
    }
    try {
      Connection c = slot.connection();
      try {
        T result = body.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      slot.close(); // reconnect at next use: the connection may be broken
      throw new StoreException("database error while " + what + " in " + db + ": " + e.getMessage(), e);
    } finally {
      readers.add(slot);
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * One write, serialized across replicas by the head row lock: lock the head, catch up to it, run the action
   * against the now current index, update the head and append it to the log, commit; then update the view and
   * record the new head in this replica's key store before returning. If that record fails, the write is
   * committed but reported as failed, and this replica accepts no further write until the record succeeds.
   */
  @Override
  <T> T write(String what, WriteAction<T> action) {
    return withOpenStore(() -> {
      writeLock.lock();
      try {
        requireHealthy();
        witness(head, true);
        Head next = null;
        StoreTx tx;
        T result;
        try {
          Connection c = writer.connection();
          try {
            Head found;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT " + HEAD_COLUMNS + " FROM head h WHERE h.id = 1 FOR UPDATE")) {
              if (!rs.next()) {
                throw integrity(db + " lost its head row");
              }
              found = headAt(rs);
            }
            requireNotBehind(found, head);
            if (!catchUp(c, found)) {
              throw new IllegalStateException("the view is newer than the locked head"); // cannot happen
            }
            if (head.version() >= MAX_VERSION) {
              throw new StoreException("the store has reached " + MAX_VERSION + " writes under its data key; it must"
                  + " be re-keyed (migrated into a new store) before it accepts more");
            }
            tx = new StoreTx(this, c, index, head.digest256());
            result = action.apply(tx);
            if (!tx.pending.isEmpty()) {
              next = head.next(keys, FORMAT, tx.digest);
              if (!updateHead(c, next, head.version())) {
                throw integrity(db + ": the head changed while this replica held its lock");
              }
              insertLog(c, next, encodeChanges(tx.pending.keySet()));
              c.commit();
            } else {
              c.rollback();
            }
          } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
          }
        } catch (SQLException e) {
          writer.close();
          throw new StoreException("database error while " + what + " in " + db + ": " + e.getMessage(), e);
        }
        if (next == null) {
          return result;
        }
        Lock l = view.writeLock();
        l.lock();
        try {
          tx.pending.forEach((k, term) -> {
            if (term == null) {
              index.remove(k);
            } else {
              index.put(k, term);
            }
          });
          head = next;
        } finally {
          l.unlock();
        }
        witness(next, true);
        return result;
      } finally {
        writeLock.unlock();
      }
    });
  }

  /**
   * Records {@code h} in this replica's key store if it is newer than what is recorded. For writes a failure is
   * reported ({@code required}); after reads it is logged and retried at the next operation.
   */
  private synchronized void witness(Head h, boolean required) {
    if (h.version() <= witnessedVersion) {
      return;
    }
    try {
      SecureFiles.writeAtomically(keyStorePath, KeyStoreFile.encode(keys, sealedDataKey, h.version(), h.mac()));
      witnessedVersion = h.version();
    } catch (IOException e) {
      String message = "state version " + h.version() + " is committed to " + db + ", but this replica's key store "
          + keyStorePath + " could not record it (" + e + "); the record is retried before the next write";
      if (required) {
        throw new StoreException(message, e);
      }
      LOG.warn("CAS store {}: {}", dir, message);
    }
  }

  // ---------------------------------------------------------------- store

  @Override
  public long stateVersion() {
    return withOpenStore(() -> {
      sync();
      return head.version();
    });
  }

  /** The registrations table (see {@link BackupKeyWrap}). */
  static final String REGISTRATIONS_TABLE = "CREATE TABLE IF NOT EXISTS backup_registrations (key_hash TEXT COLLATE"
      + " \"C\" NOT NULL PRIMARY KEY, platform_id TEXT NOT NULL, store_id BYTEA NOT NULL, eph_spki BYTEA NOT NULL,"
      + " ct BYTEA NOT NULL)";

  /**
   * Records the store's key material wrapped for another replica or a backup CAS ({@link BackupKeyWrap}), replacing
   * an earlier registration of the same key hash; that CAS then joins the store ({@link
   * DataKeySource#registration}). The caller has attested it. Not a state change (the head does not move).
   */
  public void registerBackup(byte[] spki, String keyHash, String platformId) {
    withOpenStore(() -> {
      BackupKeyWrap.Wrapped w = BackupKeyWrap.wrapSealed(sealer, sealedDataKey, spki, keyHash, platformId, dir.toString());
      try (Connection c = database.connect();
          PreparedStatement ps = c.prepareStatement("INSERT INTO backup_registrations (key_hash, platform_id,"
              + " store_id, eph_spki, ct) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET platform_id ="
              + " EXCLUDED.platform_id, store_id = EXCLUDED.store_id, eph_spki = EXCLUDED.eph_spki, ct = EXCLUDED.ct")) {
        ps.setString(1, keyHash);
        ps.setString(2, platformId);
        ps.setBytes(3, w.storeId());
        ps.setBytes(4, w.ephemeralSpki());
        ps.setBytes(5, w.ct());
        ps.executeUpdate();
        return null;
      } catch (SQLException e) {
        throw new StoreException("cannot record the registration in " + db + ": " + e.getMessage(), e);
      }
    });
  }

  @Override
  String label() {
    return database.displayUrl() + " (replica state " + dir + ")";
  }

  @Override
  void closeNow() {
    writeLock.lock();
    try {
      if (!failed()) {
        witness(head, false);
      }
    } finally {
      writeLock.unlock();
    }
    Slot s;
    while ((s = readers.poll()) != null) {
      s.close();
    }
    writer.close();
    lock.release();
    LOG.info("CAS store {} (replica state {}) closed at state version {}", database.displayUrl(), dir, head.version());
  }

  @Override
  public String toString() {
    return "PostgresCasStore[" + database.displayUrl() + ", replica " + dir + ", version " + head.version()
        + (failed() ? ", failed" : "") + "]";
  }

  // ---------------------------------------------------------------- failure

  /** Messages that name the database already say where; the others get the database's name in front. */
  @Override
  String integrityMessage(String detail) {
    return detail.startsWith(db) ? detail : "CAS store " + db + ": " + detail;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the connection is broken; it is replaced
    }
  }

  /** A connection that is made again after it failed. Used by one thread at a time. */
  private static final class Slot {
    private final PostgresDatabase database;
    private final boolean reader;
    private Connection connection;

    /** A slot; a writer connects at once (so that open fails early), a reader at first use. */
    Slot(PostgresDatabase database, boolean reader) throws SQLException {
      this.database = database;
      this.reader = reader;
      if (!reader) {
        connection();
      }
    }

    Connection connection() throws SQLException {
      if (connection == null) {
        Connection c = database.connect();
        try {
          c.setAutoCommit(false);
          c.setTransactionIsolation(reader ? Connection.TRANSACTION_REPEATABLE_READ
              : Connection.TRANSACTION_READ_COMMITTED);
          c.setReadOnly(reader);
        } catch (SQLException e) {
          c.close();
          throw e;
        }
        connection = c;
      }
      return connection;
    }

    void close() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          LOG.debug("closing a database connection failed: {}", e.getMessage());
        }
        connection = null;
      }
    }
  }
}
