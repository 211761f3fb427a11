package dev.clave.charts;

import static dev.clave.charts.Charts.render;
import static dev.clave.charts.Charts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** charts/cas, with the seed's {@code helm install cas …} settings among others. */
class CasChartTest {
  private static Container cas(StatefulSet sts) {
    assertThat(sts.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    return sts.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static ServicePort port(Service svc, String name) {
    return svc.getSpec().getPorts().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void defaultInstallIsOneCasBehindAClusterIpServiceOnItsTwoPorts() {
    Charts.Rendered r = render("cas", "cas");
    assertThat(r.kinds()).containsExactlyInAnyOrder("StatefulSet", "Service");
    StatefulSet sts = r.one(StatefulSet.class);
    Service svc = r.one(Service.class);

    assertThat(sts.getMetadata().getName()).isEqualTo("cas");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(1);
    assertThat(sts.getSpec().getServiceName()).isEqualTo(svc.getMetadata().getName());
    Container c = cas(sts);
    assertThat(c.getCommand()).containsExactly("clave");
    assertThat(c.getArgs()).startsWith("cas", "serve")
        .contains("--client-port=8081", "--enclave-port=18765", "--state-dir=/var/lib/clave/cas", "--host=0.0.0.0")
        .contains("--tls-name=cas.clave-system.svc");
    assertThat(c.getPorts()).extracting("name", "containerPort")
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("client", 8081), org.assertj.core.groups.Tuple.tuple("enclave", 18765));
    assertThat(c.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");

    // An enclave, but no quoting of its own: only the enclave device.
    assertThat(c.getResources().getLimits()).containsOnly(Map.entry("sgx.intel.com/enclave", new Quantity("1")));
    assertThat(c.getSecurityContext().getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(sts.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("sgx.intel.com/capable", "true");

    // No persistence: the state is an emptyDir and there is no claim.
    assertThat(sts.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
    assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(v -> v.getName().equals("state") && v.getEmptyDir() != null);

    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getSelector()).isEqualTo(sts.getSpec().getTemplate().getMetadata().getLabels());
    assertThat(port(svc, "client").getPort()).isEqualTo(8081);
    assertThat(port(svc, "client").getTargetPort()).isEqualTo(new IntOrString("client"));
    assertThat(port(svc, "enclave").getPort()).isEqualTo(18765);
    assertThat(port(svc, "enclave").getTargetPort()).isEqualTo(new IntOrString("enclave"));
    assertThat(UnknownFields.in(sts)).isEmpty();
    assertThat(UnknownFields.in(svc)).isEmpty();
  }

  @Test
  void seedAzureInstallPersistsOnTheStorageClassBehindALoadBalancer() {
    String image = "registry.scontain.com:5050/sconecuratedimages/services:cas-scone5";
    Charts.Rendered r = render("cas", "cas", values(
        "image", image,
        "persistence.enabled", "true",
        "persistence.storageClass", "managed",
        "service.type", "LoadBalancer",
        "useSGXDevPlugin", "azure"));
    StatefulSet sts = r.one(StatefulSet.class);
    Container c = cas(sts);
    assertThat(c.getImage()).isEqualTo(image);
    assertThat(c.getResources().getLimits()).containsOnly(Map.entry("kubernetes.azure.com/sgx_epc_mem_in_MiB", new Quantity("16")));
    assertThat(sts.getSpec().getTemplate().getSpec().getNodeSelector()).isNullOrEmpty();

    // The state's claim, then the snapshots' (which follow persistence.enabled).
    assertThat(sts.getSpec().getVolumeClaimTemplates()).hasSize(2);
    PersistentVolumeClaim pvc = sts.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(pvc.getMetadata().getName()).isEqualTo("state");
    assertThat(pvc.getSpec().getStorageClassName()).isEqualTo("managed");
    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    // The claim is what the state directory is mounted from; no emptyDir shadows it.
    assertThat(sts.getSpec().getTemplate().getSpec().getVolumes()).noneMatch(v -> v.getName().equals("state"));
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getName().equals("state") && m.getMountPath().equals("/var/lib/clave/cas"));

    assertThat(r.one(Service.class).getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(UnknownFields.in(sts)).isEmpty();
  }

  @Test
  void storageClassDashDisablesDynamicProvisioningAndEmptyTakesTheDefault() {
    PersistentVolumeClaim none = render("cas", "cas", values("persistence.enabled", true, "persistence.storageClass", "-"))
        .one(StatefulSet.class).getSpec().getVolumeClaimTemplates().get(0);
    assertThat(none.getSpec().getStorageClassName()).isEmpty();
    PersistentVolumeClaim dflt = render("cas", "cas", values("persistence.enabled", true, "persistence.size", "5Gi"))
        .one(StatefulSet.class).getSpec().getVolumeClaimTemplates().get(0);
    assertThat(dflt.getSpec().getStorageClassName()).isNull();
    assertThat(dflt.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
  }

  @Test
  void nodePortsLoadBalancerIpAndExtraTlsNames() {
    Charts.Rendered r = render("cas", "prod", values(
        "service.type", "NodePort",
        "service.nodePorts.clientPort", 30081,
        "service.nodePorts.enclavePort", 30765,
        "tlsNames[0]", "cas.example.com"));
    Service svc = r.one(Service.class);
    assertThat(svc.getMetadata().getName()).isEqualTo("prod-cas");
    assertThat(port(svc, "client").getNodePort()).isEqualTo(30081);
    assertThat(port(svc, "enclave").getNodePort()).isEqualTo(30765);
    assertThat(cas(r.one(StatefulSet.class)).getArgs()).contains("--tls-name=prod-cas", "--tls-name=cas.example.com");

    Charts.Rendered lb = render("cas", "cas", values("service.type", "LoadBalancer", "service.loadBalancerIP", "203.0.113.7"));
    assertThat(lb.one(Service.class).getSpec().getLoadBalancerIP()).isEqualTo("203.0.113.7");
    assertThat(cas(lb.one(StatefulSet.class)).getArgs()).contains("--tls-name=203.0.113.7");

    assertThatThrownBy(() -> render("cas", "cas", values("service.type", "Ingress"))).hasMessageContaining("/service/type");
  }

  @Test
  void verificationSettingsReachTheCommandLine() {
    Container c = cas(render("cas", "cas", values(
        "pcsUrl", "https://pccs.example:8081", "trustSimRoot.secretName", "clave-sim-root")).one(StatefulSet.class));
    assertThat(c.getArgs()).contains("--pcs=https://pccs.example:8081", "--trust-sim-root=/etc/clave/sim-root/root_ca.pem");
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/etc/clave/sim-root"));
  }

  private static java.util.Optional<String> env(Container c, String name) {
    return c.getEnv() == null ? java.util.Optional.empty()
        : c.getEnv().stream().filter(e -> e.getName().equals(name)).map(e -> e.getValue()).findFirst();
  }

  private static java.util.Optional<io.fabric8.kubernetes.api.model.Volume> volume(StatefulSet sts, String name) {
    return sts.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
  }

  private static java.util.Optional<PersistentVolumeClaim> claim(StatefulSet sts, String name) {
    return sts.getSpec().getVolumeClaimTemplates() == null ? java.util.Optional.empty()
        : sts.getSpec().getVolumeClaimTemplates().stream().filter(p -> p.getMetadata().getName().equals(name)).findFirst();
  }

  @Test
  void snapshotsByDefaultGoEvery60sToAnEmptyDirWithoutPersistence() {
    StatefulSet sts = render("cas", "cas").one(StatefulSet.class);
    Container c = cas(sts);
    assertThat(env(c, "CLAVE_CAS_SNAPSHOT_DIR")).contains("/var/mnt/cas-database-snapshots");
    assertThat(env(c, "CLAVE_CAS_SNAPSHOT_INTERVAL")).contains("60s");
    assertThat(env(c, "CLAVE_CAS_RESTORE_FROM")).isEmpty();
    assertThat(c.getVolumeMounts()).anyMatch(m -> m.getName().equals("snapshots") && m.getMountPath().equals("/var/mnt/cas-database-snapshots"));
    assertThat(volume(sts, "snapshots").orElseThrow().getEmptyDir()).isNotNull();
    assertThat(claim(sts, "snapshots")).isEmpty();
    assertThat(UnknownFields.in(sts)).isEmpty();
  }

  @Test
  void withPersistenceSnapshotsGetAClaimOfTheirOwn() {
    StatefulSet sts = render("cas", "cas", values("persistence.enabled", true, "persistence.storageClass", "managed",
        "databaseSnapshots.interval", "24h0m0s")).one(StatefulSet.class);
    assertThat(sts.getSpec().getVolumeClaimTemplates()).extracting(p -> p.getMetadata().getName())
        .containsExactly("state", "snapshots");
    PersistentVolumeClaim snap = claim(sts, "snapshots").orElseThrow();
    assertThat(snap.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(snap.getSpec().getStorageClassName()).as("its own class: the default").isNull();
    assertThat(snap.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    assertThat(volume(sts, "snapshots")).as("no emptyDir shadows the claim").isEmpty();
    assertThat(cas(sts).getVolumeMounts()).anyMatch(m -> m.getName().equals("snapshots"));
    assertThat(env(cas(sts), "CLAVE_CAS_SNAPSHOT_INTERVAL")).contains("24h0m0s");
    assertThat(UnknownFields.in(sts)).isEmpty();

    // Their own setting wins either way.
    StatefulSet own = render("cas", "cas", values("databaseSnapshots.persistence.enabled", true,
        "databaseSnapshots.persistence.size", "5Gi", "databaseSnapshots.persistence.storageClass", "fast",
        "databaseSnapshots.targetDirectory", "/snap")).one(StatefulSet.class);
    assertThat(own.getSpec().getVolumeClaimTemplates()).extracting(p -> p.getMetadata().getName()).containsExactly("snapshots");
    assertThat(claim(own, "snapshots").orElseThrow().getSpec().getStorageClassName()).isEqualTo("fast");
    assertThat(claim(own, "snapshots").orElseThrow().getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
    assertThat(volume(own, "state").orElseThrow().getEmptyDir()).isNotNull();
    assertThat(cas(own).getVolumeMounts()).anyMatch(m -> m.getName().equals("snapshots") && m.getMountPath().equals("/snap"));
    assertThat(env(cas(own), "CLAVE_CAS_SNAPSHOT_DIR")).contains("/snap");

    StatefulSet off = render("cas", "cas", values("persistence.enabled", true, "databaseSnapshots.persistence.enabled", false))
        .one(StatefulSet.class);
    assertThat(off.getSpec().getVolumeClaimTemplates()).extracting(p -> p.getMetadata().getName()).containsExactly("state");
    assertThat(volume(off, "snapshots").orElseThrow().getEmptyDir()).isNotNull();
  }

  @Test
  void disabledSnapshotsGetNoVolumeAndNoSettings() {
    StatefulSet sts = render("cas", "cas", values("persistence.enabled", true, "databaseSnapshots.enabled", false,
        "databaseSnapshots.persistence.enabled", true)).one(StatefulSet.class);
    Container c = cas(sts);
    assertThat(env(c, "CLAVE_CAS_SNAPSHOT_DIR")).isEmpty();
    assertThat(env(c, "CLAVE_CAS_SNAPSHOT_INTERVAL")).isEmpty();
    assertThat(c.getVolumeMounts()).noneMatch(m -> m.getName().equals("snapshots"));
    assertThat(volume(sts, "snapshots")).isEmpty();
    assertThat(sts.getSpec().getVolumeClaimTemplates()).extracting(p -> p.getMetadata().getName()).containsExactly("state");

    StatefulSet bare = render("cas", "cas", values("databaseSnapshots.enabled", false)).one(StatefulSet.class);
    assertThat(cas(bare).getEnv()).as("nothing to set").isNullOrEmpty();
    assertThat(bare.getSpec().getVolumeClaimTemplates()).isNullOrEmpty();
    assertThat(UnknownFields.in(bare)).isEmpty();
  }

  @Test
  void aBackupTakingOverRestoresFromItsSnapshotsAndExtraEnvComesLast() {
    Container c = cas(render("cas", "cas", values("restoreFrom", "/var/mnt/cas-database-snapshots",
        "env[0].name", "CLAVE_CAS_SNAPSHOT_INTERVAL", "env[0].value", "5m")).one(StatefulSet.class));
    assertThat(env(c, "CLAVE_CAS_RESTORE_FROM")).contains("/var/mnt/cas-database-snapshots");
    assertThat(c.getEnv()).extracting(e -> e.getName()).endsWith("CLAVE_CAS_SNAPSHOT_INTERVAL")
        .as("the chart's own first, so extra env overrides").startsWith("CLAVE_CAS_SNAPSHOT_DIR");
  }

  @Test
  void misspeltOrIllFormedSnapshotValuesAreRefused() {
    assertThatThrownBy(() -> render("cas", "cas", values("databaseSnapshot.enabled", false)))
        .hasMessageContaining("databaseSnapshot");
    assertThatThrownBy(() -> render("cas", "cas", values("databaseSnapshots.persistance.enabled", true)))
        .hasMessageContaining("persistance");
    assertThatThrownBy(() -> render("cas", "cas", values("databaseSnapshots.interval", "1d")))
        .hasMessageContaining("/databaseSnapshots/interval");
    assertThatThrownBy(() -> render("cas", "cas", values("databaseSnapshots.targetDirectory", "snapshots")))
        .hasMessageContaining("/databaseSnapshots/targetDirectory");
  }
}
