package dev.clave.policy.decision;

/**
 * An evidence document was refused: malformed JSON, an unknown field, a wrong type or value, or a verdict
 * that says the quote was refused. The message names the field and the problem (e.g. {@code mrenclave:
 * expected 64 hex digits, got 63 characters}); callers add the file name.
 */
public final class InvalidEvidenceException extends Exception {
  InvalidEvidenceException(String message) {
    super(message);
  }
}
