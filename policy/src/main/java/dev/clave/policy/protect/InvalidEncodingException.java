package dev.clave.policy.protect;

/**
 * Input that does not have the expected shape: a bad Base58 character, a wrong length, a checksum mismatch, a
 * malformed PEM block or JSON document. The message says what, where and why, and is safe to show a user: it
 * never contains secret material (private keys, plaintexts).
 */
public final class InvalidEncodingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEncodingException(String message) {
    super(message);
  }

  /** Prefixes the message with where the value came from ("signatures[1].signer: …"). */
  InvalidEncodingException in(String where) {
    InvalidEncodingException e = new InvalidEncodingException(where + ": " + getMessage());
    e.setStackTrace(getStackTrace());
    return e;
  }
}
