package dev.clave.cas.store;

import java.util.Comparator;
import java.util.HexFormat;

/**
 * The identity of a row: table, name, and for session versions the hash tag (hex; empty otherwise). Ordered by
 * table, then name, then tag, so the sessions of a prefix and the versions of a session are contiguous.
 */
record RowKey(Table table, String name, String tag) implements Comparable<RowKey> {
  /** The blob holding the provisioning state; {@code !} cannot occur in blob names. */
  static final String PROVISIONING_BLOB = "!provisioning";

  private static final Comparator<RowKey> ORDER = Comparator.comparing(RowKey::table)
      .thenComparing(RowKey::name).thenComparing(RowKey::tag);

  static RowKey blob(String name) {
    return new RowKey(Table.BLOBS, name, "");
  }

  static RowKey session(String name) {
    return new RowKey(Table.SESSIONS, name, "");
  }

  static RowKey version(String name, byte[] tag) {
    return new RowKey(Table.SESSION_VERSIONS, name, HexFormat.of().formatHex(tag));
  }

  static RowKey secrets(String name) {
    return new RowKey(Table.SECRETS, name, "");
  }

  byte[] tagBytes() {
    return HexFormat.of().parseHex(tag);
  }

  /** What the row is, for messages (names quoted and escaped). */
  String describe() {
    return switch (table) {
      case BLOBS -> name.equals(PROVISIONING_BLOB) ? "the provisioning state" : "blob " + Names.quote(name);
      case SESSIONS -> "session " + Names.quote(name);
      case SESSION_VERSIONS -> "a version of session " + Names.quote(name);
      case SECRETS -> "the secrets of session " + Names.quote(name);
    };
  }

  @Override
  public int compareTo(RowKey o) {
    return ORDER.compare(this, o);
  }
}
