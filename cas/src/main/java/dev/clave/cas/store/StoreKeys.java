package dev.clave.cas.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * The keys derived from a store's data key, each for one purpose (HKDF-SHA256, salt = store id, info = {@code
 * "clave-cas-store-v1 <purpose>"}), and the operations that use them:
 *
 * <ul>
 *   <li><b>content</b>: AES-256-GCM of every row's value; the associated data is the row's {@link #identity},
 *       so a ciphertext moved to another row (another table, name or tag) does not decrypt.
 *   <li><b>row</b>: the row's term in the head's multiset digest, HMAC(identity ‖ u32 length ‖ ct).
 *   <li><b>head</b>: the head MAC over format, store id, version, digest and the previous head MAC.
 *   <li><b>key-store</b>: the MAC of the key store file.
 *   <li><b>hash-tag</b>: the lookup tag of a session version, HMAC(name ‖ hash), so hashes are not stored in
 *       clear.
 *   <li><b>snapshot</b>: the MAC of a snapshot's manifest ({@link Snapshot}), so its time and files cannot be
 *       changed without the data key.
 * </ul>
 *
 * Holds key material; never printed.
 */
final class StoreKeys {
  static final int STORE_ID_LENGTH = 16;

  private static final byte[] ROW_DOMAIN = Bytes.ascii("clave-cas-row-v1\0");
  private static final byte[] HEAD_DOMAIN = Bytes.ascii("clave-cas-head-v1\0");

  private final byte[] storeId;
  private final SecretKey content;
  private final SecretKey row;
  private final SecretKey head;
  private final SecretKey keyStore;
  private final SecretKey hashTag;
  private final SecretKey snapshot;

  StoreKeys(byte[] dataKey, byte[] storeId) {
    this.storeId = storeId.clone();
    this.content = Crypto.aesKey(derive(dataKey, "content"));
    this.row = Crypto.macKey(derive(dataKey, "row"));
    this.head = Crypto.macKey(derive(dataKey, "head"));
    this.keyStore = Crypto.macKey(derive(dataKey, "key-store"));
    this.hashTag = Crypto.macKey(derive(dataKey, "hash-tag"));
    this.snapshot = Crypto.macKey(derive(dataKey, "snapshot"));
  }

  private byte[] derive(byte[] dataKey, String purpose) {
    return Crypto.hkdf(storeId, dataKey, Bytes.ascii("clave-cas-store-v1 " + purpose), Crypto.KEY_LENGTH);
  }

  byte[] storeId() {
    return storeId.clone();
  }

  /** {@code "clave-cas-row-v1\0" ‖ u8 table ‖ field(name UTF-8) ‖ field(tag)}. */
  static byte[] identity(RowKey key) {
    return new Bytes.Writer(64 + key.name().length()).raw(ROW_DOMAIN).u8(key.table().id)
        .field(key.name().getBytes(StandardCharsets.UTF_8)).field(key.tagBytes()).toByteArray();
  }

  byte[] encrypt(RowKey key, byte[] plaintext) {
    return Crypto.encrypt(content, plaintext, identity(key));
  }

  byte[] decrypt(RowKey key, byte[] ct) throws AEADBadTagException {
    return Crypto.decrypt(content, ct, identity(key));
  }

  byte[] term(RowKey key, byte[] ct) {
    return Crypto.hmac(row, identity(key), new Bytes.Writer(4).u32(ct.length).toByteArray(), ct);
  }

  byte[] headMac(int format, long version, byte[] digest, byte[] prevMac) {
    return Crypto.hmac(head, new Bytes.Writer(128).raw(HEAD_DOMAIN).u32(format).raw(storeId).u64(version)
        .raw(digest).raw(prevMac).toByteArray());
  }

  byte[] keyStoreMac(byte[] body) {
    return Crypto.hmac(keyStore, body);
  }

  byte[] snapshotMac(byte[] body) {
    return Crypto.hmac(snapshot, body);
  }

  byte[] hashTag(String name, byte[] hash) {
    return Crypto.hmac(hashTag, new Bytes.Writer(64 + name.length()).field(name).field(hash).toByteArray());
  }

  @Override
  public String toString() {
    return "StoreKeys[" + Arrays.hashCode(storeId) + "]";
  }
}
