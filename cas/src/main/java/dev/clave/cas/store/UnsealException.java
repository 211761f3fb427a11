package dev.clave.cas.store;

/**
 * Sealed data cannot be unsealed here: it was sealed on another platform, with another platform secret or
 * identity, for another purpose, or it was changed. The message says which when the {@link Sealer} can tell.
 */
public final class UnsealException extends StoreException {
  private static final long serialVersionUID = 1L;

  public UnsealException(String message) {
    super(message);
  }

  public UnsealException(String message, Throwable cause) {
    super(message, cause);
  }
}
