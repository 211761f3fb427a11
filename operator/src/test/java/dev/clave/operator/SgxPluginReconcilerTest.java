package dev.clave.operator;

import static dev.clave.operator.MockCluster.NAMESPACE;
import static dev.clave.operator.MockCluster.daemonSet;
import static dev.clave.operator.MockCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.operator.model.Conditions;
import dev.clave.operator.sgxplugin.SgxPlugin;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class SgxPluginReconcilerTest {
  static KubernetesClient client;
  private static ClaveOperator operator;

  @BeforeAll
  static void start() {
    operator = MockCluster.start(client, OperatorConfig.defaults(), MockCluster.noCas());
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  @org.junit.jupiter.api.AfterEach
  void cleanUp() {
    // A failed test must not leave an older plugin that makes the next one's an "AnotherInstance".
    client.resources(SgxPlugin.class).delete();
    eventually().until(() -> client.resources(SgxPlugin.class).list().getItems().isEmpty());
  }

  private static SgxPlugin plugin(String name, String image) {
    SgxPlugin p = new SgxPlugin();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    p.getSpec().setImage(image);
    p.getSpec().setNodeSelector(Map.of("pool", "enclaves"));
    p.getSpec().setImagePullSecrets(List.of(new LocalObjectReference("regcred")));
    p.getSpec().setTolerations(List.of(new Toleration("NoSchedule", "sgx", "Exists", null, null)));
    p.getSpec().setCapacitySGXPods(20);
    return p;
  }

  private static SgxPlugin get(String name) {
    return client.resources(SgxPlugin.class).withName(name).get();
  }

  private static String condition(SgxPlugin p, String type) {
    return Conditions.find(p.getStatus(), type).map(Condition::getStatus).orElse("absent");
  }

  @Test
  void aPluginBecomesADaemonSetOnSgxNodesThatRollsOnChangeAndGoesWithTheResource() {
    client.resources(SgxPlugin.class).resource(plugin("sgx", "registry.example/clave:1.0")).create();

    eventually().until(() -> daemonSet(client, NAMESPACE, "sgx-sgx-plugin") != null);
    DaemonSet ds = daemonSet(client, NAMESPACE, "sgx-sgx-plugin");
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).containsEntry("pool", "enclaves").containsEntry("sgx.intel.com/capable", "true");
    assertThat(pod.getImagePullSecrets()).extracting(LocalObjectReference::getName).containsExactly("regcred");
    assertThat(pod.getTolerations()).extracting(Toleration::getKey).containsExactly("sgx");
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("registry.example/clave:1.0");
    assertThat(pod.getContainers().get(0).getArgs()).containsSubsequence("sgx-plugin", "serve")
        .containsSubsequence("--enclave-limit", "20");
    assertThat(pod.getContainers().get(0).getSecurityContext()).as("no privileged mode").isNull();

    eventually().until(() -> "PENDING".equals(get("sgx").getStatus().getState()));
    assertThat(condition(get("sgx"), Conditions.PROGRESSING)).isEqualTo("True");
    assertThat(condition(get("sgx"), Conditions.READY)).isEqualTo("False");
    assertThat(get("sgx").getMetadata().getFinalizers()).isNotEmpty();

    MockCluster.markDaemonSetReady(client, NAMESPACE, "sgx-sgx-plugin", 2);
    eventually().until(() -> "HEALTHY".equals(get("sgx").getStatus().getState()));
    SgxPlugin healthy = get("sgx");
    assertThat(condition(healthy, Conditions.READY)).isEqualTo("True");
    assertThat(condition(healthy, Conditions.PROGRESSING)).isEqualTo("False");
    assertThat(condition(healthy, Conditions.DEGRADED)).isEqualTo("False");
    assertThat(healthy.getStatus().getServingReplicaRatio()).isEqualTo("2/2");
    assertThat(healthy.getStatus().getObservedGeneration()).isEqualTo(healthy.getMetadata().getGeneration());

    MockCluster.retryOnConflict(() -> client.resources(SgxPlugin.class).withName("sgx").edit(p -> {
      p.getSpec().setImage("registry.example/clave:1.1");
      return p;
    }));
    eventually().until(() -> daemonSet(client, NAMESPACE, "sgx-sgx-plugin").getSpec().getTemplate().getSpec()
        .getContainers().get(0).getImage().equals("registry.example/clave:1.1"));

    client.resources(SgxPlugin.class).withName("sgx").delete();
    eventually().until(() -> daemonSet(client, NAMESPACE, "sgx-sgx-plugin") == null && get("sgx") == null);
  }

  @Test
  void aSecondPluginGetsNoDaemonSetUntilTheFirstIsGone() {
    client.resources(SgxPlugin.class).resource(plugin("first", "clave:1")).create();
    eventually().until(() -> daemonSet(client, NAMESPACE, "first-sgx-plugin") != null);
    client.resources(SgxPlugin.class).resource(plugin("second", "clave:1")).create();

    eventually().until(() -> get("second").getStatus() != null && "UNHEALTHY".equals(get("second").getStatus().getState()));
    SgxPlugin second = get("second");
    assertThat(Conditions.find(second.getStatus(), Conditions.DEGRADED)).get()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("AnotherInstance"))
        .satisfies(c -> assertThat(c.getMessage()).contains("first"));
    assertThat(daemonSet(client, NAMESPACE, "second-sgx-plugin")).isNull();

    client.resources(SgxPlugin.class).withName("first").delete();
    eventually().until(() -> daemonSet(client, NAMESPACE, "second-sgx-plugin") != null);
    assertThat(daemonSet(client, NAMESPACE, "first-sgx-plugin")).isNull();
    client.resources(SgxPlugin.class).withName("second").delete();
    eventually().until(() -> get("second") == null);
  }
}
