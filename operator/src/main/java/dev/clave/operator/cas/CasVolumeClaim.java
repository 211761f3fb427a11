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
import java.util.List;

/**
 * The CAS store's volume claim, when {@code persistence.enabled}. Created once and never updated or deleted
 * by the operator: it holds the CAS's sealed database, which outlives image changes and the CAS resource
 * itself (re-creating a CAS of the same name finds its store again).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Workloads.MANAGED_BY + "=" + Workloads.OPERATOR))
public class CasVolumeClaim extends KubernetesDependentResource<PersistentVolumeClaim, Cas>
    implements Creator<PersistentVolumeClaim, Cas> {
  public CasVolumeClaim() {
    super(PersistentVolumeClaim.class);
  }

  @Override
  protected PersistentVolumeClaim desired(Cas cas, Context<Cas> context) {
    CasSpec.Persistence p = cas.getSpec().getPersistence();
    String name = CasWorkload.name(cas);
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(CasWorkload.claimName(cas)).withNamespace(cas.getMetadata().getNamespace())
          .withLabels(Workloads.labels(CasWorkload.APP, name))
        .endMetadata()
        .withNewSpec()
          .withAccessModes(p.getAccessModes() != null && !p.getAccessModes().isEmpty() ? p.getAccessModes() : List.of("ReadWriteOnce"))
          .withStorageClassName(p.getStorageClass() != null && !p.getStorageClass().isBlank() ? p.getStorageClass() : null)
          .withNewResources().addToRequests("storage", new Quantity(p.getSize() != null ? p.getSize() : CasWorkload.DEFAULT_SIZE))
          .endResources()
        .endSpec()
        .build();
  }
}
