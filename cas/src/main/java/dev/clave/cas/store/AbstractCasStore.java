package dev.clave.cas.store;

import dev.clave.policy.protect.KeyHash;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import javax.crypto.AEADBadTagException;
import org.slf4j.Logger;

/**
 * What the SQLite and PostgreSQL stores share: the meaning of every {@link CasStore} operation (checks, rows
 * touched, compare-and-set), the row and head checks, and the provisioning encoding. An implementation supplies
 * how a row is read and verified, how a write is made atomic, and how an integrity failure stops the store.
 */
abstract class AbstractCasStore implements CasStore {
  /** The database format (head and rows); part of every head MAC. */
  static final int FORMAT = 1;

  /** Writes per data key: each write encrypts at most three rows, far below GCM's 2^32 random nonces. */
  static final long MAX_VERSION = 1L << 30;

  static final int HASH_LENGTH = Names.HASH_LENGTH;

  final StoreKeys keys;
  private final Logger log;
  /** Shared by operations, exclusive for {@link #close}. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private volatile StoreException failure;
  private boolean closed; // guarded by lifecycle

  AbstractCasStore(StoreKeys keys, Logger log) {
    this.keys = keys;
    this.log = log;
  }

  @FunctionalInterface
  interface WriteAction<T> {
    T apply(StoreTx tx) throws SQLException;
  }

  /** How messages name the store: its state directory, or its database. */
  abstract String label();

  /** Releases what the store holds; called once, with no operation running. */
  abstract void closeNow();

  /** The row's plaintext, verified; empty if the row does not exist. */
  abstract Optional<byte[]> read(RowKey key);

  /** One atomic write: the action's row changes and a new head, or nothing if it changed no row. */
  abstract <T> T write(String what, WriteAction<T> action);

  /** The row keys of a table from {@code from} on, in order, as of the verified state (for listing). */
  abstract Iterable<RowKey> keysFrom(RowKey from);

  // ---------------------------------------------------------------- lifecycle and failure

