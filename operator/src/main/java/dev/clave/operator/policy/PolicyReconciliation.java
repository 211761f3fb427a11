package dev.clave.operator.policy;

import dev.clave.operator.OperatorConfig;
import dev.clave.operator.model.State;
import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.Objects;

/**
 * What both policy reconcilers do: submit the resource's generation once; APPLIED and REFUSED are final
 * for that generation (the resources are immutable, as in the original); PENDING is tried again later.
 * Deleting the resource leaves the session on the CAS: its secrets are not the cluster's to destroy.
 */
final class PolicyReconciliation {
  private final OperatorConfig config;
  private final PolicySubmitter submitter;

  PolicyReconciliation(OperatorConfig config) {
    this.config = config;
    this.submitter = new PolicySubmitter(config);
  }

  /** @param predecessor the {@code predecessor} this version names, if it can be read without the CAS */
  <S extends CasTarget, P extends CustomResource<S, PolicyStatus>> UpdateControl<P> reconcile(P policy, String predecessor,
      Context<P> context) throws InterruptedException {
    PolicyStatus status = policy.getStatus() != null ? policy.getStatus() : new PolicyStatus();
    policy.setStatus(status);
    Long generation = policy.getMetadata().getGeneration();
    boolean settled = State.APPLIED.name().equals(status.getState()) || State.REFUSED.name().equals(status.getState());
    if (settled && Objects.equals(status.getObservedGeneration(), generation)) {
      return UpdateControl.noUpdate();
    }
    PolicySubmitter.Outcome o = submitter.submit(policy.getSpec(), policy.getMetadata().getNamespace(), context.getClient());
    PolicySubmitter.record(status, o, predecessor, generation);
    return o.settled() ? UpdateControl.patchStatus(policy)
        : UpdateControl.patchStatus(policy).rescheduleAfter(config.probeInterval());
  }
}
