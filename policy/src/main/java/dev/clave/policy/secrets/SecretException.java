package dev.clave.policy.secrets;

/**
 * A secret cannot be produced, parsed, rendered or handed out. The message says which secret (or which
 * placeholder, or which offset) and why, in words fit for the policy's author; it never contains secret
 * material (values, key bytes, or characters taken from them).
 */
public final class SecretException extends Exception {
  public SecretException(String message) {
    super(message, null, false, false);
  }
}
