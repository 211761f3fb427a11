package dev.clave.operator.cas;

import dev.clave.operator.Workloads;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The volume claim {@code <cas>-snapshots} for the store's snapshots, when {@code databaseSnapshots} are on a
 * persistent volume. Handled as the store's claim ({@link CasVolumeClaim}): created once, never updated or
 * deleted by the operator, so the snapshots outlive the CAS resource (a backup CAS may restore from them).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Workloads.MANAGED_BY + "=" + Workloads.OPERATOR))
public class CasSnapshotClaim extends KubernetesDependentResource<PersistentVolumeClaim, Cas>
    implements Creator<PersistentVolumeClaim, Cas> {
  public CasSnapshotClaim() {
    super(PersistentVolumeClaim.class);
  }

  @Override
  protected PersistentVolumeClaim desired(Cas cas, Context<Cas> context) {
    CasSpec.SnapshotPersistence p = cas.getSpec().getDatabaseSnapshots().getPersistence();
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(CasWorkload.snapshotClaimName(cas)).withNamespace(cas.getMetadata().getNamespace())
          .withLabels(Workloads.labels(CasWorkload.APP, CasWorkload.name(cas)))
        .endMetadata()
        .withNewSpec()
          .withAccessModes("ReadWriteOnce")
          .withStorageClassName(p.getStorageClass() != null && !p.getStorageClass().isBlank() ? p.getStorageClass() : null)
          .withNewResources().addToRequests("storage", new Quantity(p.getSize() != null && !p.getSize().isBlank()
              ? p.getSize() : CasWorkload.DEFAULT_SIZE))
          .endResources()
        .endSpec()
        .build();
  }
}
