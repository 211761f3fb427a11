package dev.clave.attestation;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string. Quote fields, hashes and keys travel as {@code Bytes} so that no caller can
 * change a parsed value behind the verifier's back.
 */
public final class Bytes {
  private static final HexFormat HEX = HexFormat.of();
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] data;

  private Bytes(byte[] data) {
    this.data = data;
  }

  /** Copies {@code data}. */
  public static Bytes of(byte[] data) {
    return new Bytes(data.clone());
  }

  /** Copies {@code length} bytes of {@code data} from {@code offset}. */
  public static Bytes of(byte[] data, int offset, int length) {
    return new Bytes(Arrays.copyOfRange(data, offset, offset + length));
  }

  /** Parses hex (either case); throws {@link IllegalArgumentException} on odd length or a non-hex digit. */
  public static Bytes fromHex(String hex) {
    return new Bytes(HEX.parseHex(hex));
  }

  /** Wraps without copying; only for arrays nobody else holds. */
  public static Bytes wrap(byte[] data) {
    return new Bytes(data);
  }

  public int length() {
    return data.length;
  }

  public byte get(int index) {
    return data[index];
  }

  /** A copy of the content. */
  public byte[] toByteArray() {
    return data.clone();
  }

  /** Lower-case hex. */
  public String hex() {
    return HEX.formatHex(data);
  }

  /** Upper-case hex, as Intel's JSON and SCONE's platform IDs write it. */
  public String hexUpper() {
    return HEX.withUpperCase().formatHex(data);
  }

  public Bytes slice(int offset, int length) {
    return new Bytes(Arrays.copyOfRange(data, offset, offset + length));
  }

  public boolean isAllZero() {
    int acc = 0;
    for (byte b : data) {
      acc |= b;
    }
    return acc == 0;
  }

  /** Constant-time comparison, for values an attacker may probe (MACs, measurements, keys). */
  public boolean constantTimeEquals(Bytes other) {
    return other != null && MessageDigest.isEqual(data, other.data);
  }

  /** Feeds the content to a digest without copying. */
  public void updateDigest(MessageDigest digest) {
    digest.update(data);
  }

  /** Copies the content into {@code dest} at {@code offset}. */
  public void copyTo(byte[] dest, int offset) {
    System.arraycopy(data, 0, dest, offset, data.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && MessageDigest.isEqual(data, other.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return hex();
  }
}
