package dev.clave.cas.audit;

/**
 * The audit log cannot do what was asked: its file is damaged (not merely torn by a crash), locked by another
 * process, or an earlier write or sync failed, after which the log refuses every further operation until the
 * CAS restarts (it cannot know what reached the disk). An operation whose audit entry could not be appended
 * must be reported as failed. Messages name the file, the record and the reason; they hold no secrets.
 */
public final class AuditLogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AuditLogException(String message) {
    super(message);
  }

  public AuditLogException(String message, Throwable cause) {
    super(message, cause);
  }
}
