package dev.clave.operator.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/**
 * {@code casAddress}, {@code policy} (the text that was signed), {@code signatures[{signer, signature}]}.
 * Immutable, as in the original: a change means signing again and re-creating the resource.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "a SignedPolicy is immutable: sign the new policy and re-create the resource")
public class SignedPolicySpec extends CasTarget {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Required
  private String policy;
  @Required
  private List<Signature> signatures;

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }

  public List<Signature> getSignatures() {
    return signatures;
  }

  public void setSignatures(List<Signature> signatures) {
    this.signatures = signatures;
  }

  /** {"policy", "signatures": [{"signer", "signature"}]}: what {@code clave session sign} writes. */
  @Override
  @JsonIgnore
  public String uploadDocument() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("policy", policy);
    ArrayNode list = doc.putArray("signatures");
    if (signatures != null) {
      for (Signature s : signatures) {
        list.addObject().put("signer", s.getSigner()).put("signature", s.getSignature());
      }
    }
    return doc.toString();
  }

  @Override
  @JsonIgnore
  public boolean confidential() {
    return false;
  }

  /** One signature: the signer's key (Base58Check or PEM) and the Ed25519 signature (128 hex). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Signature {
    @Required
    private String signer;
    @Required
    private String signature;

    public String getSigner() {
      return signer;
    }

    public void setSigner(String signer) {
      this.signer = signer;
    }

    public String getSignature() {
      return signature;
    }

    public void setSignature(String signature) {
      this.signature = signature;
    }
  }
}
