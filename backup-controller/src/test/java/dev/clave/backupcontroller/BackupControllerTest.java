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
      // What the restore drill pod printed is up to the kubelet of the test.
      server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/cas-backup-" + node + "-drill/log?pretty=false")
          .andReply(200, r -> kubelet.drillOutput).always();
    }
    kubelet = new Kubelet(client, NS);
    controller = controller(Map.of());
  }

  /** A controller on the mock cluster with the chart's environment and {@code extraEnv}. */
  private BackupController controller(Map<String, String> extraEnv) {
    return controller(extraEnv, Clock.systemUTC());
  }

  /** ... and {@code clock} deciding when a restore drill is due. */
  private BackupController controller(Map<String, String> extraEnv, Clock drillClock) {
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
        new HttpPlatformIds(las.port, Duration.ofSeconds(2)), new ControllerLog(new PrintStream(out, true, StandardCharsets.UTF_8), clock),
        drillClock);
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
    // Its key outlives the pod: the registration is for the CAS that restores on this node later.
    assertThat(cas.getSpec().getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getHostPath().getPath()).isEqualTo("/var/lib/clave/cas-backup");
      assertThat(v.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
    });
    assertThat(cas.getSpec().getContainers().get(0).getArgs()).contains("--state-dir=/var/lib/clave-backup-cas");

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

  /** The CAS resource {@code cas} with what the operator wrote to its status before. */
  private void createCasResource() {
    GenericKubernetesResource cas = new GenericKubernetesResource();
    cas.setApiVersion("services.clave.dev/v1beta1");
    cas.setKind("CAS");
    cas.setMetadata(new ObjectMetaBuilder().withName("cas").withNamespace(NS).build());
    client.genericKubernetesResources(KubernetesCluster.CAS_KIND).inNamespace(NS).resource(cas).create();
    // What the operator wrote before: the controller's patch must leave it.
    client.genericKubernetesResources(KubernetesCluster.CAS_KIND).inNamespace(NS).withName("cas").subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"status\":{\"phase\":\"HEALTHY\",\"state\":\"HEALTHY\"}}");
  }

  @Test
  void eachRoundWritesTheMigrationFieldsToTheCasResourcesStatus() {
    createCasResource();
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

  // --- scheduled restore drills (issue #7) ---

  static final String PASSED = String.join("\n",
      "restore drill: the CAS cas.clave-system sends its newest snapshot to the backup CAS 10.1.0.10:8081",
      "restore drill passed on 10.1.0.10:8081: sessions read back: 3/3; attestation: allowed (UpToDate); restored in 812 ms",
      "recovery point: 41s (snapshot 20261123T174041Z-v5, state version 5)", "");
  static final String FAILED = String.join("\n",
      "restore drill: the CAS cas.clave-system sends its newest snapshot to the backup CAS 10.1.0.10:8081",
      "  problem: session shop/db cannot be read back: tag mismatch",
      "restore drill FAILED on 10.1.0.10:8081: sessions read back: 2/3; attestation: allowed (UpToDate); restored in 790 ms", "");

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-23T17:41:22.500Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  final TestClock drillClock = new TestClock();

  /**
   * The CAS resource's status without null fields: the mock server keeps the nulls of a JSON merge patch, where
   * the API server removes those fields (RFC 7386), as the controller means it to.
   */
  private Map<String, Object> drillStatus() {
    Map<String, Object> m = new LinkedHashMap<>(casStatus("cas"));
    m.values().removeIf(java.util.Objects::isNull);
    return m;
  }

  private BackupController drillingController() {
    createCasResource();
    return controller(Map.of("CAS_RESOURCE_NAME", "cas", "CLAVE_DRILL_SESSION", "backup-policy/drill"), drillClock);
  }

  @Test
  void aDueDrillRunsRightAfterARegistrationWhileTheBackupCasIsUpAndReportsPassed() {
    kubelet.drillOutput = PASSED;
    BackupController c = drillingController();
    assertThat(c.round()).isEqualTo(map("node-a", true, "node-b", true));

    // One drill in the round, on the first node registered, against its backup CAS, as the drill service.
    assertThat(kubelet.drills("node-a")).isEqualTo(1);
    assertThat(kubelet.drills("node-b")).isZero();
    Pod drill = kubelet.started(BackupPods.RESTORE_DRILL).get(0);
    assertThat(drill.getMetadata().getName()).isEqualTo("cas-backup-node-a-drill");
    assertThat(drill.getSpec().getNodeName()).isEqualTo("node-a");
    assertThat(drill.getSpec().getContainers().get(0).getArgs()).containsExactly(
        "run", "--config-id", "backup-policy/drill", "--cas", "cas.clave-system", "--las", "$(SCONE_LAS_ADDR)",
        "--", "clave", "cas", "restore-drill", "--on", "10.1.0.10:8081");
    assertThat(drill.getSpec().getContainers().get(0).getResources().getLimits()).containsEntry("sgx.intel.com/enclave", new Quantity("1"));
    // It ran between the registration and the removal of node-a's pods: node-b's backup CAS came after it.
    assertThat(kubelet.started.stream().map(p -> p.getMetadata().getName()).toList()).containsExactly(
        "cas-backup-node-a", "cas-backup-node-a-register", "cas-backup-node-a-drill",
        "cas-backup-node-b", "cas-backup-node-b-register");

    String t = "2022-07-21 22:42:16,254 ";
    assertThat(output()).contains(String.join("\n",
        t + "INFO: Successfully registered backup on node node-a",
        t + "INFO: Running restore drill on node node-a as session backup-policy/drill",
        PASSED.stripTrailing(),
        t + "INFO: Restore drill on node node-a passed: recovery point 41s (snapshot 20261123T174041Z-v5, state version 5)",
        t + "INFO: Provisioning backup CAS on node node-b: cas-backup-node-b"))
        .doesNotContain("WARNING").doesNotContain("ERROR");

    assertThat(drillStatus()).containsEntry("restoreDrillTimestamp", "2026-11-23T17:41:22Z")
        .containsEntry("restoreDrillResult", "Passed").containsEntry("restoreDrillNode", "node-a")
        .containsEntry("restoreDrillRecoveryPointSeconds", 41).doesNotContainKey("restoreDrillMessage")
        // the operator's fields and the migration fields stay
        .containsEntry("phase", "HEALTHY").containsEntry("numMigratableNodes", 2);
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  void aFailedDrillIsReportedWithItsReasonAndAPassedOneLaterClearsIt() {
    kubelet.drillOutput = FAILED;
    kubelet.drillExit = 1;
    BackupController c = drillingController();
    assertThat(c.round()).as("a failed drill is no failed registration").isEqualTo(map("node-a", true, "node-b", true));

    String reason = "on 10.1.0.10:8081: sessions read back: 2/3; attestation: allowed (UpToDate); restored in 790 ms"
        + " (session shop/db cannot be read back: tag mismatch)";
    assertThat(output()).contains("2022-07-21 22:42:16,254 ERROR: Restore drill on node node-a failed: " + reason + "\n");
    assertThat(drillStatus()).containsEntry("restoreDrillResult", "Failed").containsEntry("restoreDrillNode", "node-a")
        .containsEntry("restoreDrillMessage", reason).doesNotContainKey("restoreDrillRecoveryPointSeconds")
        .containsEntry("restoreDrillTimestamp", "2026-11-23T17:41:22Z");
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();

    // A failed drill counts: the next one is due an interval later, not the next round.
    drillClock.advance(Duration.ofHours(1));
    c.round();
    assertThat(kubelet.started(BackupPods.RESTORE_DRILL)).hasSize(1);

    kubelet.drillOutput = PASSED;
    kubelet.drillExit = 0;
    drillClock.advance(Duration.ofDays(1));
    c.round();
    assertThat(kubelet.started(BackupPods.RESTORE_DRILL)).hasSize(2);
    assertThat(drillStatus()).containsEntry("restoreDrillResult", "Passed").containsEntry("restoreDrillRecoveryPointSeconds", 41)
        .doesNotContainKey("restoreDrillMessage").containsEntry("restoreDrillTimestamp", "2026-11-24T18:41:22Z");
  }

  @Test
  void aDrillIsNotDueAgainWithinTheInterval() {
    kubelet.drillOutput = PASSED;
    BackupController c = drillingController();
    c.round();
    assertThat(kubelet.started(BackupPods.RESTORE_DRILL)).hasSize(1);

    // node-b's platform changes: it is registered again, but the drill is not due.
    las.platformIds.put("127.0.0.3", FakeLas.id('C'));
    drillClock.advance(Duration.ofHours(23).plusMinutes(59));
    c.round();
    assertThat(kubelet.registrations("node-b")).isEqualTo(2);
    assertThat(kubelet.started(BackupPods.RESTORE_DRILL)).hasSize(1);
    assertThat(drillStatus()).containsEntry("restoreDrillTimestamp", "2026-11-23T17:41:22Z");
  }

  @Test
  void aDueDrillWithoutRegistrationsStartsABackupCasOnTheRegisteredNodesInTurn() {
    kubelet.drillOutput = PASSED;
    BackupController c = drillingController();
    c.round();
    assertThat(kubelet.drills("node-a")).isEqualTo(1);

    drillClock.advance(Duration.ofDays(1));
    out.reset();
    int before = kubelet.started.size();
    assertThat(c.round()).isEqualTo(map("node-a", true, "node-b", true));
    // No node needed a registration; the drill's turn is node-b's. Its backup CAS is registered first (every
    // backup CAS pod has a new key, and the primary drills only on registered ones), then drilled, then removed.
    assertThat(kubelet.started.subList(before, kubelet.started.size()).stream().map(p -> p.getMetadata().getName()).toList())
        .containsExactly("cas-backup-node-b", "cas-backup-node-b-register", "cas-backup-node-b-drill");
    String t = "2022-07-21 22:42:16,254 ";
    assertThat(output()).startsWith(String.join("\n",
        t + "INFO: Provisioning backup CAS on node node-b for a restore drill: cas-backup-node-b",
        "Backup CAS registered",
        t + "INFO: Successfully registered backup on node node-b",
        t + "INFO: Running restore drill on node node-b as session backup-policy/drill",
        PASSED.stripTrailing(),
        t + "INFO: Restore drill on node node-b passed: recovery point 41s (snapshot 20261123T174041Z-v5, state version 5)",
        t + "INFO: migratableNodes=2 sgxNodes=2 migrationNodeRatio=1.00"));
    assertThat(drillStatus()).containsEntry("restoreDrillNode", "node-b").containsEntry("restoreDrillResult", "Passed")
        .containsEntry("restoreDrillTimestamp", "2026-11-24T17:41:22Z");
    assertThat(client.pods().inNamespace(NS).list().getItems()).isEmpty();

    // The turn comes back to node-a; between two due drills nothing is started.
    c.round();
    assertThat(kubelet.started(BackupPods.RESTORE_DRILL)).hasSize(2);
    drillClock.advance(Duration.ofDays(1));
    c.round();
    assertThat(kubelet.drills("node-a")).isEqualTo(2);
    assertThat(kubelet.drills("node-b")).isEqualTo(1);
  }

  @Test
  void aDrillWhoseBackupCasCannotBeRegisteredFails() {
    kubelet.drillOutput = PASSED;
    BackupController c = drillingController();
    c.round();
    drillClock.advance(Duration.ofDays(1));
    kubelet.failOn.add("node-b");
    assertThat(c.round()).as("node-b's earlier registration stands").isEqualTo(map("node-a", true, "node-b", true));
    assertThat(kubelet.drills("node-b")).isZero();
    assertThat(output()).contains("ERROR: Restore drill on node node-b failed: the backup CAS for the drill could not be"
        + " registered (exit code 1)");
    assertThat(drillStatus()).containsEntry("restoreDrillResult", "Failed").containsEntry("restoreDrillNode", "node-b")
        .doesNotContainKey("restoreDrillRecoveryPointSeconds");
  }

  @Test
  void withoutADrillSessionNoDrillPodIsEverStarted() {
    BackupController c = controller(Map.of(), drillClock);
    c.round();
    drillClock.advance(Duration.ofDays(30));
    c.round();
    las.platformIds.put("127.0.0.3", FakeLas.id('C'));
    c.round();
    assertThat(kubelet.started(BackupPods.RESTORE_DRILL)).isEmpty();
    assertThat(kubelet.registrations("node-b")).isEqualTo(2);
    assertThat(output()).doesNotContain("restore drill").doesNotContain("Restore drill");
  }

  @Test
  void drillStatusWithoutTheCasResourceOnlyWarns() {
    kubelet.drillOutput = PASSED;
    BackupController c = controller(Map.of("CAS_RESOURCE_NAME", "no-such-cas", "CLAVE_DRILL_SESSION", "backup-policy/drill"), drillClock);
    assertThat(c.round()).isEqualTo(map("node-a", true, "node-b", true));
    assertThat(output()).contains("INFO: Restore drill on node node-a passed")
        .contains("WARNING: Could not write the restore drill status to CAS resource clave-system/no-such-cas: no such CAS resource");
  }
}
