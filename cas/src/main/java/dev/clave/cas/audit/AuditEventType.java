package dev.clave.cas.audit;

/** What an audit entry records; the name is written as is in the entry's {@code type} field. */
public enum AuditEventType {
  /** The CAS started (opened its database and this log). */
  CAS_STARTED,
  /** The CAS shut down in an orderly way. */
  CAS_STOPPED,
  /** The CAS was provisioned: it got its owner. */
  PROVISIONED,
  /** The owner configuration changed. */
  CONFIG_UPDATED,
  /** A session (policy) was created. */
  SESSION_CREATED,
  /** A session was replaced by a successor. */
  SESSION_UPDATED,
  /** A session was deleted. */
  SESSION_DELETED,
  /** An attested service got its configuration. */
  ATTESTATION_ALLOWED,
  /** An attestation was refused; the entry's reasons say why. */
  ATTESTATION_REFUSED,
  /** A backup CAS was attested and the store's key wrapped for it. */
  BACKUP_REGISTERED,
  /** A backup CAS was not admitted; the entry's reasons say why. */
  BACKUP_REFUSED,
  /** A restore drill ran on this CAS (as a backup); the entry says whether it passed and, if not, why. */
  RESTORE_DRILL
}
