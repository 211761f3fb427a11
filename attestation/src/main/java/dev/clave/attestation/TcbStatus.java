package dev.clave.attestation;

import java.util.Optional;

/**
 * Intel's TCB statuses, as TCB info and QE identity JSON spell them. The JSON name is the stable external
 * form (CLI, policies); the enum constant is Java's.
 */
public enum TcbStatus {
  UP_TO_DATE("UpToDate"),
  SW_HARDENING_NEEDED("SWHardeningNeeded"),
  CONFIGURATION_NEEDED("ConfigurationNeeded"),
  CONFIGURATION_AND_SW_HARDENING_NEEDED("ConfigurationAndSWHardeningNeeded"),
  OUT_OF_DATE("OutOfDate"),
  OUT_OF_DATE_CONFIGURATION_NEEDED("OutOfDateConfigurationNeeded"),
  REVOKED("Revoked");

  private final String jsonName;

  TcbStatus(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name Intel's JSON uses, e.g. {@code SWHardeningNeeded}. */
  public String jsonName() {
    return jsonName;
  }

  /** Exact, case-sensitive lookup of a JSON name; empty for anything Intel does not define. */
  public static Optional<TcbStatus> fromJsonName(String name) {
    for (TcbStatus s : values()) {
      if (s.jsonName.equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return jsonName;
  }
}
