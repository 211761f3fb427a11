package dev.clave.policy;

/**
 * A valid session cannot be evaluated for a service start: a host argument is missing, a placeholder's
 * value does not fit where it is used, a secret is not available. The message names the service and what
 * is missing, never a secret value.
 */
public final class EvaluationException extends Exception {
  public EvaluationException(String message) {
    super(message, null, false, false);
  }
}
