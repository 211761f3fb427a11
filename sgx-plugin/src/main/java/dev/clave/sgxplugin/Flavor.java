package dev.clave.sgxplugin;

import java.util.Locale;

/** Which resource names the plugin advertises: Intel's (and SCONE's, and MarbleRun's default) or AKS's. */
public enum Flavor {
  /**
   * {@code sgx.intel.com/enclave} and {@code sgx.intel.com/provision} as shared device slots; EPC as the node
   * extended resource {@code sgx.intel.com/epc} in bytes (patched into the node's status, no devices).
   */
  INTEL,
  /** EPC as {@code kubernetes.azure.com/sgx_epc_mem_in_MiB} devices, one per MiB, as the AKS add-on does. */
  AZURE;

  /** "intel" or "azure", any case; {@code what} names the option in the error. */
  public static Flavor parse(String text, String what) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "intel" -> INTEL;
      case "azure" -> AZURE;
      default -> throw new IllegalArgumentException(what + ": expected \"intel\" or \"azure\", got \"" + text + "\"");
    };
  }
}
