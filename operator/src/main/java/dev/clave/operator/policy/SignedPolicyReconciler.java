package dev.clave.operator.policy;

import dev.clave.operator.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Submits SignedPolicy resources to their CAS; the CAS checks the signatures. */
@ControllerConfiguration(name = "signedpolicy")
public class SignedPolicyReconciler extends PolicyReconciler<SignedPolicySpec, SignedPolicy> {
  private static final Pattern PREDECESSOR = Pattern.compile("(?m)^predecessor:\\s*\"?([0-9A-Za-z]+)\"?\\s*$");

  public SignedPolicyReconciler(OperatorConfig config) {
    super(config);
  }

  @Override
  String predecessor(SignedPolicySpec spec) {
    Matcher m = PREDECESSOR.matcher(spec.getPolicy() != null ? spec.getPolicy() : "");
    return m.find() ? m.group(1) : null;
  }
}
