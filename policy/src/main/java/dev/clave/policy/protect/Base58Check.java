package dev.clave.policy.protect;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Base58Check: Base58 of {@code version ‖ payload ‖ checksum}, where the checksum is the first 4 bytes of
 * SHA-256(SHA-256(version ‖ payload)). SCONE writes certificate key hashes with version {@code 0x01} and, in an
 * older format, Ed25519 signer keys with version {@code 0x0a} (reference §2.4, §1.9).
 *
 * <p>{@link #decode(String, int, int)} checks, in this order: the characters, the decoded length, the checksum
 * (so corrupt text is reported as such) and then the version (so a well-formed value of another kind, such as a
 * signer key where a key hash belongs, is reported as the wrong kind).
 */
public final class Base58Check {
  static final int CHECKSUM_LENGTH = 4;

  private Base58Check() {}

  /** A decoded value: its version byte (0–255) and payload. */
  public record Decoded(int version, byte[] payload) {
    public Decoded {
      payload = payload.clone();
    }

    @Override
    public byte[] payload() {
      return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Decoded d && d.version == version && Arrays.equals(d.payload, payload);
    }

    @Override
    public int hashCode() {
      return 31 * version + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
      return "Decoded[version=" + version + ", payload=" + payload.length + " bytes]";
    }
  }

  public static String encode(int version, byte[] payload) {
    if (version < 0 || version > 0xff) {
      throw new IllegalArgumentException("Base58Check version " + version + " is not a byte (0-255)");
    }
    byte[] data = new byte[1 + payload.length + CHECKSUM_LENGTH];
    data[0] = (byte) version;
    System.arraycopy(payload, 0, data, 1, payload.length);
    byte[] check = checksum(data, 1 + payload.length);
    System.arraycopy(check, 0, data, 1 + payload.length, CHECKSUM_LENGTH);
    return Base58.encode(data);
  }

  /**
   * Decodes a value of a known kind.
   *
   * @param expectedVersion the version byte the value must carry
   * @param payloadLength the exact payload length
   * @return the payload
   * @throws InvalidEncodingException naming the first problem: bad character (and its position), wrong length,
   *     bad checksum, wrong version
   */
  public static byte[] decode(String text, int expectedVersion, int payloadLength) {
    byte[] data = Base58.decode(text);
    int expected = 1 + payloadLength + CHECKSUM_LENGTH;
    if (data.length != expected) {
      throw new InvalidEncodingException("wrong length: decodes to " + data.length + " bytes, expected " + expected
          + " (version 1 + payload " + payloadLength + " + checksum " + CHECKSUM_LENGTH + ")");
    }
    verifyChecksum(data);
    int version = data[0] & 0xff;
    if (version != expectedVersion) {
      throw new InvalidEncodingException(String.format("wrong version 0x%02x, expected 0x%02x", version, expectedVersion));
    }
    return Arrays.copyOfRange(data, 1, 1 + payloadLength);
  }

  /** Decodes a value of any version with a payload of at least one byte. */
  public static Decoded decode(String text) {
    byte[] data = Base58.decode(text);
    if (data.length < 1 + 1 + CHECKSUM_LENGTH) {
      throw new InvalidEncodingException("too short: decodes to " + data.length
          + " bytes, need at least version 1 + payload 1 + checksum " + CHECKSUM_LENGTH);
    }
    verifyChecksum(data);
    return new Decoded(data[0] & 0xff, Arrays.copyOfRange(data, 1, data.length - CHECKSUM_LENGTH));
  }

  private static void verifyChecksum(byte[] data) {
    int bodyLength = data.length - CHECKSUM_LENGTH;
    byte[] computed = checksum(data, bodyLength);
    byte[] written = Arrays.copyOfRange(data, bodyLength, data.length);
    if (!MessageDigest.isEqual(computed, written)) {
      throw new InvalidEncodingException("bad checksum (a character is wrong or missing)");
    }
  }

  private static byte[] checksum(byte[] data, int length) {
    MessageDigest sha256 = sha256();
    sha256.update(data, 0, length);
    byte[] once = sha256.digest();
    return Arrays.copyOf(sha256.digest(once), CHECKSUM_LENGTH);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