  /** Runs {@code body} if the store is open and healthy. */
  final <T> T withOpenStore(Supplier<T> body) {
    Lock l = lifecycle.readLock();
    l.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the CAS store " + label() + " is closed");
      }
      requireHealthy();
      return body.get();
    } finally {
      l.unlock();
    }
  }

  /** Throws if the store stopped serving after a failure. */
  final void requireHealthy() {
    StoreException f = failure;
    if (f instanceof StoreRollbackException r) {
      throw new StoreRollbackException("the CAS store " + label() + " stopped serving after detecting a rollback: "
          + f.getMessage(), r.databaseVersion(), r.keyStoreVersion());
    }
    if (f != null) {
      throw new StoreIntegrityException("the CAS store " + label() + " stopped serving after an integrity failure: "
          + f.getMessage(), f);
    }
  }

  final boolean failed() {
    return failure != null;
  }

  /** Records an integrity failure: from now on the store refuses every operation (fail closed). */
  final StoreIntegrityException integrity(String message) {
    StoreIntegrityException e = new StoreIntegrityException(integrityMessage(message));
    record(e, "integrity failure", message);
    return e;
  }

  /** The message of an integrity failure described by {@code detail}. */
  String integrityMessage(String detail) {
    return "CAS store " + label() + ": " + detail;
  }

  /** Records a rollback found while running: from now on the store refuses every operation (fail closed). */
  final StoreRollbackException rollback(StoreRollbackException e) {
    record(e, "rollback", e.getMessage());
    return e;
  }

  private void record(StoreException e, String kind, String detail) {
    synchronized (lifecycle) {
      if (failure != null) {
        return;
      }
      failure = e;
    }
    log.error("CAS store {}: {}, refusing to serve from now on: {}", label(), kind, detail);
  }

  /** Releases the store; acknowledged writes are durable. Idempotent; later operations throw. */
  @Override
  public final void close() {
    Lock l = lifecycle.writeLock();
    l.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closeNow();
    } finally {
      l.unlock();
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

  private ProvisioningState currentProvisioning(StoreTx tx) throws SQLException {
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
      List<String> names = new java.util.ArrayList<>();
      for (RowKey k : keysFrom(RowKey.session(prefix))) {
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
      for (RowKey version : tx.versions(name)) {
        tx.delete(version);
      }
      tx.delete(RowKey.secrets(name));
      return true;
    });
  }

  // ---------------------------------------------------------------- session secrets

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

  // ---------------------------------------------------------------- row and head checks

  void checkRow(RowKey key, byte[] ct, byte[] expectedTerm) {
    if (ct == null) {
      throw integrity(key.describe() + " is missing from the database: its row was deleted");
    }
    if (!MessageDigest.isEqual(keys.term(key, ct), expectedTerm)) {
      throw integrity(key.describe() + " was changed in the database: its row does not match the head");
    }
  }

  byte[] decrypt(RowKey key, byte[] ct) {
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

  /**
   * Reads every row of every table on {@code s} (one snapshot) into {@code index} (key → term) and checks that
   * together they make {@code head}'s digest.
   */
  static void scanAll(java.sql.Statement s, StoreKeys keys, Map<RowKey, byte[]> index, Head head, String db)
      throws SQLException {
    Digest256 digest = new Digest256();
    for (Table t : Table.values()) {
      try (ResultSet rs = s.executeQuery(t.scan())) {
        while (rs.next()) {
          String where = db + ", table " + t.sqlName;
          Map.Entry<RowKey, byte[]> row = scannedRow(keys, t, rs, where);
          if (index.putIfAbsent(row.getKey(), row.getValue()) != null) {
            throw new StoreIntegrityException(where + ", name " + Names.quote(row.getKey().name())
                + ": the row occurs twice");
          }
          digest.add(row.getValue());
        }
      }
    }
    if (!MessageDigest.isEqual(digest.bytes(), head.digest())) {
      throw new StoreIntegrityException(db + " does not match its head: rows were changed, added, removed or"
          + " swapped (checked " + index.size() + " rows at state version " + head.version() + ")");
    }
  }

  /** Inserts the head row of a new store. */
  static void insertHead(java.sql.Connection c, StoreKeys keys, Head initial) throws SQLException {
    try (java.sql.PreparedStatement p = c.prepareStatement("INSERT INTO head (id, format, store_id, version, digest,"
        + " prev_mac, mac) VALUES (1, ?, ?, ?, ?, ?, ?)")) {
      p.setInt(1, FORMAT);
      p.setBytes(2, keys.storeId());
      p.setLong(3, initial.version());
      p.setBytes(4, initial.digest());
      p.setBytes(5, initial.prevMac());
      p.setBytes(6, initial.mac());
      p.executeUpdate();
    }
  }

  /** Replaces the head at {@code currentVersion} with {@code next}; false if there was no such head. */
  static boolean updateHead(java.sql.Connection c, Head next, long currentVersion) throws SQLException {
    try (java.sql.PreparedStatement p = c.prepareStatement(
        "UPDATE head SET version = ?, digest = ?, prev_mac = ?, mac = ? WHERE id = 1 AND version = ?")) {
      p.setLong(1, next.version());
      p.setBytes(2, next.digest());
      p.setBytes(3, next.prevMac());
      p.setBytes(4, next.mac());
      p.setLong(5, currentVersion);
      return p.executeUpdate() == 1;
    }
  }

  /**
   * A row found in the database, checked for what can be checked without its term (a valid name, a tag of the
   * right length, a possible ciphertext length): its key and term. {@code rs} has the columns of {@link
   * Table#scan()}; {@code where} names the table for messages.
   */
  static Map.Entry<RowKey, byte[]> scannedRow(StoreKeys keys, Table t, ResultSet rs, String where)
      throws SQLException {
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
    return Map.entry(key, keys.term(key, ct));
  }

  /**
   * The head in the columns {@code format, store_id, version, digest, prev_mac, mac} of {@code rs} (positioned on
   * the row), checked: format, store id, lengths and MAC.
   */
  static Head checkedHead(StoreKeys keys, ResultSet rs, String db, String keyStore) throws SQLException {
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
    if (!MessageDigest.isEqual(storeId, keys.storeId())) {
      throw new StoreIntegrityException(db + " belongs to another store than the key store " + keyStore
          + " (their store ids differ), or its store id was changed");
    }
    if (!MessageDigest.isEqual(keys.headMac(FORMAT, version, digest, prevMac), mac)) {
      throw new StoreIntegrityException(db + ": the head fails its MAC: its version, digest or MACs were changed");
    }
    return new Head(version, digest, prevMac, mac);
  }

  static byte[] bytesColumn(ResultSet rs, int column, int length, String what) throws SQLException {
    Object v = rs.getObject(column);
    if (!(v instanceof byte[] b)) {
      throw new StoreIntegrityException(what + " is not a blob");
    }
    if (length >= 0 && b.length != length) {
      throw new StoreIntegrityException(what + " has " + b.length + " bytes instead of " + length);
    }
    return b;
  }

  static void checkSize(String what, byte[] value) {
    requireArgument(value, what);
    if (value.length > MAX_VALUE_BYTES) {
      throw new StoreLimitException(what, value.length, MAX_VALUE_BYTES);
    }
  }

  static <T> T requireArgument(T value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    return value;
  }
}
