package dev.clave.runtime;

import java.util.Locale;

/** Where the enclave runs: simulated (what works without SGX) or on SGX hardware. */
public enum Mode {
  /** A simulated enclave: measured as documented in the package overview, always DEBUG. */
  SIM,
  /** An SGX enclave; refused on a machine without {@code /dev/sgx_enclave}. */
  HW;

  /** {@code sim}/{@code simulation}, {@code hw}/{@code hardware}, or {@code auto} (simulation here), any case. */
  public static Mode parse(String text, String what) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "sim", "simulation", "auto" -> SIM;
      case "hw", "hardware" -> HW;
      default -> throw new IllegalArgumentException(what + ": expected \"sim\", \"hw\" or \"auto\", got \""
          + Printable.line(text, 100) + "\"");
    };
  }
}
