package dev.clave.cas.store;

/**
 * The stored state is authentic but not the latest one the key store vouches for: the database was restored
 * from an older copy (or is a fork of the history), or the key store is older than the database. The store
 * refuses to open rather than serve stale state.
 */
public final class StoreRollbackException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final long databaseVersion;
  private final long keyStoreVersion;

  public StoreRollbackException(String message, long databaseVersion, long keyStoreVersion) {
    super(message);
    this.databaseVersion = databaseVersion;
    this.keyStoreVersion = keyStoreVersion;
  }

  /** The state version found in the database, or -1 if the database is missing. */
  public long databaseVersion() {
    return databaseVersion;
  }

  /** The state version the key store vouches for. */
  public long keyStoreVersion() {
    return keyStoreVersion;
  }
}
