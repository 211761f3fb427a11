package dev.clave.charts;

import static dev.clave.charts.Charts.render;
import static dev.clave.charts.Charts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** charts/sgx-plugin: the device plugin DaemonSet and the RBAC its node publication needs. */
class SgxPluginChartTest {
  private static Container plugin(DaemonSet ds) {
    return ds.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static VolumeMount mount(Container c, String path) {
    return c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst().orElseThrow();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void daemonSetServesTheKubeletSocketDirectoryAndSeesHostDevReadOnly() {
    Charts.Rendered r = render("sgx-plugin", "sgx-plugin");
    DaemonSet ds = r.one(DaemonSet.class);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    Container c = plugin(ds);
    assertThat(c.getCommand()).containsExactly("clave");
    assertThat(c.getArgs()).startsWith("sgx-plugin", "serve").contains(
        "--plugin-dir=/var/lib/kubelet/device-plugins", "--flavor=intel", "--dev-root=/host/dev", "--sys-root=/host/sys",
        "--enclave-limit=110", "--provision-limit=110", "--node-name=$(NODE_NAME)");
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("NODE_NAME")
        && e.getValueFrom().getFieldRef().getFieldPath().equals("spec.nodeName"));

    assertThat(volume(pod, "device-plugins").getHostPath().getPath()).isEqualTo("/var/lib/kubelet/device-plugins");
    assertThat(mount(c, "/var/lib/kubelet/device-plugins").getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(volume(pod, "dev").getHostPath().getPath()).isEqualTo("/dev");
    assertThat(mount(c, "/host/dev").getReadOnly()).isTrue();
    assertThat(volume(pod, "sys").getHostPath().getPath()).isEqualTo("/sys");
    assertThat(mount(c, "/host/sys").getReadOnly()).isTrue();

    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    // It publishes the label the LAS and CAS select on, so it cannot select on it itself.
    assertThat(pod.getNodeSelector()).doesNotContainKey("sgx.intel.com/capable");
    assertThat(c.getResources()).satisfiesAnyOf(x -> assertThat(x).isNull(), x -> assertThat(x.getLimits()).isNullOrEmpty());
    assertThat(UnknownFields.in(ds)).isEmpty();
  }

  @Test
  void rbacAllowsExactlyGetAndPatchOnNodesAndPatchOnNodeStatus() {
    Charts.Rendered r = render("sgx-plugin", "sgx-plugin");
    ServiceAccount sa = r.one(ServiceAccount.class);
    ClusterRole role = r.one(ClusterRole.class);
    ClusterRoleBinding binding = r.one(ClusterRoleBinding.class);
    assertThat(r.one(DaemonSet.class).getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(sa.getMetadata().getName());

    assertThat(Rbac.verbs(role.getRules(), "", "nodes")).containsExactlyInAnyOrder("get", "patch");
    assertThat(Rbac.verbs(role.getRules(), "", "nodes/status")).containsExactly("patch");
    assertThat(role.getRules()).flatExtracting(PolicyRule::getResources).containsOnly("nodes", "nodes/status");

    assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(sa.getMetadata().getName());
      assertThat(s.getNamespace()).isEqualTo(Charts.NAMESPACE);
    });
  }

  @Test
  void azureFlavorAesmdAndAnotherPluginDirectory() {
    DaemonSet ds = render("sgx-plugin", "sgx-plugin", values(
        "flavor", "azure", "aesmd", true, "epcBytes", "94Mi", "pluginDir", "/var/lib/k0s/kubelet/device-plugins"))
        .one(DaemonSet.class);
    Container c = plugin(ds);
    assertThat(c.getArgs()).contains("--flavor=azure", "--aesmd", "--epc-bytes=94Mi")
        // The socket directory is mounted where the plugin looks, wherever the node keeps it.
        .contains("--plugin-dir=/var/lib/kubelet/device-plugins");
    assertThat(volume(ds.getSpec().getTemplate().getSpec(), "device-plugins").getHostPath().getPath())
        .isEqualTo("/var/lib/k0s/kubelet/device-plugins");

    assertThatThrownBy(() -> render("sgx-plugin", "sgx-plugin", values("flavor", "scone"))).hasMessageContaining("flavor");
  }

  @Test
  void withoutNodeLabellingThereIsNoApiAccessAtAll() {
    Charts.Rendered r = render("sgx-plugin", "sgx-plugin", values("labelNodes", false));
    assertThat(r.kinds()).containsExactly("DaemonSet");
    DaemonSet ds = r.one(DaemonSet.class);
    assertThat(ds.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isFalse();
    assertThat(plugin(ds).getArgs()).noneMatch(a -> a.startsWith("--node-name"));
    assertThat(plugin(ds).getEnv()).isNullOrEmpty();
  }

  @Test
  void rbacHelperSeesThroughWildcardsAndGroups() {
    PolicyRule rule = new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
        .withApiGroups("apps").withResources("daemonsets").withVerbs("get").build();
    assertThat(Rbac.verbs(List.of(rule), "apps", "daemonsets")).containsExactly("get");
    assertThat(Rbac.verbs(List.of(rule), "", "daemonsets")).isEmpty();
    assertThat(Rbac.verbs(List.of(rule), "apps", "statefulsets")).isEmpty();
    PolicyRule everything = new io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder()
        .withApiGroups("*").withResources("*").withVerbs("*").build();
    assertThat(Rbac.verbs(List.of(rule, everything), "", "nodes")).containsExactly("*");
  }
}
