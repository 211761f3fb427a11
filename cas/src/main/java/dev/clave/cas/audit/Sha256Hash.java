package dev.clave.cas.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SHA-256 value of the audit log: a leaf hash, a node hash, a root hash or a proof element. Always exactly
 * 32 bytes; immutable; {@link #equals} compares in constant time (a verifier compares hashes an attacker
 * chose); the text form is 64 lowercase hex digits.
 */
public final class Sha256Hash {
  /** The length of a SHA-256 value in bytes. */
  public static final int LENGTH = 32;

  /** SHA-256 of the empty string: the RFC 9162 root of the empty tree. */
  public static final Sha256Hash EMPTY_TREE = new Sha256Hash(digest().digest());

  private static final HexFormat HEX = HexFormat.of();

  private final byte[] value;

  private Sha256Hash(byte[] value) {
    this.value = value;
  }

  /** A copy of {@code bytes}, which must be 32 bytes long. */
  public static Sha256Hash of(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a SHA-256 value has " + LENGTH + " bytes, got " + bytes.length);
    }
    return new Sha256Hash(bytes.clone());
  }

  /** Takes ownership of a fresh 32-byte array nobody else holds (package use: saves a copy per hash). */
  static Sha256Hash wrap(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a SHA-256 value has " + LENGTH + " bytes, got " + bytes.length);
    }
    return new Sha256Hash(bytes);
  }

  /**
   * Parses 64 lowercase hex digits, the only form Clave writes (one value has one spelling).
   *
   * @throws AuditFormatException naming the problem
   */
  public static Sha256Hash parseHex(String hex) {
    if (hex.length() != 2 * LENGTH) {
      throw new AuditFormatException("a SHA-256 value is " + 2 * LENGTH + " hex digits, got " + hex.length()
          + " characters");
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        throw new AuditFormatException("a SHA-256 value is lowercase hex; character " + (i + 1) + " is not");
      }
    }
    return new Sha256Hash(HEX.parseHex(hex));
  }

  /** A copy of the 32 bytes. */
  public byte[] toByteArray() {
    return value.clone();
  }

  /** Feeds the value to a digest without copying. */
  void update(MessageDigest digest) {
    digest.update(value);
  }

  /** Writes the 32 bytes into {@code dest} at {@code offset}. */
  void copyTo(byte[] dest, int offset) {
    System.arraycopy(value, 0, dest, offset, LENGTH);
  }

  /** 64 lowercase hex digits. */
  public String hex() {
    return HEX.formatHex(value);
  }

  static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sha256Hash other && MessageDigest.isEqual(value, other.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return hex();
  }
}
