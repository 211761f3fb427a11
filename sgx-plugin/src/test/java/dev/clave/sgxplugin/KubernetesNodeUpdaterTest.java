package dev.clave.sgxplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node updater against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodeUpdaterTest {
  KubernetesClient client;

  @BeforeAll
  static void quietMockServer() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
  }

  @BeforeEach
  void node() {
    client.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName("sgx-1").addToLabels("kubernetes.io/arch", "amd64").endMetadata()
        .withNewStatus().addToCapacity("cpu", new Quantity("4")).endStatus()
        .build()).create();
  }

  private Node sgx1() {
    return client.nodes().withName("sgx-1").get();
  }

  @Test
  void labelsTheNodeAndSetsItsEpcCapacity() {
    KubernetesNodeUpdater.of(client, "sgx-1").publish(new NodeState(true, OptionalLong.of(98566144)));
    Node n = sgx1();
    assertThat(n.getMetadata().getLabels()).containsEntry("sgx.intel.com/capable", "true").containsEntry("kubernetes.io/arch", "amd64");
    assertThat(n.getStatus().getCapacity()).containsEntry("sgx.intel.com/epc", new Quantity("98566144")).containsKey("cpu");
  }

  @Test
  void withoutSgxTheLabelAndCapacityGo() {
    KubernetesNodeUpdater updater = KubernetesNodeUpdater.of(client, "sgx-1");
    updater.publish(new NodeState(true, OptionalLong.of(4096)));
    updater.publish(new NodeState(false, OptionalLong.empty()));
    Node n = sgx1();
    assertThat(n.getMetadata().getLabels()).doesNotContainKey("sgx.intel.com/capable").containsKey("kubernetes.io/arch");
    assertThat(n.getStatus().getCapacity()).doesNotContainKey("sgx.intel.com/epc").containsKey("cpu");
  }

  @Test
  void theAzureFlavorLabelsWithoutAnEpcCapacity() {
    KubernetesNodeUpdater.of(client, "sgx-1").publish(new NodeState(true, OptionalLong.empty()));
    Node n = sgx1();
    assertThat(n.getMetadata().getLabels()).containsEntry("sgx.intel.com/capable", "true");
    assertThat(n.getStatus().getCapacity()).doesNotContainKey("sgx.intel.com/epc");
  }

  @Test
  void whatSomeoneRemovedIsPutBack() {
    KubernetesNodeUpdater updater = KubernetesNodeUpdater.of(client, "sgx-1");
    updater.publish(new NodeState(true, OptionalLong.of(4096)));
    client.nodes().withName("sgx-1").edit(n -> new NodeBuilder(n).editMetadata().removeFromLabels("sgx.intel.com/capable").endMetadata().build());
    assertThat(sgx1().getMetadata().getLabels()).doesNotContainKey("sgx.intel.com/capable");
    updater.publish(new NodeState(true, OptionalLong.of(4096)));
    assertThat(sgx1().getMetadata().getLabels()).containsEntry("sgx.intel.com/capable", "true");
  }

  @Test
  void aNodeWithoutLabelsOrCapacityGetsBoth() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build()).create();
    KubernetesNodeUpdater.of(client, "bare").publish(new NodeState(true, OptionalLong.of(1 << 20)));
    Node n = client.nodes().withName("bare").get();
    assertThat(n.getMetadata().getLabels()).containsExactly(java.util.Map.entry("sgx.intel.com/capable", "true"));
    assertThat(n.getStatus().getCapacity()).containsExactly(java.util.Map.entry("sgx.intel.com/epc", new Quantity("1048576")));
  }

  @Test
  void patchesAreJsonPatchesWithEscapedKeys() {
    assertThat(KubernetesNodeUpdater.change(false, "/metadata/labels", "sgx.intel.com/capable", "true"))
        .isEqualTo("[{\"op\":\"add\",\"path\":\"/metadata/labels/sgx.intel.com~1capable\",\"value\":\"true\"}]");
    assertThat(KubernetesNodeUpdater.change(false, "/status/capacity", "sgx.intel.com/epc", null))
        .isEqualTo("[{\"op\":\"remove\",\"path\":\"/status/capacity/sgx.intel.com~1epc\"}]");
    assertThat(KubernetesNodeUpdater.change(true, "/status/capacity", "sgx.intel.com/epc", "4096"))
        .isEqualTo("[{\"op\":\"add\",\"path\":\"/status/capacity\",\"value\":{\"sgx.intel.com/epc\":\"4096\"}}]");
  }

  @Test
  void thePluginKeepsTheNodeInStepWithItsDeviceNodes() throws Exception {
    Path root = Files.createTempDirectory(Path.of("/tmp"), "kn");
    Path dev = Files.createDirectory(root.resolve("dev"));
    Files.createDirectory(root.resolve("dp"));
    Files.writeString(dev.resolve("sgx_enclave"), "");
    PluginConfig config = PluginConfig.DEFAULTS.withPluginDir(root.resolve("dp")).withDevRoot(dev).withSysRoot(root.resolve("sys"))
        .withEpcBytes(OptionalLong.of(64L << 20)).withPollInterval(Duration.ofMillis(50));
    try (SgxDevicePlugin plugin = SgxDevicePlugin.start(config, KubernetesNodeUpdater.of(client, "sgx-1"))) {
      await().atMost(Duration.ofSeconds(15)).until(() -> sgx1().getStatus().getCapacity().get("sgx.intel.com/epc"),
          q -> new Quantity("67108864").equals(q));
      assertThat(sgx1().getMetadata().getLabels()).containsEntry("sgx.intel.com/capable", "true");

      Files.delete(dev.resolve("sgx_enclave"));
      // The label (metadata) and the capacity (status subresource) are two patches: wait for both.
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        assertThat(sgx1().getMetadata().getLabels()).doesNotContainKey("sgx.intel.com/capable");
        assertThat(sgx1().getStatus().getCapacity()).doesNotContainKey("sgx.intel.com/epc");
      });
    } finally {
      try (var all = Files.walk(root)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void anUnreachableApiServerIsNamedByItsCause() {
    var e = new io.fabric8.kubernetes.client.KubernetesClientException("Operation: [get] for kind: [Node] failed.",
        new java.io.IOException("wrapped", new java.net.UnknownHostException("kubernetes.default.svc")));
    assertThat(KubernetesNodeUpdater.reason(e)).isEqualTo("UnknownHostException: kubernetes.default.svc");
  }

  @Test
  void anUnknownNodeIsNamed() {
    assertThatThrownBy(() -> KubernetesNodeUpdater.of(client, "nope").publish(new NodeState(true, OptionalLong.empty())))
        .hasMessage("node nope does not exist (check --node-name or NODE_NAME)");
    assertThatThrownBy(() -> KubernetesNodeUpdater.of(client, " ")).hasMessage("node name: must be 1..253 characters, got \" \"");
  }
}
