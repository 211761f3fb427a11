package dev.clave.attestation.collateral;

/** Collateral could not be obtained or is malformed; the message names the item and the problem. */
public class CollateralException extends Exception {
  public CollateralException(String message) {
    super(message);
  }

  public CollateralException(String message, Throwable cause) {
    super(message, cause);
  }
}
