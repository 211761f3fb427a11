package dev.clave.charts;

import static dev.clave.charts.Charts.render;
import static dev.clave.charts.Charts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** charts/las: the seed's {@code helm install las …} runbook, rendered. */
class LasChartTest {
  private static DaemonSet daemonSet(Map<String, ?> sets) {
    Charts.Rendered r = render("las", "las", sets);
    // helm install las charts/las is the whole installation: one DaemonSet, nothing else to create first.
    assertThat(r.kinds()).containsExactly("DaemonSet");
    return r.one(DaemonSet.class);
  }

  private static Container las(DaemonSet ds) {
    assertThat(ds.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    return ds.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void defaultInstallRunsClaveLasServeOnSgxNodesWithThePluginsDevicesUnprivileged() {
    DaemonSet ds = daemonSet(Map.of());
    assertThat(ds.getMetadata().getName()).isEqualTo("las");
    assertThat(ds.getMetadata().getNamespace()).isNull();
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsExactly(Map.entry("sgx.intel.com/capable", "true"));
    assertThat(ds.getSpec().getSelector().getMatchLabels()).isEqualTo(ds.getSpec().getTemplate().getMetadata().getLabels());

    Container c = las(ds);
    assertThat(c.getImage()).isEqualTo("ghcr.io/clave-dev/clave:0.1.0");
    assertThat(c.getCommand()).containsExactly("clave");
    assertThat(c.getArgs()).startsWith("las", "serve").contains("--listen=0.0.0.0:18766", "--state-dir=/var/lib/clave/las");
    assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).containsExactly(org.assertj.core.groups.Tuple.tuple("SCONE_MODE", "hw"));

    ContainerPort port = c.getPorts().get(0);
    assertThat(port.getContainerPort()).isEqualTo(18766);
    assertThat(port.getHostPort()).isEqualTo(18766);

    // The device plugin's resources instead of privileged mode.
    assertThat(c.getResources().getLimits()).containsOnlyKeys("sgx.intel.com/enclave", "sgx.intel.com/provision");
    assertThat(c.getResources().getLimits().get("sgx.intel.com/enclave")).isEqualTo(new Quantity("1"));
    assertThat(c.getResources().getLimits().get("sgx.intel.com/provision")).isEqualTo(new Quantity("1"));
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes()).noneMatch(v -> v.getHostPath() != null && v.getHostPath().getPath().startsWith("/dev"));

    // The platform survives pod restarts: the state lives on the node.
    Volume state = pod.getVolumes().stream().filter(v -> v.getName().equals("state")).findFirst().orElseThrow();
    assertThat(state.getHostPath().getPath()).isEqualTo("/var/lib/clave/las");
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getName().equals("state") && m.getMountPath().equals("/var/lib/clave/las"));
    assertThat(UnknownFields.in(ds)).isEmpty();
  }

  @Test
  void seedImageAndAzurePluginRequestAksEpcInsteadOfIntelDevices() {
    String image = "registry.scontain.com/sconecuratedimages/kubernetes:las.microsoft-azure";
    DaemonSet ds = daemonSet(values("useSGXDevPlugin", "azure", "image", image));
    Container c = las(ds);
    assertThat(c.getImage()).isEqualTo(image);
    assertThat(c.getResources().getLimits()).containsOnlyKeys("kubernetes.azure.com/sgx_epc_mem_in_MiB");
    assertThat(c.getResources().getLimits().get("kubernetes.azure.com/sgx_epc_mem_in_MiB")).isEqualTo(new Quantity("16"));
    // AKS's own plugin sets no sgx.intel.com/capable label; the EPC request alone finds SGX nodes.
    assertThat(ds.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);

    Container sized = las(daemonSet(values("useSGXDevPlugin", "azure", "sgxEpcMem", 64)));
    assertThat(sized.getResources().getLimits().get("kubernetes.azure.com/sgx_epc_mem_in_MiB")).isEqualTo(new Quantity("64"));
  }

  @Test
  void intelFlavorCanAlsoRequestEpcAndKeepsTheUsersResources() {
    Container c = las(daemonSet(values(
        "useSGXDevPlugin", "intel", "requestEpc", true, "sgxEpcMem", 32,
        "resources.requests.memory", "256Mi", "resources.limits.memory", "512Mi")));
    assertThat(c.getResources().getLimits()).containsOnlyKeys(
        "sgx.intel.com/enclave", "sgx.intel.com/provision", "sgx.intel.com/epc", "memory");
    assertThat(c.getResources().getLimits().get("sgx.intel.com/epc")).isEqualTo(new Quantity("32Mi"));
    assertThat(c.getResources().getLimits().get("memory")).isEqualTo(new Quantity("512Mi"));
    assertThat(c.getResources().getRequests()).containsOnlyKeys("memory");
  }

  @Test
  void withoutADevicePluginItRunsPrivilegedAndAsksForNoResources() {
    DaemonSet ds = daemonSet(values("useSGXDevPlugin", "disabled"));
    Container c = las(ds);
    assertThat(c.getSecurityContext().getPrivileged()).isTrue();
    assertThat(c.getResources()).satisfiesAnyOf(
        r -> assertThat(r).isNull(), r -> assertThat(r.getLimits()).isNullOrEmpty());
    assertThat(ds.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();
  }

  @Test
  void unknownPluginFlavorIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> render("las", "las", values("useSGXDevPlugin", "scone")))
        .hasMessageContaining("useSGXDevPlugin")
        .hasMessageContaining("value must be one of 'clave', 'intel', 'azure', 'disabled'");
  }

  @Test
  void simulationModeMountsTheSimulationRootSecret() {
    DaemonSet ds = daemonSet(values("mode", "sim", "simRoot.secretName", "clave-sim-root"));
    Container c = las(ds);
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("SCONE_MODE") && e.getValue().equals("sim"));
    assertThat(c.getArgs()).contains("--sim-root=/etc/clave/sim");
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/clave/sim/root") && m.getReadOnly());
    assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("clave-sim-root"));

    assertThatThrownBy(() -> render("las", "las", values("mode", "sim"))).hasMessageContaining("simRoot.secretName");
  }

  @Test
  void hostPortPullSecretsTolerationsAndNodeSelectorFollowTheValues() {
    DaemonSet ds = daemonSet(values(
        "hostPort", 28766,
        "imagePullSecrets[0].name", "regcred",
        "tolerations[0].key", "sgx", "tolerations[0].operator", "Exists",
        "nodeSelector.pool", "enclaves"));
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(las(ds).getPorts().get(0).getHostPort()).isEqualTo(28766);
    assertThat(las(ds).getPorts().get(0).getContainerPort()).isEqualTo(18766);
    assertThat(pod.getImagePullSecrets()).extracting("name").containsExactly("regcred");
    assertThat(pod.getTolerations()).extracting("key").containsExactly("sgx");
    assertThat(pod.getNodeSelector()).containsOnly(Map.entry("pool", "enclaves"), Map.entry("sgx.intel.com/capable", "true"));
  }

  @Test
  void anotherReleaseNameGetsItsOwnObjects() {
    DaemonSet ds = daemonSet(values());
    DaemonSet other = render("las", "edge", Map.of()).one(DaemonSet.class);
    assertThat(other.getMetadata().getName()).isEqualTo("edge-las");
    assertThat(other.getSpec().getSelector().getMatchLabels()).isNotEqualTo(ds.getSpec().getSelector().getMatchLabels());
  }
}
