package dev.clave.policy.decision;

import java.util.Optional;

/** A value of {@code security.attestation.tolerate} (reference §1.4). */
public enum Tolerance {
  DEBUG_MODE("debug-mode"),
  HYPERTHREADING("hyperthreading"),
  INSECURE_IGPU("insecure-igpu"),
  SOFTWARE_HARDENING_NEEDED("software-hardening-needed"),
  AEPIC_LEAK("aepic-leak"),
  INSECURE_CONFIGURATION("insecure-configuration"),
  OUTDATED_TCB("outdated-tcb"),
  LOCAL_ATTESTATION_TRUST_CAS_TCB("local-attestation-trust-cas-tcb"),
  MAA_MANAGED_TCB("maa-managed-tcb");

  private final String yamlName;

  Tolerance(String yamlName) {
    this.yamlName = yamlName;
  }

  public String yamlName() {
    return yamlName;
  }

  public static Optional<Tolerance> byName(String name) {
    for (Tolerance t : values()) {
      if (t.yamlName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
