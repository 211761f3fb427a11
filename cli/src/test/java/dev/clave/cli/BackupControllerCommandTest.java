package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.backupcontroller.ControllerConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BackupControllerCommandTest {
  private static final Map<String, String> CHART_ENV = Map.of(
      "SCONE_CAS_ADDR", "cas.clave-system",
      "CLAVE_BACKUP_SESSION", "backup-policy/register",
      "SCONE_LAS_ADDR", "10.0.0.1",
      "NAMESPACE", "clave-system",
      "BACKUP_CAS_NAME", "cas-backup",
      "BACKUP_CAS_IMAGE", "ghcr.io/clave-dev/clave:0.1.0",
      "CONTROLLER_LOOP_INTERVAL_SECONDS", "30",
      "LAS_SELECTOR_LABEL", "app.kubernetes.io/name=las",
      "SGX_RESOURCES", "{\"kubernetes.azure.com/sgx_epc_mem_in_MiB\":\"16\"}");

  private static BackupControllerCommand parsed(Map<String, String> env, String... args) {
    BackupControllerCommand c = new BackupControllerCommand();
    new CommandLine(c).parseArgs(args);
    c.env = env;
    return c;
  }

  @Test
  void readsWhatTheChartRenders() {
    ControllerConfig c = parsed(CHART_ENV).config();
    assertThat(c.session()).isEqualTo("backup-policy/register");
    assertThat(c.casAddress()).isEqualTo("cas.clave-system");
    assertThat(c.namespace()).isEqualTo("clave-system");
    assertThat(c.backupPodName("n1")).isEqualTo("cas-backup-n1");
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.lasSelector()).containsExactly(Map.entry("app.kubernetes.io/name", "las"));
    assertThat(c.lasNamespace()).isEqualTo("kube-system");
    assertThat(c.sgxResources()).containsExactly(Map.entry("kubernetes.azure.com/sgx_epc_mem_in_MiB", "16"));
  }

  @Test
  void optionsOverrideTheEnvironment() {
    ControllerConfig c = parsed(CHART_ENV, "--session", "other/register", "--las-namespace", "clave-system", "--interval", "5").config();
    assertThat(c.session()).isEqualTo("other/register");
    assertThat(c.lasNamespace()).isEqualTo("clave-system");
    assertThat(c.interval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void refusesAMissingOrMalformedSession() {
    assertThatThrownBy(() -> parsed(Map.of("SCONE_CAS_ADDR", "cas", "BACKUP_CAS_IMAGE", "clave")).config())
        .hasMessageContaining("CLAVE_BACKUP_SESSION is required");
    assertThatThrownBy(() -> parsed(CHART_ENV, "--session", "no-service").config())
        .hasMessageContaining("expected POLICY/SERVICE");
  }

  @Test
  void aUsageErrorExitsWithTwo() {
    var out = new java.io.StringWriter();
    var err = new java.io.StringWriter();
    // The test JVM's environment has no CLAVE_BACKUP_SESSION nor image; --session alone is not enough.
    int code = Main.run(new java.io.PrintWriter(out), new java.io.PrintWriter(err), "backup-controller", "--session", "p/register", "--cas", "cas");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("BACKUP_CAS_IMAGE is required");
  }
}
