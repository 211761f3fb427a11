package dev.clave.policy.secrets;

import java.util.Base64;

/**
 * Strict PEM (RFC 7468) for keys and certificates: exactly one block with the expected label, nothing but
 * whitespace around it, no encapsulated headers (so no legacy encrypted keys), standard base64 in the body.
 * Error messages name the problem and the line; they never repeat the text, which may be a private key.
 */
final class Pem {
  static final String PRIVATE_KEY = "PRIVATE KEY";
  static final String PUBLIC_KEY = "PUBLIC KEY";
  static final String CERTIFICATE = "CERTIFICATE";

  /** Longer texts are refused before parsing: no key or certificate a policy holds comes near it. */
  static final int MAX_TEXT = 256 * 1024;

  private Pem() {}

  /** The lines of a block: the base64 body wrapped at 64 characters, every line ending in '\n'. */
  static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + (body.isEmpty() ? "" : "\n") + "-----END " + label + "-----\n";
  }

  /**
   * The DER inside the one PEM block of {@code text} with label {@code label}.
   *
   * @throws IllegalArgumentException with a message for the policy's author
   */
  static byte[] decode(String text, String label) {
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("the PEM text is longer than " + MAX_TEXT + " characters");
    }
    String[] lines = text.split("\r?\n", -1);
    int first = 0;
    while (first < lines.length && lines[first].isBlank()) {
      first++;
    }
    if (first == lines.length) {
      throw new IllegalArgumentException("expected a PEM block '-----BEGIN " + label + "-----' but the text is empty");
    }
    String begin = lines[first].strip();
    String expectedBegin = "-----BEGIN " + label + "-----";
    if (!begin.equals(expectedBegin)) {
      if (begin.startsWith("-----BEGIN ") && begin.endsWith("-----") && begin.length() <= 80) {
        throw new IllegalArgumentException(
            "expected '" + expectedBegin + "' but line " + (first + 1) + " is '" + begin + "'" + hint(label, begin));
      }
      throw new IllegalArgumentException(
          "expected '" + expectedBegin + "' at line " + (first + 1) + " (only whitespace may precede it)");
    }
    String expectedEnd = "-----END " + label + "-----";
    StringBuilder base64 = new StringBuilder();
    int end = -1;
    for (int i = first + 1; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.equals(expectedEnd)) {
        end = i;
        break;
      }
      if (line.startsWith("-----")) {
        throw new IllegalArgumentException("line " + (i + 1) + ": expected '" + expectedEnd + "'");
      }
      if (line.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": PEM headers (such as legacy encryption) are not supported; give an unencrypted key");
      }
      base64.append(line);
    }
    if (end < 0) {
      throw new IllegalArgumentException("missing '" + expectedEnd + "'");
    }
    for (int i = end + 1; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        throw new IllegalArgumentException(
            "line " + (i + 1) + ": only whitespace may follow '" + expectedEnd + "' (one PEM block per value)");
      }
    }
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64.toString());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the PEM body between lines " + (first + 1) + " and " + (end + 1) + " is not valid base64");
    }
    if (der.length == 0) {
      throw new IllegalArgumentException("the PEM block is empty");
    }
    return der;
  }

  private static String hint(String label, String begin) {
    if (label.equals(PRIVATE_KEY) && (begin.contains("EC PRIVATE KEY") || begin.contains("RSA PRIVATE KEY"))) {
      return " (a legacy key format; convert it to PKCS#8 with 'openssl pkcs8 -topk8 -nocrypt')";
    }
    if (label.equals(PRIVATE_KEY) && begin.contains("ENCRYPTED PRIVATE KEY")) {
      return " (give the key unencrypted: 'openssl pkcs8 -topk8 -nocrypt')";
    }
    if (label.equals(PUBLIC_KEY) && begin.contains("RSA PUBLIC KEY")) {
      return " (a PKCS#1 key; convert it to SubjectPublicKeyInfo with 'openssl rsa -RSAPublicKey_in -pubout')";
    }
    return "";
  }
}
