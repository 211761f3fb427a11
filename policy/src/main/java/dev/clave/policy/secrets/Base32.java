package dev.clave.policy.secrets;

/** RFC 4648 §6 base32 encoding (alphabet A–Z, 2–7), with or without '=' padding. */
final class Base32 {
  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private Base32() {}

  static String encode(byte[] data, boolean pad) {
    StringBuilder out = new StringBuilder((data.length + 4) / 5 * 8);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(ALPHABET[(buffer >>> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
    }
    if (pad) {
      while (out.length() % 8 != 0) {
        out.append('=');
      }
    }
    return out.toString();
  }
}
