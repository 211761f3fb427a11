package dev.clave.operator.policy;

import dev.clave.operator.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/** Submits EncryptedPolicy resources to their CAS; only the CAS can decrypt them (so no predecessor is shown). */
@ControllerConfiguration(name = "encryptedpolicy")
public class EncryptedPolicyReconciler implements Reconciler<EncryptedPolicy> {
  private final PolicyReconciliation reconciliation;

  public EncryptedPolicyReconciler(OperatorConfig config) {
    this.reconciliation = new PolicyReconciliation(config);
  }

  @Override
  public UpdateControl<EncryptedPolicy> reconcile(EncryptedPolicy policy, Context<EncryptedPolicy> context)
      throws InterruptedException {
    return reconciliation.reconcile(policy, null, context);
  }
}
