package dev.clave.operator;

import static dev.clave.operator.MockCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.operator.cas.Cas;
import dev.clave.operator.cas.CasProbe;
import dev.clave.operator.model.Conditions;
import dev.clave.policy.protect.KeyHash;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CAS status fields beyond the workload: snapshots as the CAS reports them, and the migration fields the
 * backup controller writes, which the operator's own status patches must leave alone.
 */
@EnableKubernetesMockClient(crud = true)
class CasStatusTest {
  static KubernetesClient client;
  private static ClaveOperator operator;
  private static final String NS = "apps";
  private static final KeyHash KEY = KeyHash.ofDigest(new byte[32]);
  /** What each (stub) CAS says about itself, by resource name. */
  private static final java.util.Map<String, AtomicReference<CasProbe.CasInfo>> SAYS = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    operator = MockCluster.start(client, OperatorConfig.defaults(), (cas, pin) -> SAYS.get(cas.getMetadata().getName()).get());
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  private static CasProbe.CasInfo says(CasProbe.Snapshots snapshots) {
    return new CasProbe.CasInfo(KEY, true, true, Optional.ofNullable(snapshots));
  }

  private static Cas.Status status(String name) {
    return client.resources(Cas.class).inNamespace(NS).withName(name).get().getStatus();
  }

  /** A CAS resource whose pod is ready and whose CAS says {@code first}. */
  private static void running(String name, boolean persistence, CasProbe.CasInfo first) {
    SAYS.put(name, new AtomicReference<>(first));
    Cas cas = new Cas();
    cas.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    cas.getSpec().getPersistence().setEnabled(persistence);
    client.resources(Cas.class).inNamespace(NS).resource(cas).create();
    eventually().until(() -> client.apps().statefulSets().inNamespace(NS).withName(name).get() != null);
    MockCluster.retryOnConflict(() -> client.apps().statefulSets().inNamespace(NS).withName(name).editStatus(s -> {
      s.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1)
          .withCurrentReplicas(1).withCurrentRevision("r1").withUpdateRevision("r1")
          .withObservedGeneration(s.getMetadata().getGeneration()).build());
      return s;
    }));
    eventually().until(() -> "HEALTHY".equals(status(name).getState()) || "SnapshotFailure".equals(status(name).getPhase()));
  }

  @Test
  void snapshotsAreWhatTheCasReports() {
    running("snap", true, says(new CasProbe.Snapshots("Persisted", "2026-11-23T17:00:00Z", "60s", null)));
    eventually().until(() -> "Persisted".equals(status("snap").getSnapshotStatus()));
    Cas.Status st = status("snap");
    assertThat(st.getSnapshotTimestamp()).isEqualTo("2026-11-23T17:00:00Z");
    assertThat(st.getSnapshotConfiguredInterval()).isEqualTo("60s");
    assertThat(st.getPhase()).isEqualTo("HEALTHY");

    SAYS.get("snap").set(says(new CasProbe.Snapshots("Failed", "2026-11-23T17:00:00Z", "60s", "disk full")));
    eventually().until(() -> "Failed".equals(status("snap").getSnapshotStatus()));
    st = status("snap");
    assertThat(st.getPhase()).isEqualTo("SnapshotFailure");
    assertThat(st.getState()).as("the CAS still serves").isEqualTo("HEALTHY");
    assertThat(Conditions.find(st, Conditions.DEGRADED).orElseThrow()).satisfies(c -> {
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getMessage()).contains("disk full");
    });

    SAYS.get("snap").set(says(null));
    eventually().until(() -> status("snap").getSnapshotStatus() == null);
    assertThat(status("snap").getSnapshotTimestamp()).isNull();
    assertThat(status("snap").getPhase()).isEqualTo("HEALTHY");
    assertThat(Conditions.find(status("snap"), Conditions.DEGRADED).orElseThrow().getStatus()).isEqualTo("False");
  }

  @Test
  void snapshotsWithoutPersistenceAreEphemeral() {
    running("scratch", false, says(new CasProbe.Snapshots("Persisted", "2026-11-23T17:00:00Z", "60s", null)));
    eventually().until(() -> "Ephemeral".equals(status("scratch").getSnapshotStatus()));
  }

  @Test
  void aCasThatReportsNoSnapshotsHasNoSnapshotFields() {
    running("old", true, says(null));
    assertThat(status("old").getSnapshotStatus()).isNull();
    assertThat(status("old").getSnapshotConfiguredInterval()).isNull();
  }

  @Test
  void theBackupControllersFieldsSurviveTheOperatorsStatusPatches() {
    running("mig", true, says(new CasProbe.Snapshots("Initializing", null, "60s", null)));
    // As the backup controller writes them: a JSON merge patch of the status subresource, no operator classes.
    ResourceDefinitionContext kind = new ResourceDefinitionContext.Builder().withGroup("services.clave.dev")
        .withVersion("v1beta1").withKind("CAS").withPlural("cas").withNamespaced(true).build();
    MockCluster.retryOnConflict(() -> client.genericKubernetesResources(kind).inNamespace(NS).withName("mig")
        .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"desiredNumMigratableNodes\":3,\"numMigratableNodes\":2,\"migrationNodeRatio\":\"2/3\"}}"));
    assertThat(status("mig").getMigrationNodeRatio()).isEqualTo("2/3");

    // The operator patches the status again (the CAS reports something new) ...
    SAYS.get("mig").set(says(new CasProbe.Snapshots("Persisted", "2026-11-23T17:01:00Z", "60s", null)));
    eventually().until(() -> "Persisted".equals(status("mig").getSnapshotStatus()));
    SAYS.get("mig").set(says(new CasProbe.Snapshots("Failed", "2026-11-23T17:01:00Z", "60s", "gone")));
    eventually().until(() -> "SnapshotFailure".equals(status("mig").getPhase()));
    // ... and the controller's fields are still there.
    Cas.Status st = status("mig");
    assertThat(st.getDesiredNumMigratableNodes()).isEqualTo(3);
    assertThat(st.getNumMigratableNodes()).isEqualTo(2);
    assertThat(st.getMigrationNodeRatio()).isEqualTo("2/3");
  }
}
