package dev.clave.charts;

import static dev.clave.charts.Charts.render;
import static dev.clave.charts.Charts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** charts/cas-backup-controller, as the seed installs it. */
class CasBackupControllerChartTest {
  private static final Map<String, Object> SEED = values(
      "cas", "cas.clave-system", "session", "my-backup-policy/register", "useSGXDevPlugin", "azure");

  private static String env(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst().orElseThrow();
  }

  @Test
  void seedInstallRunsTheControllerWithItsCasAndSession() {
    Charts.Rendered r = render("cas-backup-controller", "cbc", SEED);
    Deployment d = r.one(Deployment.class);
    // The seed finds it with kubectl logs -l app.kubernetes.io/name=cas-backup-controller.
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "cas-backup-controller");
    assertThat(d.getMetadata().getName()).isEqualTo("cbc-cas-backup-controller");
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getCommand()).containsExactly("clave");
    assertThat(c.getArgs()).containsExactly("backup-controller");
    assertThat(env(c, "SCONE_CAS_ADDR")).isEqualTo("cas.clave-system");
    assertThat(env(c, "CLAVE_BACKUP_SESSION")).isEqualTo("my-backup-policy/register");
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("SCONE_LAS_ADDR")
        && e.getValueFrom().getFieldRef().getFieldPath().equals("status.hostIP"));
    // useSGXDevPlugin=azure: the controller and the backup CASes it starts ask for AKS's EPC.
    assertThat(c.getResources().getLimits()).containsOnly(Map.entry("kubernetes.azure.com/sgx_epc_mem_in_MiB", new Quantity("16")));
    assertThat(env(c, "SGX_RESOURCES")).isEqualTo("{\"kubernetes.azure.com/sgx_epc_mem_in_MiB\":\"16\"}");
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    // The controller finds the LAS pods next to it, and on AKS (no SGX plugin label) covers every node with a LAS.
    assertThat(env(c, "LAS_NAMESPACE")).isEqualTo(Charts.NAMESPACE);
    assertThat(env(c, "LAS_SELECTOR_LABEL")).isEqualTo("app.kubernetes.io/name=las");
    assertThat(env(c, "SELECTOR_LABELS")).isEqualTo("{}");
    assertThat(UnknownFields.in(d)).isEmpty();

    String sa = r.one(ServiceAccount.class).getMetadata().getName();
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(sa);
    assertThat(Rbac.verbs(r.one(ClusterRole.class).getRules(), "", "nodes")).contains("list", "watch");
    assertThat(Rbac.verbs(r.one(Role.class).getRules(), "", "pods")).contains("create", "delete");
    assertThat(r.one(RoleBinding.class).getSubjects()).singleElement().satisfies(s -> assertThat(s.getName()).isEqualTo(sa));
  }

  @Test
  void intelFlavorAsksForTheEnclaveDevice() {
    Container c = render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register"))
        .one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getResources().getLimits()).containsOnly(Map.entry("sgx.intel.com/enclave", new Quantity("1")));
    assertThat(env(c, "SGX_RESOURCES")).isEqualTo("{\"sgx.intel.com/enclave\":\"1\"}");
    assertThat(env(c, "SELECTOR_LABELS")).isEqualTo("{\"sgx.intel.com/capable\":\"true\"}");
  }

  @Test
  void theLasNamespaceCanBeGiven() {
    Container c = render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register", "lasNamespace", "kube-system"))
        .one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(c, "LAS_NAMESPACE")).isEqualTo("kube-system");
  }

  @Test
  void withoutCasOrSessionHelmSaysWhichIsMissing() {
    assertThatThrownBy(() -> render("cas-backup-controller", "cbc", Map.of())).hasMessageContaining("cas is required");
    assertThatThrownBy(() -> render("cas-backup-controller", "cbc", values("cas", "cas")))
        .hasMessageContaining("session is required");
  }

  @Test
  void casResourceGetsTheMigrationCountsAndOnlyThatOne() {
    Charts.Rendered r = render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register", "casResource", "cas"));
    Container c = r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(c, "CAS_RESOURCE_NAME")).isEqualTo("cas");
    Role role = r.one(Role.class);
    assertThat(Rbac.verbs(role.getRules(), "services.clave.dev", "cas/status", "cas")).containsExactly("get", "patch");
    assertThat(Rbac.verbs(role.getRules(), "services.clave.dev", "cas", "cas")).containsExactly("get", "patch");
    assertThat(Rbac.verbs(role.getRules(), "services.clave.dev", "cas/status", "other-cas")).isEmpty();
    assertThat(UnknownFields.in(role)).isEmpty();
  }

  @Test
  void withoutCasResourceTheControllerMayNotTouchAnyCas() {
    Charts.Rendered r = render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register"));
    assertThat(env(r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0), "CAS_RESOURCE_NAME")).isEmpty();
    assertThat(Rbac.verbs(r.one(Role.class).getRules(), "services.clave.dev", "cas/status", "cas")).isEmpty();
    assertThat(Rbac.verbs(r.one(ClusterRole.class).getRules(), "services.clave.dev", "cas/status", "cas")).isEmpty();
  }

  @Test
  void casResourceMustBeAResourceName() {
    assertThatThrownBy(() -> render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register", "casResource", "My CAS")))
        .hasMessageContaining("casResource");
  }

  @Test
  void restoreDrillsAreOffUnlessASessionIsGiven() {
    Container c = render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register"))
        .one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(c, "CLAVE_DRILL_SESSION")).isEmpty();
    assertThat(env(c, "CLAVE_DRILL_INTERVAL_SECONDS")).isEqualTo("86400");
  }

  @Test
  void restoreDrillsRunAsTheDrillSessionEveryInterval() {
    Charts.Rendered r = render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register",
        "casResource", "cas", "drillSession", "p/drill", "drillIntervalSeconds", 3600));
    Container c = r.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(env(c, "CLAVE_DRILL_SESSION")).isEqualTo("p/drill");
    assertThat(env(c, "CLAVE_DRILL_INTERVAL_SECONDS")).isEqualTo("3600");
    // The drill's result goes to the same status as the migration counts: no further permission.
    assertThat(Rbac.verbs(r.one(Role.class).getRules(), "services.clave.dev", "cas/status", "cas")).containsExactly("get", "patch");
    assertThat(Rbac.verbs(r.one(Role.class).getRules(), "", "pods/log")).contains("get");
  }

  @Test
  void drillValuesAreChecked() {
    assertThatThrownBy(() -> render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register", "drillSession", "drill")))
        .hasMessageContaining("drillSession");
    assertThatThrownBy(() -> render("cas-backup-controller", "cbc", values("cas", "cas", "session", "p/register", "drillIntervalSeconds", 0)))
        .hasMessageContaining("drillIntervalSeconds");
  }
}
