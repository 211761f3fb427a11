package dev.clave.operator;

import static dev.clave.operator.MockCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.operator.cas.Cas;
import dev.clave.operator.cas.CasProbe;
import dev.clave.operator.cas.CasSpec;
import dev.clave.operator.model.Conditions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CAS resources on the mock server; "the CAS behind the Service" is a real CAS on loopback. */
@EnableKubernetesMockClient(crud = true)
class CasReconcilerTest {
  static KubernetesClient client;
  private static ClaveOperator operator;
  private static CasServer realCas;
  @org.junit.jupiter.api.io.TempDir static Path state;
  private static final String NS = "apps";

  @BeforeAll
  static void start() throws Exception {
    realCas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
    operator = MockCluster.start(client, OperatorConfig.defaults(), CasProbe.at(cas -> "127.0.0.1:" + realCas.clientPort()));
  }

  @AfterAll
  static void stop() {
    operator.close();
    realCas.close();
  }

  private static Cas get(String name) {
    return client.resources(Cas.class).inNamespace(NS).withName(name).get();
  }

  private static StatefulSet sts(String name) {
    return client.apps().statefulSets().inNamespace(NS).withName(name).get();
  }

  /** What the StatefulSet controller would report once the pod runs the current template and is ready. */
  private static void markReady(String name, String revision) {
    MockCluster.retryOnConflict(() -> client.apps().statefulSets().inNamespace(NS).withName(name).editStatus(s -> {
      s.setStatus(new StatefulSetStatusBuilder().withReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1)
          .withCurrentReplicas(1).withCurrentRevision(revision).withUpdateRevision(revision)
          .withObservedGeneration(s.getMetadata().getGeneration()).build());
      return s;
    }));
  }

  @Test
  void aCasBecomesStatefulSetServiceAndStoreAndAnImageChangeKeepsTheStore() {
    Cas cas = new Cas();
    cas.setMetadata(new ObjectMetaBuilder().withName("cas").withNamespace(NS).build());
    cas.getSpec().setImage("clave:1.0");
    cas.getSpec().getService().setType("NodePort");
    cas.getSpec().getPersistence().setEnabled(true);
    cas.getSpec().getPersistence().setSize("2Gi");
    client.resources(Cas.class).inNamespace(NS).resource(cas).create();

    eventually().until(() -> sts("cas") != null);
    eventually().until(() -> client.services().inNamespace(NS).withName("cas").get() != null);
    eventually().until(() -> client.persistentVolumeClaims().inNamespace(NS).withName("cas-db").get() != null);
    Service svc = client.services().inNamespace(NS).withName("cas").get();
    assertThat(svc.getSpec().getType()).isEqualTo("NodePort");
    assertThat(svc.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("client", 8081), org.assertj.core.groups.Tuple.tuple("enclave", 18765));
    PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NS).withName("cas-db").get();
    assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("2Gi"));
    StatefulSet s = sts("cas");
    assertThat(s.getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName()).isEqualTo("cas-db");
    assertThat(s.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).startsWith("cas", "serve");
    assertThat(s.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> assertThat(e.getName() + "=" + e.getValue()).isEqualTo("CLAVE_CAS_STATE_DIR=/etc/cas/db"));

    eventually().until(() -> "PENDING".equals(get("cas").getStatus().getState()));
    assertThat(Conditions.find(get("cas").getStatus(), Conditions.PROGRESSING).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(get("cas").getStatus().getProvisioned()).isEqualTo("Unknown");

    markReady("cas", "r1");
    eventually().until(() -> "HEALTHY".equals(get("cas").getStatus().getState()));
    Cas.Status st = get("cas").getStatus();
    assertThat(st.getProvisioned()).isEqualTo("No");
    assertThat(st.getAttestable()).as("this CAS has no LAS, so no quote to show").isEqualTo("No");
    assertThat(st.getPhase()).isEqualTo("Unprovisioned");
    assertThat(st.getKeyHash()).isEqualTo(realCas.identity().keyHash().toString());
    assertThat(Conditions.find(st, Conditions.READY).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(Conditions.find(st, Conditions.PROGRESSING).orElseThrow().getStatus()).isEqualTo("False");

    String pvcUid = pvc.getMetadata().getUid();
    String pvcVersion = pvc.getMetadata().getResourceVersion();
    MockCluster.retryOnConflict(() -> client.resources(Cas.class).inNamespace(NS).withName("cas").edit(c -> {
      c.getSpec().setImage("clave:1.1");
      return c;
    }));
    eventually().until(() -> "clave:1.1".equals(sts("cas").getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
    assertThat(sts("cas").getSpec().getTemplate().getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo("cas-db");
    PersistentVolumeClaim after = client.persistentVolumeClaims().inNamespace(NS).withName("cas-db").get();
    assertThat(after.getMetadata().getUid()).isEqualTo(pvcUid);
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(pvcVersion);

    client.resources(Cas.class).inNamespace(NS).withName("cas").delete();
    eventually().until(() -> get("cas") == null && sts("cas") == null
        && client.services().inNamespace(NS).withName("cas").get() == null);
    assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("cas-db").get())
        .as("the store outlives the resource").isNotNull();
  }

  @Test
  void withoutPersistenceTheStoreIsAnEmptyDirAndNoClaimIsMade() {
    Cas cas = new Cas();
    cas.setMetadata(new ObjectMetaBuilder().withName("scratch").withNamespace(NS).build());
    client.resources(Cas.class).inNamespace(NS).resource(cas).create();
    eventually().until(() -> sts("scratch") != null);
    assertThat(sts("scratch").getSpec().getTemplate().getSpec().getVolumes().get(0).getEmptyDir()).isNotNull();
    assertThat(sts("scratch").getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("clave:latest");
    assertThat(client.services().inNamespace(NS).withName("scratch").get().getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(client.persistentVolumeClaims().inNamespace(NS).withName("scratch-db").get()).isNull();
    client.resources(Cas.class).inNamespace(NS).withName("scratch").delete();
    eventually().until(() -> get("scratch") == null && sts("scratch") == null);
  }

  private static Cas create(String name, java.util.function.Consumer<Cas> spec) {
    Cas cas = new Cas();
    cas.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    spec.accept(cas);
    client.resources(Cas.class).inNamespace(NS).resource(cas).create();
    eventually().until(() -> sts(name) != null);
    return cas;
  }

  private static Map<String, String> env(StatefulSet s) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    s.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  private static java.util.Optional<Volume> volume(StatefulSet s, String name) {
    return s.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
  }

  private static java.util.Optional<VolumeMount> mount(StatefulSet s, String name) {
    return s.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> m.getName().equals(name)).findFirst();
  }

  private static PersistentVolumeClaim pvc(String name) {
    return client.persistentVolumeClaims().inNamespace(NS).withName(name).get();
  }

  private static void delete(String name) {
    client.resources(Cas.class).inNamespace(NS).withName(name).delete();
    eventually().until(() -> get(name) == null && sts(name) == null);
  }

  @Test
  void snapshotsByDefaultGoEvery60sToAClaimOfTheirOwnThatOutlivesTheCas() {
    create("snappy", c -> c.getSpec().getPersistence().setEnabled(true));
    eventually().until(() -> pvc("snappy-snapshots") != null && pvc("snappy-db") != null);
    PersistentVolumeClaim claim = pvc("snappy-snapshots");
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getStorageClassName()).isNull();
    assertThat(claim.getMetadata().getOwnerReferences()).as("not garbage-collected with the CAS").isNullOrEmpty();
    StatefulSet s = sts("snappy");
    assertThat(env(s)).containsEntry("CLAVE_CAS_SNAPSHOT_DIR", "/var/mnt/cas-database-snapshots")
        .containsEntry("CLAVE_CAS_SNAPSHOT_INTERVAL", "60s");
    assertThat(volume(s, "snapshots").orElseThrow().getPersistentVolumeClaim().getClaimName()).isEqualTo("snappy-snapshots");
    assertThat(mount(s, "snapshots").orElseThrow().getMountPath()).isEqualTo("/var/mnt/cas-database-snapshots");
    assertThat(volume(s, "db").orElseThrow().getPersistentVolumeClaim().getClaimName()).isEqualTo("snappy-db");

    delete("snappy");
    assertThat(pvc("snappy-snapshots")).as("the snapshots outlive the resource").isNotNull();
    assertThat(pvc("snappy-db")).isNotNull();
  }

  @Test
  void disabledSnapshotsGetNoVolumeNoClaimAndNoSettings() {
    create("nosnap", c -> {
      c.getSpec().getPersistence().setEnabled(true);
      c.getSpec().getDatabaseSnapshots().setEnabled(false);
      c.getSpec().getDatabaseSnapshots().getPersistence().setEnabled(true);
    });
    eventually().until(() -> pvc("nosnap-db") != null);
    StatefulSet s = sts("nosnap");
    assertThat(env(s)).doesNotContainKeys("CLAVE_CAS_SNAPSHOT_DIR", "CLAVE_CAS_SNAPSHOT_INTERVAL");
    assertThat(volume(s, "snapshots")).isEmpty();
    assertThat(mount(s, "snapshots")).isEmpty();
    assertThat(pvc("nosnap-snapshots")).isNull();
    delete("nosnap");
  }

  @Test
  void withoutPersistenceSnapshotsAreOnAnEmptyDirUnlessTheirOwnPersistenceIsOn() {
    create("ephemeral", c -> c.getSpec().getDatabaseSnapshots().setInterval("24h0m0s"));
    StatefulSet s = sts("ephemeral");
    assertThat(volume(s, "snapshots").orElseThrow().getEmptyDir()).isNotNull();
    assertThat(mount(s, "snapshots").orElseThrow().getMountPath()).isEqualTo("/var/mnt/cas-database-snapshots");
    assertThat(env(s)).containsEntry("CLAVE_CAS_SNAPSHOT_INTERVAL", "24h0m0s");
    assertThat(pvc("ephemeral-snapshots")).isNull();
    delete("ephemeral");

    create("own", c -> {
      CasSpec.DatabaseSnapshots d = c.getSpec().getDatabaseSnapshots();
      d.setTargetDirectory("/snap");
      d.getPersistence().setEnabled(true);
      d.getPersistence().setSize("3Gi");
      d.getPersistence().setStorageClass("fast");
    });
    eventually().until(() -> pvc("own-snapshots") != null);
    assertThat(pvc("own-snapshots").getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("3Gi"));
    assertThat(pvc("own-snapshots").getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(pvc("own-db")).as("the store itself stays in the pod").isNull();
    StatefulSet own = sts("own");
    assertThat(volume(own, "db").orElseThrow().getEmptyDir()).isNotNull();
    assertThat(volume(own, "snapshots").orElseThrow().getPersistentVolumeClaim().getClaimName()).isEqualTo("own-snapshots");
    assertThat(env(own)).containsEntry("CLAVE_CAS_SNAPSHOT_DIR", "/snap");
    assertThat(mount(own, "snapshots").orElseThrow().getMountPath()).isEqualTo("/snap");
    delete("own");
  }
}
