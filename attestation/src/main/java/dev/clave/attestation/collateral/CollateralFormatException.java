package dev.clave.attestation.collateral;

/**
 * A collateral document (TCB info, QE identity JSON) is malformed. The message names the document, the
 * JSON path of the offending value and what was expected, e.g.
 * {@code "TCB info: tcbLevels[2].tcb.pcesvn: expected an integer 0..65535, got \"x\""}.
 */
public final class CollateralFormatException extends CollateralException {
  public CollateralFormatException(String message) {
    super(message);
  }
}
