package dev.clave.operator.policy;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** {@code SignedPolicy} (namespaced): a policy with its signatures, submitted unchanged to a CAS. */
@Group("cas.clave.dev")
@Version("v1beta1")
@Kind("SignedPolicy")
@Plural("signedpolicies")
@ShortNames("spol")
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Hash", jsonPath = ".status.hash", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SignedPolicy extends CustomResource<SignedPolicySpec, PolicyStatus> implements Namespaced {
  @Override
  protected PolicyStatus initStatus() {
    return new PolicyStatus();
  }
}
