package dev.clave.attestation.pki;

/**
 * A certificate, CRL or key is malformed or does not verify. The verifier maps it to a reason code by
 * context; the message says what and where, never includes key material beyond public identifiers.
 */
public final class PkiException extends Exception {
  public PkiException(String message) {
    super(message, null, false, false);
  }
}
