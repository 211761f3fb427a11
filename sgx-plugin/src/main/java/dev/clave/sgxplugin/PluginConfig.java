package dev.clave.sgxplugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How the SGX device plugin runs.
 *
 * @param pluginDir kubelet's device-plugins directory: {@code kubelet.sock} is there and the plugin's own
 *     sockets go there
 * @param devRoot where the host's {@code /dev} is visible to the plugin; device specs always name the host's
 *     {@code /dev/...} paths
 * @param sysRoot where the host's {@code /sys} is visible (EPC size)
 * @param flavor which resources are advertised
 * @param enclaveLimit how many containers may share the enclave device ({@code sgx.intel.com/enclave} slots)
 * @param provisionLimit the same for {@code sgx.intel.com/provision}
 * @param epcBytes the EPC size, overriding what sysfs says; empty: read sysfs
 * @param aesmd whether allocations also get the host's AESM socket directory and {@code SGX_AESM_ADDR=1}
 * @param pollInterval how often device nodes, EPC and the sockets are checked
 * @param registerTimeout how long one registration with kubelet may take (kubelet dials back meanwhile)
 */
public record PluginConfig(
    Path pluginDir,
    Path devRoot,
    Path sysRoot,
    Flavor flavor,
    int enclaveLimit,
    int provisionLimit,
    OptionalLong epcBytes,
    boolean aesmd,
    Duration pollInterval,
    Duration registerTimeout) {

  public static final Path DEFAULT_PLUGIN_DIR = Path.of("/var/lib/kubelet/device-plugins");
  /** Intel's default: kubelet's default maximum of pods per node, so every pod may use SGX. */
  public static final int DEFAULT_LIMIT = 110;
  /** More slots than pods a node may ever run is meaningless; the bound keeps the device list small. */
  public static final int MAX_LIMIT = 10_000;
  /** The host directory where aesmd keeps {@code aesm.socket}. */
  public static final String AESMD_DIR = "/var/run/aesmd";
  /** A Linux unix socket path has at most 107 bytes (sun_path is 108 with the terminating NUL). */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  public static final PluginConfig DEFAULTS = new PluginConfig(
      DEFAULT_PLUGIN_DIR, Path.of("/dev"), Path.of("/sys"), Flavor.INTEL, DEFAULT_LIMIT, DEFAULT_LIMIT,
      OptionalLong.empty(), false, Duration.ofSeconds(5), Duration.ofSeconds(30));

  public PluginConfig {
    Objects.requireNonNull(pluginDir, "pluginDir");
    Objects.requireNonNull(devRoot, "devRoot");
    Objects.requireNonNull(sysRoot, "sysRoot");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(epcBytes, "epcBytes");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(registerTimeout, "registerTimeout");
    checkLimit("enclave limit", enclaveLimit);
    checkLimit("provision limit", provisionLimit);
    if (epcBytes.isPresent() && epcBytes.getAsLong() < 0) {
      throw new IllegalArgumentException("EPC size: must be 0 or more bytes, got " + epcBytes.getAsLong());
    }
    if (pollInterval.compareTo(Duration.ofMillis(10)) < 0 || pollInterval.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException("poll interval: must be 10ms..10m, got " + pollInterval);
    }
    if (registerTimeout.compareTo(Duration.ofMillis(100)) < 0 || registerTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException("registration timeout: must be 100ms..5m, got " + registerTimeout);
    }
  }

  private static void checkLimit(String what, int n) {
    if (n < 1 || n > MAX_LIMIT) {
      throw new IllegalArgumentException(what + ": must be 1.." + MAX_LIMIT + ", got " + n);
    }
  }

  public PluginConfig withPluginDir(Path dir) {
    return new PluginConfig(dir, devRoot, sysRoot, flavor, enclaveLimit, provisionLimit, epcBytes, aesmd, pollInterval, registerTimeout);
  }

  public PluginConfig withDevRoot(Path dir) {
    return new PluginConfig(pluginDir, dir, sysRoot, flavor, enclaveLimit, provisionLimit, epcBytes, aesmd, pollInterval, registerTimeout);
  }

  public PluginConfig withSysRoot(Path dir) {
    return new PluginConfig(pluginDir, devRoot, dir, flavor, enclaveLimit, provisionLimit, epcBytes, aesmd, pollInterval, registerTimeout);
  }

  public PluginConfig withFlavor(Flavor f) {
    return new PluginConfig(pluginDir, devRoot, sysRoot, f, enclaveLimit, provisionLimit, epcBytes, aesmd, pollInterval, registerTimeout);
  }

  public PluginConfig withLimits(int enclave, int provision) {
    return new PluginConfig(pluginDir, devRoot, sysRoot, flavor, enclave, provision, epcBytes, aesmd, pollInterval, registerTimeout);
  }

  public PluginConfig withEpcBytes(OptionalLong bytes) {
    return new PluginConfig(pluginDir, devRoot, sysRoot, flavor, enclaveLimit, provisionLimit, bytes, aesmd, pollInterval, registerTimeout);
  }

  public PluginConfig withAesmd(boolean on) {
    return new PluginConfig(pluginDir, devRoot, sysRoot, flavor, enclaveLimit, provisionLimit, epcBytes, on, pollInterval, registerTimeout);
  }

  public PluginConfig withPollInterval(Duration d) {
    return new PluginConfig(pluginDir, devRoot, sysRoot, flavor, enclaveLimit, provisionLimit, epcBytes, aesmd, d, registerTimeout);
  }

  public PluginConfig withRegisterTimeout(Duration d) {
    return new PluginConfig(pluginDir, devRoot, sysRoot, flavor, enclaveLimit, provisionLimit, epcBytes, aesmd, pollInterval, d);
  }

  /** kubelet's registration socket. */
  public Path kubeletSocket() {
    return pluginDir.resolve("kubelet.sock");
  }
}
