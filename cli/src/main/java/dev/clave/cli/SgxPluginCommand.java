package dev.clave.cli;

import dev.clave.sgxplugin.Flavor;
import dev.clave.sgxplugin.KubernetesNodeUpdater;
import dev.clave.sgxplugin.NodeUpdater;
import dev.clave.sgxplugin.PluginConfig;
import dev.clave.sgxplugin.Quantities;
import dev.clave.sgxplugin.SgxDevicePlugin;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code sgx-plugin} group: the kubelet device plugin for SGX. */
@Command(
    name = "sgx-plugin",
    mixinStandardHelpOptions = true,
    description = "Kubernetes device plugin for Intel SGX: gives pods the SGX device nodes without privileged mode.",
    subcommands = {SgxPluginCommand.Serve.class})
final class SgxPluginCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code clave sgx-plugin serve}: runs the device plugin in the foreground until it is stopped. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Serve the kubelet device plugin API (v1beta1) for SGX and register with kubelet, again whenever kubelet restarts.",
        "Flavor intel: sgx.intel.com/enclave and sgx.intel.com/provision as shared slots; EPC as the node resource sgx.intel.com/epc (bytes).",
        "Flavor azure: kubernetes.azure.com/sgx_epc_mem_in_MiB, one device per MiB of EPC.",
        "With a node name (--node-name or NODE_NAME) it labels the node sgx.intel.com/capable=true while SGX is present "
            + "and (intel) sets its EPC capacity.",
        "Without SGX it advertises nothing, logs why and keeps watching for the device nodes."
      })
  static final class Serve implements Callable<Integer> {
    @Option(names = "--plugin-dir", paramLabel = "DIR", description = "kubelet's device-plugins directory (default /var/lib/kubelet/device-plugins)")
    Path pluginDir;

    @Option(names = "--dev-root", paramLabel = "DIR", description = "where the host's /dev is visible (default /dev)")
    Path devRoot;

    @Option(names = "--sys-root", paramLabel = "DIR", description = "where the host's /sys is visible, for the EPC size (default /sys)")
    Path sysRoot;

    @Option(names = "--flavor", paramLabel = "intel|azure", description = "resource names to advertise (default intel)")
    String flavor;

    @Option(names = "--enclave-limit", paramLabel = "N", description = "containers that may share the enclave device (default 110)")
    Integer enclaveLimit;

    @Option(names = "--provision-limit", paramLabel = "N", description = "containers that may share the provisioning device (default 110)")
    Integer provisionLimit;

    @Option(names = "--epc-bytes", paramLabel = "SIZE", description = "EPC size, e.g. 98566144 or 94Mi (default: read from sysfs)")
    String epcBytes;

    @Option(names = "--aesmd", description = "also give containers the host's /var/run/aesmd (read-only) and SGX_AESM_ADDR=1, for out-of-process quoting")
    boolean aesmd;

    @Option(names = "--node-name", paramLabel = "NAME", description = "the node to label through the Kubernetes API (default: NODE_NAME; none: no node updates)")
    String nodeName;

    @Option(names = "--poll-interval", paramLabel = "DURATION", description = "how often device nodes and sockets are checked, e.g. 5s (default 5s)")
    String pollInterval;

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    /** The configuration the options describe; IllegalArgumentException names the bad option. */
    PluginConfig config() {
      PluginConfig c = PluginConfig.DEFAULTS;
      if (pluginDir != null) {
        c = c.withPluginDir(pluginDir);
      }
      if (devRoot != null) {
        c = c.withDevRoot(devRoot);
      }
      if (sysRoot != null) {
        c = c.withSysRoot(sysRoot);
      }
      if (flavor != null) {
        c = c.withFlavor(Flavor.parse(flavor, "--flavor"));
      }
      c = c.withLimits(
          checked(enclaveLimit, c.enclaveLimit(), "--enclave-limit"),
          checked(provisionLimit, c.provisionLimit(), "--provision-limit"));
      if (epcBytes != null) {
        c = c.withEpcBytes(OptionalLong.of(Quantities.bytes(epcBytes, "--epc-bytes")));
      }
      if (pollInterval != null) {
        c = c.withPollInterval(Quantities.duration(pollInterval, "--poll-interval"));
      }
      return c.withAesmd(aesmd);
    }

    private static int checked(Integer value, int fallback, String option) {
      if (value == null) {
        return fallback;
      }
      if (value < 1 || value > PluginConfig.MAX_LIMIT) {
        throw new IllegalArgumentException(option + ": must be 1.." + PluginConfig.MAX_LIMIT + ", got " + value);
      }
      return value;
    }

    /** The node name from the option or NODE_NAME (set from the downward API in a DaemonSet); null for none. */
    String node() {
      String n = nodeName != null ? nodeName : env.get("NODE_NAME");
      return n == null || n.isBlank() ? null : n.strip();
    }

    @Override
    public Integer call() throws Exception {
      PluginConfig config;
      NodeUpdater updater;
      try {
        config = config();
        String node = node();
        updater = node == null ? NodeUpdater.NONE : KubernetesNodeUpdater.fromEnvironment(node);
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError(e.getMessage());
      }
      SgxDevicePlugin plugin;
      try {
        plugin = SgxDevicePlugin.start(config, updater);
      } catch (java.io.IOException | IllegalArgumentException | IllegalStateException e) {
        updater.close();
        throw new Errors.UserError("cannot start the SGX device plugin: " + e.getMessage());
      }
      return Foreground.runUntilStopped(plugin, "sgx-plugin");
    }
  }
}
