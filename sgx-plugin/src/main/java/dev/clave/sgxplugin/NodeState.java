package dev.clave.sgxplugin;

import java.util.OptionalLong;

/**
 * What the plugin publishes on its Node object.
 *
 * @param sgxCapable whether the node can run enclaves: label {@code sgx.intel.com/capable=true}, removed when false
 * @param epcBytes the node extended resource {@code sgx.intel.com/epc} in bytes; empty removes it (also in the
 *     Azure flavor, where EPC is a device resource instead)
 */
public record NodeState(boolean sgxCapable, OptionalLong epcBytes) {
  public static final String CAPABLE_LABEL = "sgx.intel.com/capable";
  public static final String EPC_RESOURCE = "sgx.intel.com/epc";

  public NodeState {
    if (epcBytes.isPresent() && (!sgxCapable || epcBytes.getAsLong() < 0)) {
      throw new IllegalArgumentException("an EPC size goes only with an SGX-capable node and is not negative");
    }
  }

  /** The state a scan implies: capable when an enclave device node exists; EPC only in the Intel flavor. */
  static NodeState of(PlatformScan scan, Flavor flavor) {
    boolean capable = scan.hasEnclaveNode();
    OptionalLong epc = capable && flavor == Flavor.INTEL ? scan.epc().bytes() : OptionalLong.empty();
    return new NodeState(capable, epc);
  }
}
