package dev.clave.operator.policy;

import dev.clave.operator.OperatorConfig;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;

/** Submits EncryptedPolicy resources to their CAS; only the CAS can decrypt them. */
@ControllerConfiguration(name = "encryptedpolicy")
public class EncryptedPolicyReconciler extends PolicyReconciler<EncryptedPolicySpec, EncryptedPolicy> {
  public EncryptedPolicyReconciler(OperatorConfig config) {
    super(config);
  }

  /** The ciphertext hides it. */
  @Override
  String predecessor(EncryptedPolicySpec spec) {
    return null;
  }
}
