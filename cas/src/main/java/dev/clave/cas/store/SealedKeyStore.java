package dev.clave.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and creates a store's key store file ({@link KeyStoreFile}): the data key sealed by a {@link Sealer}, and
 * the state version and head MAC the store last recorded. Shared by both stores: the SQLite store's key store
 * vouches for its database, a PostgreSQL replica's for the newest head that replica has witnessed.
 */
final class SealedKeyStore {
  /** An unsealed, MAC-checked key store. */
  record Loaded(StoreKeys keys, byte[] sealed, long version, byte[] headMac) {
    @Override
    public String toString() {
      return "SealedKeyStore.Loaded[version " + version + "]";
    }
  }

  private SealedKeyStore() {}

  /** Reads, unseals and MAC-checks the key store at {@code path}. */
  static Loaded read(Path path, Sealer sealer) throws IOException {
    SecureFiles.requireOwnerOnly(path, "the key store");
    if (Files.size(path) > KeyStoreFile.MAX_FILE_LENGTH) {
      throw new StoreIntegrityException("the key store " + path + " has " + Files.size(path)
          + " bytes; a key store has at most " + KeyStoreFile.MAX_FILE_LENGTH);
    }
    KeyStoreFile.Parsed parsed;
    try {
      parsed = KeyStoreFile.parse(Files.readAllBytes(path));
    } catch (Bytes.MalformedException e) {
      throw new StoreIntegrityException("the key store " + path + " is malformed: " + e.getMessage());
    }
    byte[] payload;
    try {
      payload = sealer.unseal(parsed.sealed(), KeyStoreFile.SEAL_AAD);
    } catch (UnsealException e) {
      throw new UnsealException("cannot unseal the key store " + path + ": " + e.getMessage(), e);
    }
    StoreKeys keys;
    try {
      KeyStoreFile.Payload p = KeyStoreFile.parsePayload(payload);
      keys = new StoreKeys(p.dataKey(), p.storeId());
      Arrays.fill(p.dataKey(), (byte) 0);
    } catch (Bytes.MalformedException e) {
      throw new StoreIntegrityException("the key store " + path + " unseals to a malformed payload: "
          + e.getMessage());
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
    if (!parsed.verifies(keys)) {
      throw new StoreIntegrityException("the key store " + path + " fails its MAC: its version or head MAC was"
          + " changed");
    }
    return new Loaded(keys, parsed.sealed(), parsed.version(), parsed.headMac());
  }

  /**
   * Seals {@code dataKey} and {@code storeId} with {@code sealer} and writes a key store at version 0 (the initial
   * head) to {@code path}, atomically. The caller wipes {@code dataKey}.
   */
  static Loaded create(Path path, Sealer sealer, byte[] dataKey, byte[] storeId) throws IOException {
    byte[] payload = KeyStoreFile.payload(dataKey, storeId);
    byte[] sealed;
    StoreKeys keys;
    try {
      sealed = sealer.seal(payload, KeyStoreFile.SEAL_AAD);
      keys = new StoreKeys(dataKey, storeId);
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
    if (sealed.length > Sealer.MAX_SEALED_LENGTH) {
      throw new StoreException("the sealer produced " + sealed.length + " bytes; at most "
          + Sealer.MAX_SEALED_LENGTH + " fit in the key store");
    }
    Head initial = Head.initial(keys, AbstractCasStore.FORMAT);
    SecureFiles.writeAtomically(path, KeyStoreFile.encode(keys, sealed, 0, initial.mac()));
    return new Loaded(keys, sealed, 0, initial.mac());
  }
}
