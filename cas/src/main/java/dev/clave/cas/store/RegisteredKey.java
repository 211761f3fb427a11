package dev.clave.cas.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * {@link DataKeySource#registration}: a replica of a PostgreSQL-backed CAS gets the store's key the way a backup
 * does — from a registration a running replica made for its CAS key after attesting it — or, the first replica
 * of an empty database, makes it.
 */
final class RegisteredKey implements DataKeySource {
  private final PostgresDatabase database;
  private final BackupIdentity self;

  RegisteredKey(PostgresDatabase database, BackupIdentity self) {
    this.database = database;
    this.self = self;
  }

  @Override
  public KeyMaterial keyMaterial() {
    String db = "the database " + database.displayUrl();
    try (Connection c = database.connect()) {
      byte[] storeId;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT to_regclass('head') IS NOT NULL")) {
        boolean present = rs.next() && rs.getBoolean(1);
        if (!present) {
          byte[] key = Crypto.random(Crypto.KEY_LENGTH);
          try {
            return new KeyMaterial(key, Crypto.random(StoreKeys.STORE_ID_LENGTH), true);
          } finally {
            java.util.Arrays.fill(key, (byte) 0);
          }
        }
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT store_id FROM head")) {
        if (!rs.next()) {
          throw new StoreIntegrityException(db + " has no head row");
        }
        storeId = rs.getBytes(1);
      }
      String store = "store " + (storeId == null ? "?" : HexFormat.of().formatHex(storeId));
      boolean table;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT to_regclass('backup_registrations') IS NOT NULL")) {
        table = rs.next() && rs.getBoolean(1);
      }
      BackupKeyWrap.Wrapped w = table ? BackupKeyWrap.find(c, self.keyHash()) : null;
      if (w == null) {
        throw new NotRegisteredException(db + " holds " + store + ", which has no registration for this replica (key"
            + " hash " + self.keyHash() + ", platform " + self.platform() + "). On a running replica, as the owner:"
            + " clave cas register-backup THIS_REPLICA_ADDR --cas RUNNING_REPLICA_ADDR");
      }
      if (storeId == null) {
        throw new StoreIntegrityException(db + " has a head row without a store id");
      }
      return BackupKeyWrap.open(w, self, storeId, db, "");
    } catch (SQLException e) {
      throw new StoreException("cannot read the registrations in " + db + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "registration for " + self.keyHash();
  }
}
