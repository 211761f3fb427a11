package dev.clave.sgxplugin;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One advertised resource: its name, how its device IDs look, which device nodes it grants and how many
 * devices it has. kubelet sees one plugin (socket, registration) per resource, as Intel's plugin does.
 *
 * @param name the extended resource name, e.g. {@code sgx.intel.com/enclave}
 * @param idPrefix device IDs are this prefix and 0..count-1
 * @param needsOneOf the resource is available only when one of these nodes is present
 * @param grants the nodes an allocation gets when present (a superset of {@code needsOneOf})
 * @param slots for a slot resource its fixed count; 0 for EPC units, whose count is the EPC size in MiB
 * @param aesmd whether allocations also get the host's AESM socket directory and {@code SGX_AESM_ADDR=1}
 */
public record SgxResource(String name, String idPrefix, List<DeviceNode> needsOneOf, List<DeviceNode> grants, int slots, boolean aesmd) {
  public static final String ENCLAVE = "sgx.intel.com/enclave";
  public static final String PROVISION = "sgx.intel.com/provision";
  public static final String AZURE_EPC = "kubernetes.azure.com/sgx_epc_mem_in_MiB";
  static final long MIB = 1024 * 1024;
  /**
   * At most 2^17 EPC units (128 GiB): one ListAndWatch message lists every device, and kubelet's gRPC client
   * takes messages of at most 4 MiB; 2^17 devices with IDs {@code epc-NNNNNN} are about 3 MiB.
   */
  static final int MAX_EPC_UNITS = 1 << 17;

  private static final List<DeviceNode> ENCLAVE_NODES = List.of(DeviceNode.ENCLAVE, DeviceNode.LEGACY_ENCLAVE, DeviceNode.ISGX);
  private static final List<DeviceNode> PROVISION_NODES = List.of(DeviceNode.PROVISION, DeviceNode.LEGACY_PROVISION);

  public SgxResource {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(idPrefix, "idPrefix");
    needsOneOf = List.copyOf(needsOneOf);
    grants = List.copyOf(grants);
    if (!grants.containsAll(needsOneOf)) {
      throw new IllegalArgumentException(name + ": a resource grants the nodes it needs");
    }
  }

  /** The resources of a configuration: Intel's two slot resources, or AKS's EPC units. */
  public static List<SgxResource> of(PluginConfig config) {
    return switch (config.flavor()) {
      case INTEL -> List.of(
          new SgxResource(ENCLAVE, "sgx-enclave-", ENCLAVE_NODES, ENCLAVE_NODES, config.enclaveLimit(), config.aesmd()),
          new SgxResource(PROVISION, "sgx-provision-", PROVISION_NODES, PROVISION_NODES, config.provisionLimit(), false));
      // AKS has one resource for everything SGX: an EPC share grants the enclave and, where present, the
      // provisioning device (in-process DCAP quoting needs it).
      case AZURE -> List.of(new SgxResource(AZURE_EPC, "epc-", ENCLAVE_NODES,
          List.of(DeviceNode.ENCLAVE, DeviceNode.PROVISION, DeviceNode.LEGACY_ENCLAVE, DeviceNode.LEGACY_PROVISION, DeviceNode.ISGX),
          0, config.aesmd()));
    };
  }

  /** The socket file name in the device-plugins directory: Intel's {@code sgx.intel.com-enclave.sock} pattern. */
  public String socketFile() {
    return name.replace('/', '-') + ".sock";
  }

  /** What this resource offers given {@code scan}. */
  Availability assess(PlatformScan scan) {
    if (needsOneOf.stream().noneMatch(scan.nodes()::contains)) {
      return Availability.none("no SGX device node: none of " + paths(needsOneOf) + " exists");
    }
    List<DeviceNode> present = grants.stream().filter(scan.nodes()::contains).toList();
    if (slots > 0) {
      return new Availability(slots, present, slots + " shared slots of " + paths(present));
    }
    if (scan.epc().bytes().isEmpty()) {
      return Availability.none("EPC size unknown: " + scan.epc().detail() + "; give it with --epc-bytes");
    }
    long mib = scan.epc().bytes().getAsLong() / MIB;
    if (mib == 0) {
      return Availability.none("EPC size is " + scan.epc().bytes().getAsLong() + " bytes (" + scan.epc().detail() + "), less than 1 MiB");
    }
    int units = (int) Math.min(mib, MAX_EPC_UNITS);
    String capped = mib > MAX_EPC_UNITS ? " (capped from " + mib + ")" : "";
    return new Availability(units, present, units + " MiB of EPC" + capped + " from " + scan.epc().detail() + ", granting " + paths(present));
  }

  private static String paths(List<DeviceNode> nodes) {
    return nodes.stream().map(DeviceNode::hostPath).collect(Collectors.joining(", "));
  }
}
