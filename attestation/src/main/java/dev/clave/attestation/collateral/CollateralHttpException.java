package dev.clave.attestation.collateral;

/**
 * A PCS / PCCS request did not yield a usable response: a status other than 200, no response at all
 * (connection failure, timeout), a body over its size limit or a missing issuer-chain header. A response
 * that arrived but does not parse is a {@link CollateralFormatException} instead.
 */
public final class CollateralHttpException extends CollateralException {
  /** {@link #status()} when no HTTP response was received (connection refused, timeout, I/O error). */
  public static final int NO_RESPONSE = -1;

  private final String path;
  private final int status;

  /**
   * @param path the request's path and query, e.g. {@code /sgx/certification/v4/tcb?fmspc=00A067110000}
   * @param status the HTTP status, or {@link #NO_RESPONSE}
   * @param message the full message, naming the request and the problem
   */
  public CollateralHttpException(String path, int status, String message, Throwable cause) {
    super(message, cause);
    this.path = path;
    this.status = status;
  }

  /** The request's path and query (no scheme or host). */
  public String path() {
    return path;
  }

  /** The HTTP status, or {@link #NO_RESPONSE} when none was received. */
  public int status() {
    return status;
  }
}
