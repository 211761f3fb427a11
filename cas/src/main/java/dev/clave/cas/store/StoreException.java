package dev.clave.cas.store;

/**
 * A {@link CasStore} operation failed. Subclasses say why; this class itself means a failure of the underlying
 * storage (an I/O or database error). Messages name what failed and where, and never carry keys or stored
 * values.
 */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
