package dev.clave.policy.secrets;

import java.util.Optional;

/** {@code key_type} of a {@code private-key} secret; P-256 when absent. */
public enum KeyType {
  P256("P-256"),
  P384("P-384"),
  ED25519("Ed25519"),
  RSA2048("RSA-2048"),
  RSA3072("RSA-3072");

  private final String yamlName;

  KeyType(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<KeyType> byName(String name) {
    for (KeyType k : values()) {
      if (k.yamlName.equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
