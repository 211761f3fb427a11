package dev.clave.cas.store;

/**
 * Stored state was forged or damaged: a changed byte in a ciphertext, name, hash or version, a row deleted,
 * added or swapped, a key store file that does not verify. The store refuses to open, or, when detected at
 * read, refuses to serve from then on (fail closed): it never returns content it cannot vouch for.
 */
public class StoreIntegrityException extends StoreException {
  private static final long serialVersionUID = 1L;

  public StoreIntegrityException(String message) {
    super(message);
  }

  public StoreIntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
