package dev.clave.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.Comparator;
import java.util.Optional;

/**
 * One SGX plugin and one LAS per node: a DaemonSet already runs one pod on every selected node, and a second
 * resource of the same kind would start a second plugin (two registrations of the same resources) or a
 * second LAS (the same host port). So only the oldest resource of the kind gets its DaemonSet; the others
 * report why they have none. As a workflow precondition, a resource that stops being the oldest loses its
 * DaemonSet.
 */
public final class OldestInstance<R, P extends HasMetadata> implements Condition<R, P> {
  private static final Comparator<HasMetadata> AGE = Comparator
      .comparing((HasMetadata m) -> Optional.ofNullable(m.getMetadata().getCreationTimestamp()).orElse(""))
      .thenComparing(m -> m.getMetadata().getName());

  @Override
  public boolean isMet(DependentResource<R, P> dependentResource, P primary, Context<P> context) {
    return holder(primary, context).isEmpty();
  }

  /** The older resource of this kind that runs the workload instead of {@code primary}, if any. */
  public static <P extends HasMetadata> Optional<P> holder(P primary, Context<P> context) {
    return context.getPrimaryCache().list()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> !p.getMetadata().getName().equals(primary.getMetadata().getName()))
        .filter(p -> AGE.compare(p, primary) < 0)
        .min(AGE);
  }
}
