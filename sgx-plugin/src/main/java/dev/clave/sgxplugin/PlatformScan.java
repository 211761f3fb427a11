package dev.clave.sgxplugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What the plugin sees of the host's SGX at one moment: the device nodes present and the EPC size.
 *
 * @param nodes the device nodes that exist (a node is present when its path exists and is not a directory;
 *     udev's {@code /dev/sgx/*} symlinks count)
 * @param epc the EPC size or why it is unknown
 */
public record PlatformScan(Set<DeviceNode> nodes, EpcReading epc) {
  public PlatformScan {
    nodes = nodes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(nodes));
    Objects.requireNonNull(epc, "epc");
  }

  /** Looks at {@code config}'s dev and sys roots; an EPC size in the configuration wins over sysfs. */
  static PlatformScan of(PluginConfig config) {
    EnumSet<DeviceNode> present = EnumSet.noneOf(DeviceNode.class);
    for (DeviceNode node : DeviceNode.values()) {
      Path p = config.devRoot().resolve(node.relative());
      if (Files.exists(p) && !Files.isDirectory(p)) {
        present.add(node);
      }
    }
    OptionalLong configured = config.epcBytes();
    EpcReading epc = configured.isPresent()
        ? EpcReading.known(configured.getAsLong(), "the configured EPC size")
        : EpcSize.read(config.sysRoot());
    return new PlatformScan(present, epc);
  }

  /** Whether any node through which an enclave can be created is present. */
  public boolean hasEnclaveNode() {
    return nodes.contains(DeviceNode.ENCLAVE) || nodes.contains(DeviceNode.LEGACY_ENCLAVE) || nodes.contains(DeviceNode.ISGX);
  }
}
