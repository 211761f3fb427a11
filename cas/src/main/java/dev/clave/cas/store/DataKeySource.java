package dev.clave.cas.store;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a replica of a shared store gets the store's data key and store id the first time it opens (afterwards
 * it keeps them in its own sealed key store). Every replica of one store must get the same key material.
 *
 * <p>{@link #registration}: an attested registration — a running replica attests the new one and wraps the key
 * for its CAS key ({@link PostgresCasStore#registerBackup}); the first replica of an empty database makes the key.
 * {@link #sealedKeyFile}: a sealed file that all replicas can read and unseal (a shared directory, and in
 * simulation its sealing secret).
 */
@FunctionalInterface
public interface DataKeySource {
  /** The key material of the store; the caller wipes it ({@link KeyMaterial#wipe}) after use. */
  KeyMaterial keyMaterial();

  /** A data key (32 bytes) and store id (16 bytes). Never printed. */
  final class KeyMaterial {
    private final byte[] dataKey;
    private final byte[] storeId;
    private final boolean fresh;

    public KeyMaterial(byte[] dataKey, byte[] storeId) {
      this(dataKey, storeId, false);
    }

    /** {@code fresh}: made just now for a store that does not exist yet (the first replica's). */
    KeyMaterial(byte[] dataKey, byte[] storeId, boolean fresh) {
      this.fresh = fresh;
      if (dataKey.length != Crypto.KEY_LENGTH || storeId.length != StoreKeys.STORE_ID_LENGTH) {
        throw new IllegalArgumentException("a data key has " + Crypto.KEY_LENGTH + " bytes and a store id "
            + StoreKeys.STORE_ID_LENGTH);
      }
      this.dataKey = dataKey.clone();
      this.storeId = storeId.clone();
    }

    byte[] dataKey() {
      return dataKey;
    }

    boolean fresh() {
      return fresh;
    }

    byte[] storeId() {
      return storeId.clone();
    }

    public void wipe() {
      Arrays.fill(dataKey, (byte) 0);
    }

    @Override
    public String toString() {
      return "KeyMaterial[]";
    }
  }

  /**
   * The key in {@value SealedKeyFile#FILE} in {@code dir}, sealed by {@code sealer}; created with a fresh random
   * key by the first replica that finds none.
   */
  static DataKeySource sealedKeyFile(Path dir, Sealer sealer) {
    return new SealedKeyFile(dir, sealer);
  }

  /**
   * The key from this CAS's registration in {@code database} (unwrapped with {@code self}'s key), or a fresh key
   * when the database holds no store yet.
   *
   * @throws NotRegisteredException when the store exists and has no registration for {@code self}
   */
  static DataKeySource registration(PostgresDatabase database, BackupIdentity self) {
    return new RegisteredKey(database, self);
  }
}
