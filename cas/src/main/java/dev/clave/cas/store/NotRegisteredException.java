package dev.clave.cas.store;

/**
 * A CAS replica whose key has no registration in the shared store yet: a running replica must attest it and wrap
 * the store's key for it ({@code clave cas register-backup THIS_REPLICA --cas RUNNING_REPLICA}). Nothing was
 * written; opening again after the registration succeeds.
 */
public final class NotRegisteredException extends StoreException {
  private static final long serialVersionUID = 1L;

  public NotRegisteredException(String message) {
    super(message);
  }
}
