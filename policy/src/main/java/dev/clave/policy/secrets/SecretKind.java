package dev.clave.policy.secrets;

import java.util.Optional;

/** The {@code kind} of a secret in the session language (reference §1.5), with whether Clave supports it. */
public enum SecretKind {
  ASCII("ascii", true),
  BINARY("binary", true),
  PRIVATE_KEY("private-key", true),
  PUBLIC_KEY("public-key", true),
  X509("x509", true),
  X509_CA("x509-ca", true),
  CONFIG_FRAGMENT("config-fragment", true),
  /** Needs Azure Active Directory: parsed, refused at validation. */
  AAD_TOKEN("aad-token", false),
  PGP_KEY("pgp-key", false),
  JWT("jwt", false);

  private final String yamlName;
  private final boolean supported;

  SecretKind(String yamlName, boolean supported) {
    this.yamlName = yamlName;
    this.supported = supported;
  }

  /** The name as written in a policy ("private-key"). */
  public String yamlName() {
    return yamlName;
  }

  /** False for kinds Clave parses but refuses with "not supported by Clave yet". */
  public boolean supported() {
    return supported;
  }

  public static Optional<SecretKind> byName(String name) {
    for (SecretKind k : values()) {
      if (k.yamlName.equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
