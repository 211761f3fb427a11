package dev.clave.charts;

import static dev.clave.charts.Charts.render;
import static dev.clave.charts.Charts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** charts/operator: the operator Deployment, RBAC for its kinds and what they become, and its CRD directory. */
class OperatorChartTest {
  /** group → plurals the operator owns (scone.md §5.1 names, Clave's groups). */
  private static final List<String[]> KINDS = List.of(
      new String[] {"base.clave.dev", "sgxplugins"},
      new String[] {"base.clave.dev", "las"},
      new String[] {"services.clave.dev", "cas"},
      new String[] {"cas.clave.dev", "signedpolicies"},
      new String[] {"cas.clave.dev", "encryptedpolicies"});

  @Test
  void deploymentRunsClaveOperatorAsItsServiceAccount() {
    Charts.Rendered r = render("operator", "clave-operator", values("image", "registry.example/clave:dev", "extraArgs[0]", "--verbose"));
    Deployment d = r.one(Deployment.class);
    assertThat(d.getMetadata().getName()).isEqualTo("clave-operator");
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.example/clave:dev");
    assertThat(c.getCommand()).containsExactly("clave");
    assertThat(c.getArgs()).containsExactly("operator", "serve", "--metrics-listen=0.0.0.0:8080", "--leader-election",
        "--lease-name=clave-operator-lease", "--verbose");
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("CLAVE_OPERATOR_NAMESPACE")
        && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.namespace"));
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("CLAVE_OPERATOR_IMAGE") && e.getValue().equals("registry.example/clave:dev"));
    assertThat(c.getPorts()).anyMatch(p -> p.getName().equals("metrics") && p.getContainerPort() == 8080);
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(d.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo(r.one(ServiceAccount.class).getMetadata().getName());
    assertThat(UnknownFields.in(d)).isEmpty();
  }

