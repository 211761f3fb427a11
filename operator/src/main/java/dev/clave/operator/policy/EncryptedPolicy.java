package dev.clave.operator.policy;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** {@code EncryptedPolicy} (namespaced): a policy encrypted to a CAS's session key, submitted unchanged. */
@Group("cas.clave.dev")
@Version("v1beta1")
@Kind("EncryptedPolicy")
@Plural("encryptedpolicies")
@ShortNames("epol")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class EncryptedPolicy extends CustomResource<EncryptedPolicySpec, PolicyStatus> implements Namespaced {
  @Override
  protected PolicyStatus initStatus() {
    return new PolicyStatus();
  }
}
