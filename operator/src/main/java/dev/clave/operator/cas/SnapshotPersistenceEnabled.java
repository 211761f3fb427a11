package dev.clave.operator.cas;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The snapshots' volume claim exists only with snapshots on a persistent volume. */
public class SnapshotPersistenceEnabled implements Condition<PersistentVolumeClaim, Cas> {
  @Override
  public boolean isMet(DependentResource<PersistentVolumeClaim, Cas> dependent, Cas cas, Context<Cas> context) {
    return CasWorkload.snapshotsPersistent(cas);
  }
}
