package dev.clave.cas.store;

/**
 * The tables of the SQLite store that hold rows (the {@code head} table holds the store's head). Every row is
 * {@code (name[, tag], ct)}: names in clear for lookup, {@code tag} a keyed hash of a session hash (the hash
 * itself is not stored in clear), {@code ct} AES-256-GCM ciphertext bound to the row's identity.
 */
enum Table {
  /** Named blobs and the provisioning state. {@code ct}: the value. */
  BLOBS(1, "blobs", false),
  /** One row per session: {@code ct} holds the current hash (32 bytes). */
  SESSIONS(2, "sessions", false),
  /** One row per session version, keyed by name and hash tag: {@code ct} holds the content. */
  SESSION_VERSIONS(3, "session_versions", true),
  /** One row per session with secrets: {@code ct} holds them. */
  SECRETS(4, "secrets", false);

  /** The table's number in row identities (stable: part of the format). */
  final int id;
  final String sqlName;
  final boolean tagged;

  Table(int id, String sqlName, boolean tagged) {
    this.id = id;
    this.sqlName = sqlName;
    this.tagged = tagged;
  }

  String keyCondition() {
    return tagged ? "name = ? AND tag = ?" : "name = ?";
  }

  String select() {
    return "SELECT ct FROM " + sqlName + " WHERE " + keyCondition();
  }

  String insert() {
    return tagged
        ? "INSERT INTO " + sqlName + " (name, tag, ct) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
        : "INSERT INTO " + sqlName + " (name, ct) VALUES (?, ?) ON CONFLICT DO NOTHING";
  }

  String update() {
    return "UPDATE " + sqlName + " SET ct = ? WHERE " + keyCondition();
  }

  String delete() {
    return "DELETE FROM " + sqlName + " WHERE " + keyCondition();
  }

  String scan() {
    return "SELECT name, " + (tagged ? "tag" : "NULL") + ", ct FROM " + sqlName;
  }
}
