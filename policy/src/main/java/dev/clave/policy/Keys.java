package dev.clave.policy;

import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.protect.KeyHash;
import dev.clave.policy.protect.SignerKey;

/** Key forms in access policies, normalised so that the session hash does not depend on how they were written. */
final class Keys {
  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  private Keys() {}

  /** The key hash of a PEM certificate's public key. */
  static String certificateKeyHash(String pem) throws InvalidEncodingException {
    return KeyHash.ofPem(pem).toString();
  }

  /** Whether {@code s} is written like a key hash (Base58, about 50 characters): then it must parse as one. */
  static boolean looksLikeKeyHash(String s) {
    if (s.length() < 40 || s.length() > 60) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (BASE58.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The key hash in its canonical text. */
  static String keyHash(String s) throws InvalidEncodingException {
    return KeyHash.parse(s).toString();
  }

  /** A signer key in one form per key: the legacy Base58Check text for Ed25519, PEM for P-384. */
  static String signerKey(String key) throws InvalidEncodingException {
    return SignerKey.parse(key).text();
  }
}
