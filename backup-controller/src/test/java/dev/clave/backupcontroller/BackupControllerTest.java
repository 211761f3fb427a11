package dev.clave.backupcontroller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The controller against fabric8's mock API server in CRUD mode, with real LAS endpoints on loopback. */
@EnableKubernetesMockClient(crud = true)
class BackupControllerTest {
  static final String NS = "clave-system";
  static final String LAS_NS = "kube-system";

  KubernetesMockServer server;
  KubernetesClient client;
  FakeLas las;
  Kubelet kubelet;
  ByteArrayOutputStream out = new ByteArrayOutputStream();
  BackupController controller;

  @BeforeAll
  static void quietMockServer() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
  }

  @BeforeEach
  void cluster() throws Exception {
    las = new FakeLas("127.0.0.2", "127.0.0.3");
    las.platformIds.put("127.0.0.2", FakeLas.id('A'));
    las.platformIds.put("127.0.0.3", FakeLas.id('B'));
    node("node-a", true, "boot-a");
    node("node-b", true, "boot-b");
    node("node-c", false, "boot-c");
    node("master", true, "boot-m");
    client.nodes().withName("master").edit(n -> { n.getMetadata().getLabels().put("node-role.kubernetes.io/control-plane", ""); return n; });
    lasPod("las-a", "node-a", "127.0.0.2");
    lasPod("las-b", "node-b", "127.0.0.3");
    // node-c runs a LAS but lacks the node labels: it is not covered.
    lasPod("las-c", "node-c", "127.0.0.2");
    lasPod("las-m", "master", "127.0.0.3");
    for (String node : new String[] {"node-a", "node-b", "node-c", "node-d"}) {
      server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/cas-backup-" + node + "-register/log?pretty=false")
          .andReturn(200, "Backup CAS registered\n").always();
    }
    kubelet = new Kubelet(client, NS);
    controller = controller(Map.of());
  }

  /** A controller on the mock cluster with the chart's environment and {@code extraEnv}. */
  private BackupController controller(Map<String, String> extraEnv) {
    Map<String, String> env = new LinkedHashMap<>(Map.of(
            "SCONE_CAS_ADDR", "cas.clave-system",
            "CLAVE_BACKUP_SESSION", "backup-policy/register",
            "NAMESPACE", NS,
            "BACKUP_CAS_IMAGE", "ghcr.io/clave-dev/clave:test",
            "SGX_RESOURCES", "{\"sgx.intel.com/enclave\":\"1\"}"));
    env.putAll(extraEnv);
    ControllerConfig config = ControllerConfig.fromEnv(env)
        .withTimings(las.port, Duration.ofMillis(1), Duration.ofSeconds(10), Duration.ofMillis(5));
    Clock clock = Clock.fixed(Instant.parse("2022-07-21T22:42:16.254Z"), ZoneId.of("UTC"));
    return new BackupController(config, new KubernetesCluster(client, config),
        new HttpPlatformIds(las.port, Duration.ofSeconds(2)), new ControllerLog(new PrintStream(out, true, StandardCharsets.UTF_8), clock));
  }

  @AfterEach
  void stop() throws Exception {
    kubelet.close();
    las.close();
  }

  private void node(String name, boolean labelled, String bootId) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewStatus().withNewNodeInfo().withBootID(bootId).endNodeInfo().endStatus();
    if (labelled) {
      b.editMetadata().addToLabels("sgx.intel.com/capable", "true").endMetadata();
    }
    client.nodes().resource(b.build()).create();
  }

  private void lasPod(String name, String node, String ip) {
    Pod p = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(LAS_NS).addToLabels("app.kubernetes.io/name", "las").endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("las").withImage("clave").endContainer().endSpec()
        .build();
    client.pods().inNamespace(LAS_NS).resource(p).create();
    client.pods().inNamespace(LAS_NS).resource(new PodBuilder(p).withNewStatus().withPhase("Running").withPodIP(ip).endStatus().build())
        .updateStatus();
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Map<String, Boolean> map(Object... kv) {
    Map<String, Boolean> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Boolean) kv[i + 1]);
    }
    return m;
  }

  @Test
  void registersABackupPerLasNodeAndPrintsTheSeedsMap() {
    controller.announce();
    assertThat(controller.round()).isEqualTo(map("node-a", true, "node-b", true));

    String t = "2022-07-21 22:42:16,254 INFO: ";
    assertThat(output()).isEqualTo(String.join("\n",
        t + "Using session backup-policy/register",
        t + "Starting controller...",
        t + "Backup CAS resources will be named 'cas-backup'-<node_name>",
        t + "Selecting LAS pods that match selector app.kubernetes.io/name=las on namespace kube-system",
        t + "Provisioning backup CAS on node node-a: cas-backup-node-a",
        "Backup CAS registered",
        t + "Successfully registered backup on node node-a",
        t + "Provisioning backup CAS on node node-b: cas-backup-node-b",
        "Backup CAS registered",
        t + "Successfully registered backup on node node-b",
        t + "migratableNodes=2 sgxNodes=2 migrationNodeRatio=1.00",
        t + "Nodes with registered CAS backups (check logs for failed registrations):",
        "{",
        "    \"node-a\": true,",
        "    \"node-b\": true",
        "}",
        ""));
    // The ephemeral pods are gone again.
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void theBackupCasAndTheRegistrationRunOnTheNodeThroughThePolicySession() {
    controller.round();

    Pod cas = kubelet.started(BackupPods.BACKUP_CAS).get(0);
    assertThat(cas.getMetadata().getName()).isEqualTo("cas-backup-node-a");
    assertThat(cas.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(cas.getSpec().getContainers().get(0).getResources().getLimits()).containsEntry("sgx.intel.com/enclave", new Quantity("1"));
    assertThat(cas.getSpec().getContainers().get(0).getImage()).isEqualTo("ghcr.io/clave-dev/clave:test");

    Pod reg = kubelet.started(BackupPods.REGISTRATION).get(0);
    assertThat(reg.getSpec().getNodeName()).isEqualTo("node-a");
    // The kubelet gave the first backup CAS 10.1.0.10; the primary reaches it on the client port.
    assertThat(reg.getSpec().getContainers().get(0).getArgs()).containsExactly(
        "run", "--config-id", "backup-policy/register", "--cas", "cas.clave-system", "--las", "$(SCONE_LAS_ADDR)",
        "--", "clave", "cas", "register-backup", "10.1.0.10:8081");
  }

  @Test
  void skipsNodesWithoutTheLabelsAndControlPlaneNodes() {
    assertThat(controller.round()).doesNotContainKeys("node-c", "master");
    assertThat(kubelet.started).noneMatch(p -> p.getSpec().getNodeName().equals("node-c") || p.getSpec().getNodeName().equals("master"));
    assertThat(kubelet.registrations("node-a")).isEqualTo(1);
  }

  @Test
  void reRegistersOnlyWhenTheNodesPlatformIdChanges() {
    controller.round();
    controller.round();
    assertThat(kubelet.registrations("node-a")).isEqualTo(1);
    assertThat(kubelet.registrations("node-b")).isEqualTo(1);

    las.platformIds.put("127.0.0.3", FakeLas.id('C'));
    out.reset();
    assertThat(controller.round()).isEqualTo(map("node-a", true, "node-b", true));
    assertThat(kubelet.registrations("node-a")).isEqualTo(1);
    assertThat(kubelet.registrations("node-b")).isEqualTo(2);
    assertThat(output()).contains("Provisioning backup CAS on node node-b: cas-backup-node-b")
        .doesNotContain("Provisioning backup CAS on node node-a");
  }

  @Test
  void withoutAPlatformIdTheBootIdDecides() {
    las.platformIds.remove("127.0.0.2");
    controller.round();
    controller.round();
    assertThat(kubelet.registrations("node-a")).isEqualTo(1);

    Node a = client.nodes().withName("node-a").get();
    a.getStatus().getNodeInfo().setBootID("boot-a-2");
    client.nodes().resource(a).updateStatus();
    controller.round();
    assertThat(kubelet.registrations("node-a")).isEqualTo(2);
    assertThat(kubelet.registrations("node-b")).isEqualTo(1);
  }

  @Test
  void aFailedRegistrationIsReportedAndRetried() {
    kubelet.failOn.add("node-b");
    assertThat(controller.round()).isEqualTo(map("node-a", true, "node-b", false));
    assertThat(output()).contains("ERROR: Failed to register backup on node node-b (exit code 1)")
        .endsWith("{\n    \"node-a\": true,\n    \"node-b\": false\n}\n");
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();

    kubelet.failOn.clear();
    assertThat(controller.round()).isEqualTo(map("node-a", true, "node-b", true));
    assertThat(kubelet.registrations("node-b")).isEqualTo(2);
    assertThat(kubelet.registrations("node-a")).isEqualTo(1);
  }

  /** The operator's CAS resource, made without the operator's classes, as the controller sees it. */
  private GenericKubernetesResource casResource(String name) {
    return client.genericKubernetesResources(KubernetesCluster.CAS_KIND).inNamespace(NS).withName(name).get();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> casStatus(String name) {
    return (Map<String, Object>) casResource(name).getAdditionalProperties().get("status");
  }

  @Test
  void eachRoundWritesTheMigrationFieldsToTheCasResourcesStatus() {
    GenericKubernetesResource cas = new GenericKubernetesResource();
    cas.setApiVersion("services.clave.dev/v1beta1");
    cas.setKind("CAS");
    cas.setMetadata(new ObjectMetaBuilder().withName("cas").withNamespace(NS).build());
    client.genericKubernetesResources(KubernetesCluster.CAS_KIND).inNamespace(NS).resource(cas).create();
    // What the operator wrote before: the controller's patch must leave it.
    client.genericKubernetesResources(KubernetesCluster.CAS_KIND).inNamespace(NS).withName("cas").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"HEALTHY\",\"state\":\"HEALTHY\"}}");
    BackupController c = controller(Map.of("CAS_RESOURCE_NAME", "cas"));

    kubelet.failOn.add("node-b");
    c.round();
    assertThat(casStatus("cas")).containsEntry("desiredNumMigratableNodes", 2).containsEntry("numMigratableNodes", 1)
        .containsEntry("migrationNodeRatio", "1/2").containsEntry("phase", "HEALTHY").containsEntry("state", "HEALTHY");
    assertThat(output()).contains("INFO: migratableNodes=1 sgxNodes=2 migrationNodeRatio=0.50").doesNotContain("WARNING");

    // A node joins, and node-b's registration works this time.
    kubelet.failOn.clear();
    node("node-d", true, "boot-d");
    lasPod("las-d", "node-d", "127.0.0.2");
    assertThat(c.round()).isEqualTo(map("node-a", true, "node-b", true, "node-d", true));
    assertThat(casStatus("cas")).containsEntry("desiredNumMigratableNodes", 3).containsEntry("numMigratableNodes", 3)
        .containsEntry("migrationNodeRatio", "3/3").containsEntry("phase", "HEALTHY");
  }

  @Test
  void withoutTheCasResourceTheRoundOnlyWarns() {
    BackupController c = controller(Map.of("CAS_RESOURCE_NAME", "no-such-cas"));
    assertThat(c.round()).isEqualTo(map("node-a", true, "node-b", true));
    assertThat(output())
        .contains("INFO: migratableNodes=2 sgxNodes=2 migrationNodeRatio=1.00\n"
            + "2022-07-21 22:42:16,254 WARNING: Could not write the migration status to CAS resource clave-system/no-such-cas: "
            + "no such CAS resource (or no CAS CRD) in namespace clave-system\n")
        .contains("Nodes with registered CAS backups");
    assertThat(casResource("no-such-cas")).as("a report never creates the resource").isNull();
  }

  @Test
  void withoutACasResourceNameNothingIsWritten() {
    assertThat(ControllerConfig.fromEnv(Map.of("SCONE_CAS_ADDR", "cas", "CLAVE_BACKUP_SESSION", "p/register",
        "BACKUP_CAS_IMAGE", "clave")).casResource()).isEmpty();
    controller.round();
    assertThat(client.genericKubernetesResources(KubernetesCluster.CAS_KIND).inNamespace(NS).list().getItems()).isEmpty();
    assertThat(output()).doesNotContain("WARNING");
  }
}
