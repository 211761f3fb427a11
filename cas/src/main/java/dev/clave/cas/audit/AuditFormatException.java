package dev.clave.cas.audit;

/**
 * Audit data that does not have the expected shape: a malformed entry, tree head, proof or bundle, in the log
 * file or on the wire. The message says what, where and why (for example {@code entries[3].entry.seq: must be
 * a non-negative integer}) and is safe to show a user; audit data holds no secret values.
 */
public final class AuditFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public AuditFormatException(String message) {
    super(message);
  }

  /** Prefixes the message with where the value was ("entries[2].path: …"). */
  AuditFormatException in(String where) {
    AuditFormatException e = new AuditFormatException(where + ": " + getMessage());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
