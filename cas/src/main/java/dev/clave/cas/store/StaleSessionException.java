package dev.clave.cas.store;

/**
 * A compare-and-set update lost: the session's current hash is not the one the update expected (another
 * update won, or the caller read an old version). Nothing was written; the caller may re-read and retry.
 */
public final class StaleSessionException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String sessionName;
  private final String expectedHash;
  private final String currentHash;

  StaleSessionException(String sessionName, String expectedHash, String currentHash) {
    super("session " + Names.quote(sessionName) + " has changed: the update expected current hash " + expectedHash
        + ", but the current hash is " + currentHash);
    this.sessionName = sessionName;
    this.expectedHash = expectedHash;
    this.currentHash = currentHash;
  }

  public String sessionName() {
    return sessionName;
  }

  /** The hash the update named as current (64 lowercase hex). */
  public String expectedHash() {
    return expectedHash;
  }

  /** The session's actual current hash (64 lowercase hex). */
  public String currentHash() {
    return currentHash;
  }
}
