package dev.clave.runtime;

/**
 * Text from outside (a server's message, a user's value) made safe to print on a terminal: control
 * characters become {@code ?} (no escape sequences reach the terminal) and the length is bounded.
 */
final class Printable {
  private Printable() {}

  static String line(String text, int max) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(Math.min(text.length(), max + 1));
    for (int i = 0; i < text.length() && b.length() < max; i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    if (text.length() > max) {
      b.append('…');
    }
    return b.toString();
  }
}
