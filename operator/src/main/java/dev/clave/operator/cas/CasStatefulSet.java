package dev.clave.operator.cas;

import dev.clave.cas.CasConfig;
import dev.clave.operator.OperatorConfig;
import dev.clave.operator.Workloads;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDNoGCKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * One CAS pod ({@code clave cas serve}) with a stable name. The store is a volume the operator made itself
 * (not a volume claim template), so changing the image rolls the pod onto the same store, and deleting the
 * CAS resource leaves the store behind. Database snapshots, when on, go to a second volume made the same way.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Workloads.MANAGED_BY + "=" + Workloads.OPERATOR))
public class CasStatefulSet extends CRUDNoGCKubernetesDependentResource<StatefulSet, Cas> {
  public CasStatefulSet() {
    super(StatefulSet.class);
  }

  @Override
  protected StatefulSet desired(Cas cas, Context<Cas> context) {
    OperatorConfig config = OperatorConfig.from(context);
    CasSpec spec = cas.getSpec();
    String name = CasWorkload.name(cas);
    String ns = cas.getMetadata().getNamespace();
    String mount = CasWorkload.mountPath(cas);
    Volume db = spec.getPersistence().on()
        ? new VolumeBuilder().withName("db").withNewPersistentVolumeClaim().withClaimName(CasWorkload.claimName(cas))
            .endPersistentVolumeClaim().build()
        : new VolumeBuilder().withName("db").withNewEmptyDir().endEmptyDir().build();
    StatefulSet sts = new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(Workloads.labels(CasWorkload.APP, name)).endMetadata()
        .withNewSpec()
          .withReplicas(1)
          .withServiceName(name)
          .withNewSelector().withMatchLabels(Workloads.selector(CasWorkload.APP, name)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(Workloads.labels(CasWorkload.APP, name)).withAnnotations(Workloads.podAnnotations(spec)).endMetadata()
            .withNewSpec()
              .withNodeSelector(Workloads.sgxNodeSelector(spec))
              .withTolerations(Workloads.tolerations(spec))
              .withImagePullSecrets(Workloads.pullSecrets(spec))
              .addNewContainer()
                .withName("cas")
                .withImage(Workloads.image(spec, config))
                .withImagePullPolicy(Workloads.pullPolicy(spec))
                // The certificate names the CAS by its in-cluster DNS names (clients pin its key anyway).
                .withArgs("cas", "serve", "--tls-name", name, "--tls-name", name + "." + ns,
                    "--tls-name", name + "." + ns + ".svc")
                .addNewEnv().withName("CLAVE_CAS_STATE_DIR").withValue(mount).endEnv()
                .addNewEnv().withName("CLAVE_CAS_CLIENT_PORT").withValue(Integer.toString(CasConfig.DEFAULT_CLIENT_PORT)).endEnv()
                .addNewEnv().withName("CLAVE_CAS_ENCLAVE_PORT").withValue(Integer.toString(CasConfig.DEFAULT_ENCLAVE_PORT)).endEnv()
                .addNewEnv().withName("SCONE_LAS_ADDR").withNewValueFrom().withNewFieldRef().withFieldPath("status.hostIP")
                  .endFieldRef().endValueFrom().endEnv()
                .addNewPort().withName("client").withContainerPort(CasConfig.DEFAULT_CLIENT_PORT).endPort()
                .addNewPort().withName("enclave").withContainerPort(CasConfig.DEFAULT_ENCLAVE_PORT).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/health/ready").withNewPort("client").withScheme("HTTPS")
                  .endHttpGet().withPeriodSeconds(10).endReadinessProbe()
                .withResources(Workloads.withEnclave(spec))
                .addNewVolumeMount().withName("db").withMountPath(mount).endVolumeMount()
              .endContainer()
              .withVolumes(db)
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
    if (CasWorkload.snapshotsOn(cas)) {
      withSnapshots(sts, cas);
    }
    return sts;
  }

  /**
   * {@code databaseSnapshots}: a {@code snapshots} volume at the target directory (the claim the operator made,
   * else an emptyDir that goes with the pod) and the CAS told where and how often to write.
   */
  private static void withSnapshots(StatefulSet sts, Cas cas) {
    String dir = CasWorkload.snapshotDir(cas);
    PodSpec pod = sts.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    c.getEnv().add(new EnvVar("CLAVE_CAS_SNAPSHOT_DIR", dir, null));
    c.getEnv().add(new EnvVar("CLAVE_CAS_SNAPSHOT_INTERVAL", CasWorkload.snapshotInterval(cas), null));
    c.getVolumeMounts().add(new VolumeMountBuilder().withName("snapshots").withMountPath(dir).build());
    pod.getVolumes().add(CasWorkload.snapshotsPersistent(cas)
        ? new VolumeBuilder().withName("snapshots").withNewPersistentVolumeClaim()
            .withClaimName(CasWorkload.snapshotClaimName(cas)).endPersistentVolumeClaim().build()
        : new VolumeBuilder().withName("snapshots").withNewEmptyDir().endEmptyDir().build());
  }
}
