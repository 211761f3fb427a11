package dev.clave.attestation.verify;

/** Thrown inside the verifier to stop at the first failed check; becomes a refused {@link Verdict}. */
final class Refusal extends Exception {
  private final ReasonCode reason;

  Refusal(ReasonCode reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  ReasonCode reason() {
    return reason;
  }
}
