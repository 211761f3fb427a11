package dev.clave.cas.store;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The key store file ({@value SqliteCasStore#KEY_STORE_FILE}): the sealed data key, and the version and head
 * MAC the store last committed.
 *
 * <pre>
 * magic "CLAVE-KS" (8) ‖ u8 format (1) ‖ u32 length ‖ sealed ‖ u64 version ‖ head MAC (32) ‖ file MAC (32)
 * </pre>
 *
 * {@code sealed} is {@link Sealer#seal} of {@code u8 1 ‖ data key (32) ‖ store id (16)} with associated data
 * {@code "clave-cas-key-store-v1"}; it is sealed once, when the store is created, and copied into every later
 * file. The file MAC is HMAC-SHA256 under the key-store key (derived from the data key) of everything before
 * it, so version and head cannot be changed without the data key.
 */
final class KeyStoreFile {
  static final byte[] SEAL_AAD = Bytes.ascii("clave-cas-key-store-v1");
  static final int MAX_FILE_LENGTH = 8 + 1 + 4 + Sealer.MAX_SEALED_LENGTH + 8 + 2 * Crypto.MAC_LENGTH;

  private static final byte[] MAGIC = Bytes.ascii("CLAVE-KS");
  private static final int FORMAT = 1;
  private static final int PAYLOAD_FORMAT = 1;

  /** A parsed file whose MAC is not yet checked (that needs the unsealed key). */
  record Parsed(byte[] sealed, long version, byte[] headMac, byte[] body, byte[] fileMac) {
    /** Whether the file MAC is right under {@code keys}. */
    boolean verifies(StoreKeys keys) {
      return MessageDigest.isEqual(keys.keyStoreMac(body), fileMac);
    }
  }

  /** The data key and store id inside the sealed part. */
  record Payload(byte[] dataKey, byte[] storeId) {
    @Override
    public String toString() {
      return "Payload[]";
    }
  }

  private KeyStoreFile() {}

  static byte[] payload(byte[] dataKey, byte[] storeId) {
    return new Bytes.Writer(64).u8(PAYLOAD_FORMAT).raw(dataKey).raw(storeId).toByteArray();
  }

  static Payload parsePayload(byte[] payload) throws Bytes.MalformedException {
    Bytes.Reader r = new Bytes.Reader(payload);
    int format = r.u8("the payload format");
    if (format != PAYLOAD_FORMAT) {
      throw new Bytes.MalformedException("the sealed payload has format " + format + ", expected " + PAYLOAD_FORMAT);
    }
    Payload p = new Payload(r.raw(Crypto.KEY_LENGTH, "the data key"), r.raw(StoreKeys.STORE_ID_LENGTH, "the store id"));
    r.end();
    return p;
  }

  static byte[] encode(StoreKeys keys, byte[] sealed, long version, byte[] headMac) {
    byte[] body = new Bytes.Writer(sealed.length + 64).raw(MAGIC).u8(FORMAT).field(sealed).u64(version).raw(headMac)
        .toByteArray();
    byte[] mac = keys.keyStoreMac(body);
    byte[] out = Arrays.copyOf(body, body.length + mac.length);
    System.arraycopy(mac, 0, out, body.length, mac.length);
    return out;
  }

  static Parsed parse(byte[] file) throws Bytes.MalformedException {
    if (file.length > MAX_FILE_LENGTH) {
      throw new Bytes.MalformedException("it has " + file.length + " bytes; a key store has at most "
          + MAX_FILE_LENGTH);
    }
    Bytes.Reader r = new Bytes.Reader(file);
    if (!Arrays.equals(r.raw(MAGIC.length, "the magic"), MAGIC)) {
      throw new Bytes.MalformedException("it does not start with \"CLAVE-KS\": not a Clave CAS key store");
    }
    int format = r.u8("the format");
    if (format != FORMAT) {
      throw new Bytes.MalformedException("it has format " + format + "; this Clave reads format " + FORMAT);
    }
    byte[] sealed = r.field("the sealed data key", Sealer.MAX_SEALED_LENGTH);
    long version = r.u64("the version");
    byte[] headMac = r.raw(Crypto.MAC_LENGTH, "the head MAC");
    int bodyLength = r.position();
    byte[] fileMac = r.raw(Crypto.MAC_LENGTH, "the file MAC");
    r.end();
    if (version < 0) {
      throw new Bytes.MalformedException("its version is negative");
    }
    return new Parsed(sealed, version, headMac, Arrays.copyOf(file, bodyLength), fileMac);
  }
}
