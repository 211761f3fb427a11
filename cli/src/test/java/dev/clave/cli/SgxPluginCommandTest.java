package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.sgxplugin.Flavor;
import dev.clave.sgxplugin.PluginConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code clave sgx-plugin serve}: options and refusals (the plugin itself is tested in its module). */
class SgxPluginCommandTest {
  @TempDir Path dir;

  private static SgxPluginCommand.Serve parsed(String... args) {
    SgxPluginCommand.Serve serve = new SgxPluginCommand.Serve();
    new CommandLine(serve).parseArgs(args);
    return serve;
  }

  @Test
  void defaultsAreIntelsOnKubeletsDirectory() {
    SgxPluginCommand.Serve serve = parsed();
    serve.env = Map.of();
    PluginConfig c = serve.config();
    assertThat(c).isEqualTo(PluginConfig.DEFAULTS);
    assertThat(c.pluginDir()).isEqualTo(Path.of("/var/lib/kubelet/device-plugins"));
    assertThat(c.enclaveLimit()).isEqualTo(110);
    assertThat(serve.node()).isNull();
  }

  @Test
  void optionsReachTheConfiguration() {
    SgxPluginCommand.Serve serve = parsed("--plugin-dir", "/x/dp", "--dev-root", "/host/dev", "--sys-root", "/host/sys",
        "--flavor", "azure", "--enclave-limit", "20", "--provision-limit", "5", "--epc-bytes", "94Mi", "--aesmd",
        "--poll-interval", "500ms");
    PluginConfig c = serve.config();
    assertThat(c.pluginDir()).isEqualTo(Path.of("/x/dp"));
    assertThat(c.devRoot()).isEqualTo(Path.of("/host/dev"));
    assertThat(c.sysRoot()).isEqualTo(Path.of("/host/sys"));
    assertThat(c.flavor()).isEqualTo(Flavor.AZURE);
    assertThat(c.enclaveLimit()).isEqualTo(20);
    assertThat(c.provisionLimit()).isEqualTo(5);
    assertThat(c.epcBytes()).isEqualTo(OptionalLong.of(94L << 20));
    assertThat(c.aesmd()).isTrue();
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void theNodeNameComesFromTheOptionOrNodeName() {
    SgxPluginCommand.Serve fromEnv = parsed();
    fromEnv.env = Map.of("NODE_NAME", "worker-3");
    assertThat(fromEnv.node()).isEqualTo("worker-3");
    SgxPluginCommand.Serve fromOption = parsed("--node-name", "worker-4");
    fromOption.env = Map.of("NODE_NAME", "worker-3");
    assertThat(fromOption.node()).isEqualTo("worker-4");
  }

  @Test
  void badOptionsAreNamed() {
    assertRefused("clave: --flavor: expected \"intel\" or \"azure\", got \"aks\"", "--flavor", "aks");
    assertRefused("clave: --enclave-limit: must be 1..10000, got 0", "--enclave-limit", "0");
    assertRefused("clave: --provision-limit: must be 1..10000, got 20000", "--provision-limit", "20000");
    assertRefused("clave: --epc-bytes: expected a byte count such as 98566144 or 94Mi, got \"1MB\"", "--epc-bytes", "1MB");
    assertRefused("clave: --poll-interval: expected a duration such as 500ms, 5s or 1m, got \"5\"", "--poll-interval", "5");
    assertRefused("clave: poll interval: must be 10ms..10m, got PT0.001S", "--poll-interval", "1ms");
  }

  private static void assertRefused(String message, String... options) {
    String[] args = new String[options.length + 2];
    args[0] = "sgx-plugin";
    args[1] = "serve";
    System.arraycopy(options, 0, args, 2, options.length);
    CliRun run = CliRun.of(args);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo(message);
  }

  @Test
  void aMissingDevicePluginsDirectoryIsRefusedWithTheReason() {
    Path missing = dir.resolve("device-plugins");
    CliRun run = CliRun.of("sgx-plugin", "serve", "--plugin-dir", missing.toString(), "--node-name", "");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip()).isEqualTo("clave: cannot start the SGX device plugin: the device-plugins directory " + missing
        + " does not exist; is kubelet running on this node? (--plugin-dir sets it)");
  }

  @Test
  void helpListsTheCommand() {
    CliRun top = CliRun.of("--help");
    assertThat(top.out()).contains("sgx-plugin");
    CliRun serve = CliRun.of("sgx-plugin", "serve", "--help");
    assertThat(serve.exitCode()).isZero();
    assertThat(serve.out()).contains("--plugin-dir", "--flavor", "--epc-bytes", "--aesmd", "sgx.intel.com/enclave");
  }
}