  @Test
  void clusterRoleCoversItsKindsAndWhatTheyBecome() {
    Charts.Rendered r = render("operator", "clave-operator");
    ClusterRole role = r.one(ClusterRole.class);
    ClusterRoleBinding binding = r.one(ClusterRoleBinding.class);
    for (String[] kind : KINDS) {
      assertThat(Rbac.verbs(role.getRules(), kind[0], kind[1])).as("%s.%s", kind[1], kind[0])
          .contains("get", "list", "watch", "update", "patch");
      assertThat(Rbac.verbs(role.getRules(), kind[0], kind[1] + "/status")).as("%s status", kind[1]).contains("update", "patch");
      assertThat(Rbac.verbs(role.getRules(), kind[0], kind[1] + "/finalizers")).as("%s finalizers", kind[1]).contains("update");
    }
    for (String[] owned : List.of(new String[] {"apps", "daemonsets"}, new String[] {"apps", "statefulsets"},
        new String[] {"", "services"}, new String[] {"", "persistentvolumeclaims"})) {
      assertThat(Rbac.verbs(role.getRules(), owned[0], owned[1])).as(owned[1])
          .contains("get", "list", "watch", "create", "update", "patch", "delete");
    }
    assertThat(Rbac.verbs(role.getRules(), "", "pods")).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(Rbac.verbs(role.getRules(), "", "nodes")).containsExactlyInAnyOrder("get", "list", "watch");
    assertThat(Rbac.verbs(role.getRules(), "", "events")).contains("create");
    // Nothing beyond that: no secrets, no wildcards.
    assertThat(Rbac.verbs(role.getRules(), "", "secrets")).isEmpty();
    assertThat(role.getRules()).noneMatch(rule -> rule.getResources().contains("*") || rule.getVerbs().contains("*"));

    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(r.one(ServiceAccount.class).getMetadata().getName()));
    assertThat(UnknownFields.in(role)).isEmpty();
  }

  /** Leader election (on by default): a Role on the one Lease in the release's namespace, bound to the operator. */
  @Test
  void leaderElectionRoleGrantsTheLeaseInTheReleaseNamespace() {
    Charts.Rendered r = render("operator", "clave-operator");
    Role role = r.one(Role.class);
    RoleBinding binding = r.one(RoleBinding.class);
    String sa = r.one(ServiceAccount.class).getMetadata().getName();
    // What JOSDK checks before it campaigns (get, create, update) and what fabric8 renews with (a merge patch).
    assertThat(Rbac.verbs(role.getRules(), "coordination.k8s.io", "leases", "clave-operator-lease"))
        .containsExactlyInAnyOrder("get", "create", "update", "patch");
    assertThat(Rbac.verbs(role.getRules(), "coordination.k8s.io", "leases")).as("for any Lease: only create (no name yet)")
        .containsExactly("create");
    assertThat(Rbac.verbs(role.getRules(), "coordination.k8s.io", "leases", "someone-elses-lease")).containsExactly("create");
    assertThat(role.getRules()).noneMatch(rule -> rule.getResources().contains("*") || rule.getVerbs().contains("*"));
    assertThat(Rbac.verbs(r.one(ClusterRole.class).getRules(), "coordination.k8s.io", "leases")).as("not cluster-wide").isEmpty();
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(sa);
      assertThat(s.getNamespace()).isEqualTo(Charts.NAMESPACE);
    });
    assertThat(UnknownFields.in(role)).isEmpty();

    Charts.Rendered renamed = render("operator", "clave-operator", values("leaderElection.leaseName", "ops-lease"));
    assertThat(Rbac.verbs(renamed.one(Role.class).getRules(), "coordination.k8s.io", "leases", "ops-lease"))
        .containsExactlyInAnyOrder("get", "create", "update", "patch");
    assertThat(renamed.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--leader-election", "--lease-name=ops-lease");
  }

  @Test
  void replicaCountRunsSeveralReplicasWithLeaderElectionAndRollsThem() {
    Deployment one = render("operator", "clave-operator").one(Deployment.class);
    assertThat(one.getSpec().getReplicas()).isEqualTo(1);
    assertThat(one.getSpec().getStrategy().getType()).as("the Lease keeps overlapping pods apart").isEqualTo("RollingUpdate");

    Deployment two = render("operator", "clave-operator", values("replicaCount", 2)).one(Deployment.class);
    assertThat(two.getSpec().getReplicas()).isEqualTo(2);
    assertThat(two.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).contains("--leader-election");
    assertThat(UnknownFields.in(two)).isEmpty();
  }

  @Test
  void withoutLeaderElectionOneReplicaAtATimeAndNoLeaseRights() {
    Charts.Rendered r = render("operator", "clave-operator", values("leaderElection.enabled", false));
    Deployment d = r.one(Deployment.class);
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .contains("--no-leader-election").doesNotContain("--leader-election");
    assertThat(r.objects()).noneMatch(o -> o instanceof Role || o instanceof RoleBinding);

    assertThatThrownBy(() -> render("operator", "clave-operator", values("leaderElection.enabled", false, "replicaCount", 2)))
        .hasMessageContaining("replicaCount > 1 needs leaderElection.enabled");
  }

  /** crds/ holds exactly the CRDs the operator module generates, and the ClusterRole covers each. */
  @Test
  void crdDirectoryHoldsTheGeneratedCrdsAndTheClusterRoleCoversThem() throws IOException {
    Path crds = Charts.chart("operator").resolve("crds");
    assertThat(crds.resolve("README.md")).content().contains("operator/target/classes/META-INF/fabric8/");
    for (String[] kind : KINDS) {
      String name = kind[1] + "." + kind[0] + "-v1.yml";
      try (var generated = OperatorChartTest.class.getClassLoader().getResourceAsStream("META-INF/fabric8/" + name)) {
        assertThat(generated).as("the operator generates %s", name).isNotNull();
        assertThat(Files.readString(crds.resolve(name))).as("charts/operator/crds/%s is the generated CRD (copy it again)", name)
            .isEqualTo(new String(generated.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    ClusterRole role = render("operator", "clave-operator").one(ClusterRole.class);
    List<Path> files;
    try (Stream<Path> s = Files.list(crds)) {
      files = s.filter(p -> p.toString().matches(".*\\.(ya?ml|json)$")).toList();
    }
    for (Path file : files) {
      CustomResourceDefinition crd = Serialization.unmarshal(Files.readString(file), CustomResourceDefinition.class);
      String group = crd.getSpec().getGroup();
      String plural = crd.getSpec().getNames().getPlural();
      assertThat(KINDS).as("%s is one of the operator's kinds", file).anyMatch(k -> k[0].equals(group) && k[1].equals(plural));
      assertThat(Rbac.verbs(role.getRules(), group, plural)).as(file.toString()).contains("get", "list", "watch");
    }
  }
}
