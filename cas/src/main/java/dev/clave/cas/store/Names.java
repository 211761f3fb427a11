package dev.clave.cas.store;

import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/** Validation of the names and hashes the store accepts, with precise messages. */
final class Names {
  static final int MAX_SESSION_NAME_LENGTH = 512;
  static final int MAX_BLOB_NAME_LENGTH = 200;
  static final int HASH_LENGTH = 32;

  private static final Pattern BLOB_NAME = Pattern.compile("[A-Za-z0-9._\\-/]+");
  private static final int QUOTE_LIMIT = 120;

  private Names() {}

  /**
   * A session name: 1 to 512 characters, no control characters, well-formed UTF-16 (so that its UTF-8 form is
   * unique). The session language's own charset rules are the policy parser's job.
   */
  static String session(String name) {
    return text(name, "session name", MAX_SESSION_NAME_LENGTH, false);
  }

  /** A prefix of session names: like a session name, but may be empty. */
  static String sessionPrefix(String prefix) {
    return text(prefix, "session name prefix", MAX_SESSION_NAME_LENGTH, true);
  }

  /** A blob name: 1 to 200 of {@code A-Z a-z 0-9 . _ - /}. */
  static String blob(String name) {
    if (name == null) {
      throw new IllegalArgumentException("blob name is missing");
    }
    if (name.isEmpty() || name.length() > MAX_BLOB_NAME_LENGTH) {
      throw new IllegalArgumentException("blob name " + quote(name) + " has " + name.length()
          + " characters; it must have 1 to " + MAX_BLOB_NAME_LENGTH);
    }
    if (!BLOB_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("blob name " + quote(name)
          + " may contain only letters, digits and . _ - /");
    }
    return name;
  }

  /** A session hash: 64 hex characters (any case) → its 32 bytes. */
  static byte[] hash(String hash, String what) {
    if (hash == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (hash.length() != 2 * HASH_LENGTH) {
      throw new IllegalArgumentException(what + " must be 64 hex characters (a SHA-256 digest), got "
          + hash.length() + " characters");
    }
    for (int i = 0; i < hash.length(); i++) {
      if (Character.digit(hash.charAt(i), 16) < 0) {
        throw new IllegalArgumentException(what + " has a non-hex character at position " + i);
      }
    }
    return HexFormat.of().parseHex(hash.toLowerCase(Locale.ROOT));
  }

  static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }

  /** A name for messages and logs: quoted, control characters escaped, long names shortened. */
  static String quote(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(name.length(), QUOTE_LIMIT) + 8).append('\'');
    for (int i = 0; i < name.length(); i++) {
      if (i == QUOTE_LIMIT) {
        out.append("…(").append(name.length()).append(" characters)");
        break;
      }
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\'' || c == '\\') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('\'').toString();
  }

  private static String text(String name, String what, int maxLength, boolean mayBeEmpty) {
    if (name == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if ((!mayBeEmpty && name.isEmpty()) || name.length() > maxLength) {
      throw new IllegalArgumentException(what + " " + quote(name) + " has " + name.length()
          + " characters; it must have " + (mayBeEmpty ? 0 : 1) + " to " + maxLength);
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(what + " " + quote(name) + " has a control character at position " + i);
      }
      if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(what + " " + quote(name) + " has an unpaired surrogate at position " + i);
      }
    }
    return name;
  }
}
