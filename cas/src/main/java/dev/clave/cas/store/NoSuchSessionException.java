package dev.clave.cas.store;

/** An operation needs a session that does not exist; nothing was written. */
public final class NoSuchSessionException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String sessionName;

  NoSuchSessionException(String sessionName) {
    super("session " + Names.quote(sessionName) + " does not exist");
    this.sessionName = sessionName;
  }

  public String sessionName() {
    return sessionName;
  }
}
