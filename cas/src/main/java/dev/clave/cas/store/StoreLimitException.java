package dev.clave.cas.store;

/** A value is larger than the store accepts; nothing was written. */
public final class StoreLimitException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final long size;
  private final long limit;

  StoreLimitException(String what, long size, long limit) {
    super(what + " is " + size + " bytes; the limit is " + limit + " bytes");
    this.size = size;
    this.limit = limit;
  }

  /** The size of the rejected value in bytes. */
  public long size() {
    return size;
  }

  /** The largest accepted size in bytes. */
  public long limit() {
    return limit;
  }
}
