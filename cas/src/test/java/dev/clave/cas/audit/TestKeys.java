package dev.clave.cas.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Fresh P-256 key pairs for tests (real JDK keys, real signatures). */
final class TestKeys {
  private TestKeys() {}

  static KeyPair p256() {
    return generate("secp256r1");
  }

  static KeyPair generate(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
