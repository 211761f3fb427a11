package dev.clave.operator.policy;

import dev.clave.operator.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Submits SignedPolicy resources to their CAS; the CAS checks the signatures. */
@ControllerConfiguration(name = "signedpolicy")
public class SignedPolicyReconciler implements Reconciler<SignedPolicy> {
  private static final Pattern PREDECESSOR = Pattern.compile("(?m)^predecessor:\\s*\"?([0-9A-Za-z]+)\"?\\s*$");

  private final PolicyReconciliation reconciliation;

  public SignedPolicyReconciler(OperatorConfig config) {
    this.reconciliation = new PolicyReconciliation(config);
  }

  @Override
  public UpdateControl<SignedPolicy> reconcile(SignedPolicy policy, Context<SignedPolicy> context) throws InterruptedException {
    return reconciliation.reconcile(policy, predecessor(policy.getSpec()), context);
  }

  static String predecessor(SignedPolicySpec spec) {
    Matcher m = PREDECESSOR.matcher(spec.getPolicy() != null ? spec.getPolicy() : "");
    return m.find() ? m.group(1) : null;
  }
}
