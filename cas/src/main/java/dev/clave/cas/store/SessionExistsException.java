package dev.clave.cas.store;

/** A session was to be created under a name that is taken; nothing was written. */
public final class SessionExistsException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String sessionName;

  SessionExistsException(String sessionName) {
    super("session " + Names.quote(sessionName) + " already exists; update it with its current hash instead");
    this.sessionName = sessionName;
  }

  public String sessionName() {
    return sessionName;
  }
}
