package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/** Small value helpers shared by the simulation's builders. */
final class SimValues {
  private SimValues() {}

  /**
   * A fixed, random-looking value named by {@code label}: SHA-512 of the label, truncated. Defaults such
   * as the simulated QE's MRSIGNER are made this way, so they are stable across runs and versions.
   */
  static Bytes labelled(String label, int length) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-512").digest(label.getBytes(StandardCharsets.UTF_8));
      return Bytes.wrap(Arrays.copyOf(h, length));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-512 is required of every JDK", e);
    }
  }

  /** {@code value}, which must be exactly {@code length} bytes; the error names the field. */
  static Bytes exact(Bytes value, int length, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.length() != length) {
      throw new IllegalArgumentException(field + " must be " + length + " bytes, got " + value.length());
    }
    return value;
  }

  /** {@code value} padded with zeros to {@code length} bytes; longer values are refused. */
  static Bytes padded(Bytes value, int length, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (value.length() > length) {
      throw new IllegalArgumentException(field + " must be at most " + length + " bytes, got " + value.length());
    }
    byte[] out = new byte[length];
    value.copyTo(out, 0);
    return Bytes.wrap(out);
  }

  static int range(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  static Bytes filled(int length, int value) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) value);
    return Bytes.wrap(b);
  }
}
