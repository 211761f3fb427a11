package dev.clave.policy.protect;

import java.util.HexFormat;

/** Fixed-length hex strings, parsed with precise errors. */
final class Hex {
  private Hex() {}

  /** Parses exactly {@code bytes} bytes written as hex digits (either case). */
  static byte[] parse(String text, int bytes, String what) {
    int digits = bytes * 2;
    if (text.length() != digits) {
      throw new InvalidEncodingException(what + ": expected " + digits + " hex digits, got " + text.length() + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.digit(text.charAt(i), 16) < 0 || text.charAt(i) > 0x7f) {
        throw new InvalidEncodingException(what + ": character " + Base58.describe(text.charAt(i)) + " at position "
            + (i + 1) + " is not a hex digit");
      }
    }
    return HexFormat.of().parseHex(text);
  }

  static String of(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
