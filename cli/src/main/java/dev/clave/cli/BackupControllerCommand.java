package dev.clave.cli;

import dev.clave.backupcontroller.BackupController;
import dev.clave.backupcontroller.ControllerConfig;
import dev.clave.backupcontroller.ControllerLog;
import dev.clave.backupcontroller.HttpPlatformIds;
import dev.clave.backupcontroller.KubernetesCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clave backup-controller}: registers a backup CAS on every LAS node of the cluster, round after round. */
@Command(
    name = "backup-controller",
    mixinStandardHelpOptions = true,
    description = {
      "CAS backup controller: on every node with a LAS, start a short-lived backup CAS, register it with the primary"
          + " CAS through the attested policy session (clave run --config-id POLICY/register -- clave cas"
          + " register-backup ADDR), remove it again; repeat every interval, again for a node whose platform changed.",
      "Environment (as charts/cas-backup-controller sets it): SCONE_CAS_ADDR, CLAVE_BACKUP_SESSION, NAMESPACE,"
          + " BACKUP_CAS_NAME (cas-backup), BACKUP_CAS_IMAGE, LAS_SELECTOR_LABEL (app.kubernetes.io/name=las),"
          + " LAS_NAMESPACE (kube-system), SELECTOR_LABELS ({\"sgx.intel.com/capable\":\"true\"}), SGX_RESOURCES (JSON),"
          + " BACKUP_CAS_CLIENT_PORT (8081), BACKUP_CAS_ENCLAVE_PORT (18765), CONTROLLER_LOOP_INTERVAL_SECONDS (60),"
          + " CAS_RESOURCE_NAME (the CAS resource whose status gets the results), CLAVE_DRILL_SESSION (empty: no"
          + " restore drills), CLAVE_DRILL_INTERVAL_SECONDS (86400); options override them."
    })
final class BackupControllerCommand implements Callable<Integer> {
  @Option(names = "--session", paramLabel = "POLICY/SERVICE", description = "the policy service the registration attests as")
  String session;

  @Option(names = "--cas", paramLabel = "HOST[:PORT]", description = "the primary CAS")
  String cas;

  @Option(names = "--image", paramLabel = "IMAGE", description = "the Clave image of the backup CAS and registration pods")
  String image;

  @Option(names = "--namespace", paramLabel = "NS", description = "where the short-lived pods run")
  String namespace;

  @Option(names = "--las-namespace", paramLabel = "NS", description = "where the LAS pods run")
  String lasNamespace;

  @Option(names = "--las-selector", paramLabel = "K=V[,K=V]", description = "labels of the LAS pods")
  String lasSelector;

  @Option(names = "--interval", paramLabel = "SECONDS", description = "pause between two rounds")
  String interval;

  @Option(names = "--drill-session", paramLabel = "POLICY/SERVICE",
      description = "the policy service scheduled restore drills run as (its command: clave cas restore-drill --on @@4); default: no drills")
  String drillSession;

  @Option(names = "--drill-interval", paramLabel = "SECONDS", description = "seconds between two restore drills (86400)")
  String drillInterval;

  @Option(names = "--once", description = "run one round and exit: 0 when every LAS node has a backup, else 1")
  boolean once;

  /** The environment; tests replace it. */
  Map<String, String> env = System.getenv();

  ControllerConfig config() {
    Map<String, String> e = new HashMap<>(env);
    // Options are written over the environment names, so both go through the same checks.
    put(e, "CLAVE_BACKUP_SESSION", session);
    put(e, "SCONE_CAS_ADDR", cas);
    put(e, "BACKUP_CAS_IMAGE", image);
    put(e, "NAMESPACE", namespace);
    put(e, "LAS_NAMESPACE", lasNamespace);
    put(e, "LAS_SELECTOR_LABEL", lasSelector);
    put(e, "CONTROLLER_LOOP_INTERVAL_SECONDS", interval);
    put(e, "CLAVE_DRILL_SESSION", drillSession);
    put(e, "CLAVE_DRILL_INTERVAL_SECONDS", drillInterval);
    return ControllerConfig.fromEnv(e);
  }

  private static void put(Map<String, String> e, String key, String value) {
    if (value != null) {
      e.put(key, value);
    }
  }

  @Override
  public Integer call() throws Exception {
    ControllerConfig config;
    try {
      config = config();
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError(e.getMessage());
    }
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      BackupController controller = new BackupController(config, new KubernetesCluster(client, config),
          new HttpPlatformIds(config.lasPort(), Duration.ofSeconds(5)), new ControllerLog(System.out, Clock.systemDefaultZone()));
      if (once) {
        controller.announce();
        return controller.round().values().stream().allMatch(b -> b) ? 0 : 1;
      }
      controller.run();
      return 0;
    }
  }
}
