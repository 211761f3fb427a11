package dev.clave.attestation.jca;

import java.security.SecureRandom;

/** One shared {@link SecureRandom} for callers that pass none (the JDK's default, non-blocking). */
final class Randomness {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Randomness() {}

  static SecureRandom get() {
    return RANDOM;
  }
}
