package dev.clave.policy.protect;

import java.security.GeneralSecurityException;

/**
 * An encrypted policy that does not open with the given key: a wrong key, or a changed byte. The message is the
 * same whatever went wrong, so it tells an attacker nothing.
 */
public final class DecryptionException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  DecryptionException() {
    super("cannot decrypt the policy: wrong key, or the ciphertext was changed");
  }
}
