package dev.clave.attestation.collateral;

/**
 * A collateral document (TCB info, QE identity JSON, a CRL or issuer chain as served) is malformed. The
 * message names the document, the JSON path of the offending value and what was expected, e.g.
 * {@code "TCB info: tcbInfo.tcbLevels[2].tcb.pcesvn: expected an integer 0..65535, got \"x\""}; where the
 * document came from (a bundle file, a PCS request) is prefixed when known.
 */
public final class CollateralFormatException extends CollateralException {
  private final String document;
  private final String path;
  private final String problem;

  public CollateralFormatException(String message) {
    super(message);
    this.document = null;
    this.path = null;
    this.problem = message;
  }

  /**
   * @param document what was being read, e.g. "TCB info"
   * @param path the JSON path of the offending value; empty for the document as a whole
   * @param problem what is wrong, e.g. "expected 12 hex digits, got 11"
   */
  public CollateralFormatException(String document, String path, String problem) {
    this(document + ": " + (path.isEmpty() ? "" : path + ": ") + problem, document, path, problem);
  }

  private CollateralFormatException(String message, String document, String path, String problem) {
    super(message);
    this.document = document;
    this.path = path;
    this.problem = problem;
  }

  /** The document that is malformed ("TCB info", "QE identity", …); null when not given. */
  public String document() {
    return document;
  }

  /** The JSON path of the offending value ("" for the whole document); null when not given. */
  public String path() {
    return path;
  }

  /** What is wrong, without document or path. */
  public String problem() {
    return problem;
  }

  /** The same error, with where the document came from (a file name, a request) in front of the message. */
  public CollateralFormatException within(String source) {
    CollateralFormatException e = new CollateralFormatException(source + ": " + getMessage(), document, path, problem);
    e.setStackTrace(getStackTrace());
    return e;
  }
}
