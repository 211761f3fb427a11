package dev.clave.cas.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/**
 * The rows one write changes, and the digest they lead to: the part of a write both stores share. It reads rows
 * checked against the store's index of row terms (plus its own pending changes) and writes them with the
 * {@link Table} statements, which both SQLite and PostgreSQL accept. Used by one thread, under the store's write
 * serialization; the store applies {@link #pending} to its index after the commit.
 */
final class StoreTx {
  private final AbstractCasStore store;
  private final Connection connection;
  private final NavigableMap<RowKey, byte[]> index;
  final Digest256 digest;
  /** New terms of changed rows; null for deleted rows. */
  final Map<RowKey, byte[]> pending = new LinkedHashMap<>();

  StoreTx(AbstractCasStore store, Connection connection, NavigableMap<RowKey, byte[]> index, Digest256 digest) {
    this.store = store;
    this.connection = connection;
    this.index = index;
    this.digest = digest;
  }

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
    byte[] ct = select(connection, key);
    store.checkRow(key, ct, expected);
    return store.decrypt(key, ct);
  }

  /** The stored versions of a session (as of the index: a write adds at most one, after reading these). */
  List<RowKey> versions(String name) {
    RowKey from = new RowKey(Table.SESSION_VERSIONS, name, "");
    RowKey to = new RowKey(Table.SESSION_VERSIONS, name, "\uffff");
    return List.copyOf(index.subMap(from, true, to, true).keySet());
  }

  void put(RowKey key, byte[] plaintext) throws SQLException {
    byte[] ct = store.keys.encrypt(key, plaintext);
    byte[] old = term(key);
    if (old == null) {
      try (PreparedStatement p = connection.prepareStatement(key.table().insert())) {
        int next = bindKey(p, 1, key);
        p.setBytes(next, ct);
        if (p.executeUpdate() != 1) {
          throw store.integrity(key.describe() + " has a row in the database that the head does not contain: it"
              + " was added");
        }
      }
    } else {
      try (PreparedStatement p = connection.prepareStatement(key.table().update())) {
        p.setBytes(1, ct);
        bindKey(p, 2, key);
        if (p.executeUpdate() != 1) {
          throw store.integrity(key.describe() + " is missing from the database: its row was deleted");
        }
      }
      digest.subtract(old);
    }
    byte[] term = store.keys.term(key, ct);
    digest.add(term);
    pending.put(key, term);
  }

  boolean delete(RowKey key) throws SQLException {
    byte[] old = term(key);
    if (old == null) {
      return false;
    }
    try (PreparedStatement p = connection.prepareStatement(key.table().delete())) {
      bindKey(p, 1, key);
      if (p.executeUpdate() != 1) {
        throw store.integrity(key.describe() + " is missing from the database: its row was deleted");
      }
    }
    digest.subtract(old);
    pending.put(key, null);
    return true;
  }

  /** The row's ciphertext, or null if there is no such row. */
  static byte[] select(Connection c, RowKey key) throws SQLException {
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

  static int bindKey(PreparedStatement p, int first, RowKey key) throws SQLException {
    p.setString(first, key.name());
    if (key.table().tagged) {
      p.setBytes(first + 1, key.tagBytes());
      return first + 2;
    }
    return first + 1;
  }
}
