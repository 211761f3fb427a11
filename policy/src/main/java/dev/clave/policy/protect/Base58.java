package dev.clave.policy.protect;

/**
 * Base58 with the Bitcoin alphabet ({@code 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz}: no
 * {@code 0}, {@code O}, {@code I} or {@code l}). Each leading zero byte is written as one {@code 1}.
 *
 * <p>Decoding is strict: no whitespace, no other characters, no empty string. Both directions are quadratic in
 * the length, so inputs are bounded ({@link #MAX_ENCODED_LENGTH} characters, {@link #MAX_DECODED_LENGTH} bytes);
 * Clave only encodes short values (key hashes and keys of 37 bytes).
 */
public final class Base58 {
  /** The longest text {@link #decode} accepts. */
  public static final int MAX_ENCODED_LENGTH = 1024;

  /** The longest input {@link #encode} accepts. */
  public static final int MAX_DECODED_LENGTH = 512;

  static final String ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int[] INDEXES = new int[128];

  static {
    java.util.Arrays.fill(INDEXES, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      INDEXES[ALPHABET.charAt(i)] = i;
    }
  }

  private Base58() {}

  public static String encode(byte[] data) {
    if (data.length > MAX_DECODED_LENGTH) {
      throw new IllegalArgumentException(
          "Base58: " + data.length + " bytes to encode, more than the " + MAX_DECODED_LENGTH + " allowed");
    }
    int zeros = 0;
    while (zeros < data.length && data[zeros] == 0) {
      zeros++;
    }
    // Repeated division of the big-endian base-256 number by 58; digits come out least significant first.
    byte[] number = data.clone();
    char[] out = new char[data.length * 2];
    int outStart = out.length;
    int start = zeros;
    while (start < number.length) {
      int remainder = 0;
      for (int i = start; i < number.length; i++) {
        int value = (remainder << 8) | (number[i] & 0xff);
        number[i] = (byte) (value / 58);
        remainder = value % 58;
      }
      out[--outStart] = ALPHABET.charAt(remainder);
      while (start < number.length && number[start] == 0) {
        start++;
      }
    }
    for (int i = 0; i < zeros; i++) {
      out[--outStart] = '1';
    }
    return new String(out, outStart, out.length - outStart);
  }

  /**
   * Decodes Base58 text.
   *
   * @throws InvalidEncodingException for an empty or over-long text, or a character outside the alphabet (named
   *     with its 1-based position)
   */
  public static byte[] decode(String text) {
    if (text.isEmpty()) {
      throw new InvalidEncodingException("empty Base58 text");
    }
    if (text.length() > MAX_ENCODED_LENGTH) {
      throw new InvalidEncodingException(
          "Base58 text of " + text.length() + " characters, more than the " + MAX_ENCODED_LENGTH + " allowed");
    }
    byte[] digits = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int digit = c < 128 ? INDEXES[c] : -1;
      if (digit < 0) {
        throw new InvalidEncodingException("bad Base58 character " + describe(c) + " at position " + (i + 1)
            + " of " + text.length() + hint(c));
      }
      digits[i] = (byte) digit;
    }
    int zeros = 0;
    while (zeros < digits.length && digits[zeros] == 0) {
      zeros++;
    }
    // Repeated division of the base-58 number by 256; bytes come out least significant first.
    byte[] out = new byte[text.length()];
    int outStart = out.length;
    int start = zeros;
    while (start < digits.length) {
      int remainder = 0;
      for (int i = start; i < digits.length; i++) {
        int value = remainder * 58 + digits[i];
        digits[i] = (byte) (value / 256);
        remainder = value % 256;
      }
      out[--outStart] = (byte) remainder;
      while (start < digits.length && digits[start] == 0) {
        start++;
      }
    }
    byte[] result = new byte[zeros + out.length - outStart];
    System.arraycopy(out, outStart, result, zeros, out.length - outStart);
    return result;
  }

  static String describe(char c) {
    if (c >= 0x21 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  private static String hint(char c) {
    return switch (c) {
      case '0', 'O', 'I', 'l' -> " (Base58 leaves out 0, O, I and l)";
      case ' ', '\t', '\n', '\r' -> " (whitespace is not allowed)";
      default -> "";
    };
  }
}
