package dev.clave.policy.decision;

/**
 * Small ASCII helpers for measurements, platform IDs and advisory IDs. No regular expressions and no
 * locale: {@code String.toLowerCase()} without a locale turns {@code I} into a dotless i under a Turkish
 * default locale, which would silently break matching.
 */
final class Ascii {
  private Ascii() {}

  /** {@code s} with A–Z turned into a–z; the same instance when there is nothing to change (or null). */
  static String lower(String s) {
    if (s == null) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          char d = chars[j];
          if (d >= 'A' && d <= 'Z') {
            chars[j] = (char) (d + ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return s;
  }

  /** {@code s} with a–z turned into A–Z; the same instance when there is nothing to change (or null). */
  static String upper(String s) {
    if (s == null) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        char[] chars = s.toCharArray();
        for (int j = i; j < chars.length; j++) {
          char d = chars[j];
          if (d >= 'a' && d <= 'z') {
            chars[j] = (char) (d - ('a' - 'A'));
          }
        }
        return new String(chars);
      }
    }
    return s;
  }

  /** True when {@code s} is exactly {@code length} lowercase hex digits. */
  static boolean isLowerHex(String s, int length) {
    if (s == null || s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why {@code s} is not {@code length} hex digits (either case), e.g. "expected 64 hex digits, got 63
   * characters"; null when it is.
   */
  static String hexProblem(String s, int length) {
    if (s.length() != length) {
      return "expected " + length + " hex digits, got " + s.length() + (s.length() == 1 ? " character" : " characters");
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return "expected " + length + " hex digits, found " + describe(c) + " at index " + i;
      }
    }
    return null;
  }

  /** A character for an error message: printable ASCII quoted, anything else as U+XXXX. */
  static String describe(char c) {
    if (c > 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  /** A value for an error message: at most 80 characters, control characters escaped, in quotes. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), 80) + 8).append('"');
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        b.append(c == '"' || c == '\\' ? "\\" + c : String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    b.append('"');
    if (s.length() > n) {
      b.append("… (").append(s.length()).append(" characters)");
    }
    return b.toString();
  }

  /** The first 16 digits of a long hex value and an ellipsis, for one-line messages. */
  static String abbreviate(String hex) {
    return hex.length() <= 16 ? hex : hex.substring(0, 16) + "…";
  }
}
