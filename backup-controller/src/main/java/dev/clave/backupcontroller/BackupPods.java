package dev.clave.backupcontroller;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The short-lived pods of a node: the backup CAS, the attested {@code register-backup} run, and the attested
 * {@code restore-drill} run against that backup CAS.
 */
final class BackupPods {
  static final String NAME_LABEL = "app.kubernetes.io/name";
  static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  static final String MANAGED_BY = "clave-backup-controller";
  static final String BACKUP_CAS = "backup-cas";
  static final String REGISTRATION = "registration";
  static final String RESTORE_DRILL = "restore-drill";

  private final ControllerConfig config;

  BackupPods(ControllerConfig config) {
    this.config = config;
  }

  static String registrationPodName(String backupPod) {
    return backupPod + "-register";
  }

  static String drillPodName(String backupPod) {
    return backupPod + "-drill";
  }

  /** Where a node's backup CAS keeps its state, on the node itself (see {@link #backupCas}). */
  static String stateHostPath(ControllerConfig config) {
    return "/var/lib/clave/" + config.backupName();
  }

  /**
   * A backup CAS on {@code node}: the primary wraps its database key to this CAS's key. The pod is short-lived, but
   * its key must not be: a registration is only worth something if the CAS that restores the store on this node
   * later ({@code cas serve --state-dir <this path> --restore-from …}) has the key it was made for. So the state
   * directory (key, certificate, sealing secret) lives on the node ({@code /var/lib/clave/<backupName>}), as SGX
   * sealing would keep it with the platform.
   */
  Pod backupCas(String node) {
    String name = config.backupPodName(node);
    return base(name, node, BACKUP_CAS)
        .editSpec()
          .addNewContainer()
            .withName("cas")
            .withImage(config.image())
            .withCommand("clave")
            .withArgs("cas", "serve", "--state-dir=/var/lib/clave-backup-cas", "--host=0.0.0.0",
                "--client-port=" + config.clientPort(), "--enclave-port=" + config.enclavePort(), "--tls-name=" + name)
            .withEnv(lasAddress())
            .addNewPort().withName("client").withContainerPort(config.clientPort()).endPort()
            .addNewPort().withName("enclave").withContainerPort(config.enclavePort()).endPort()
            .withNewReadinessProbe()
              .withNewTcpSocket().withPort(new IntOrString("client")).endTcpSocket()
              .withPeriodSeconds(2)
            .endReadinessProbe()
            .withNewResources().withLimits(limits()).endResources()
            .addNewVolumeMount().withName("state").withMountPath("/var/lib/clave-backup-cas").endVolumeMount()
          .endContainer()
          .addNewVolume().withName("state").withNewHostPath().withPath(stateHostPath(config)).withType("DirectoryOrCreate")
            .endHostPath().endVolume()
        .endSpec()
        .build();
  }

  /** The registration runs as the policy's service, on the same node, attesting through that node's LAS. */
  Pod registration(String node, String backupAddress) {
    return attestedRun(registrationPodName(config.backupPodName(node)), node, REGISTRATION, "register", config.session(),
        "clave", "cas", "register-backup", backupAddress);
  }

  /**
   * The restore drill runs as the drill service ({@code clave cas restore-drill --on @@4} in its policy), on the
   * node of the backup CAS it drills, while that backup CAS is up: the primary sends it its newest snapshot.
   */
  Pod drill(String node, String backupAddress) {
    return attestedRun(drillPodName(config.backupPodName(node)), node, RESTORE_DRILL, "restore-drill",
        config.drillSession(), "clave", "cas", "restore-drill", "--on", backupAddress);
  }

  /** {@code clave run --config-id SESSION -- COMMAND…} in a pod on {@code node}, attesting through its LAS. */
  private Pod attestedRun(String name, String node, String component, String container, String session, String... command) {
    List<String> args = new ArrayList<>(List.of(
        // $(SCONE_LAS_ADDR) is expanded by the kubelet from the container's environment.
        "run", "--config-id", session, "--cas", config.casAddress(), "--las", "$(SCONE_LAS_ADDR)", "--"));
    args.addAll(List.of(command));
    return base(name, node, component)
        .editSpec()
          .addNewContainer()
            .withName(container)
            .withImage(config.image())
            .withCommand("clave")
            .withArgs(args)
            .withEnv(lasAddress(), new EnvVarBuilder().withName("SCONE_CAS_ADDR").withValue(config.casAddress()).build())
            .withNewResources().withLimits(limits()).endResources()
          .endContainer()
        .endSpec()
        .build();
  }

  private PodBuilder base(String name, String node, String component) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(NAME_LABEL, config.backupName());
    labels.put(COMPONENT_LABEL, component);
    labels.put(MANAGED_BY_LABEL, MANAGED_BY);
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(config.namespace()).withLabels(labels).endMetadata()
        .withNewSpec()
          // Pinned to the node whose platform is to be registered; the scheduler must not move it.
          .withNodeName(node)
          .withRestartPolicy("Never")
        .endSpec();
  }

  private static EnvVar lasAddress() {
    return new EnvVarBuilder().withName("SCONE_LAS_ADDR")
        .withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP").endFieldRef().endValueFrom().build();
  }

  private Map<String, Quantity> limits() {
    Map<String, Quantity> m = new LinkedHashMap<>();
    config.sgxResources().forEach((k, v) -> m.put(k, new Quantity(v)));
    return m;
  }
}
