package dev.clave.operator.policy;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code casAddress}, {@code policy} (base64 ciphertext), {@code encryptionKey} (64 hex: the CAS's session
 * encryption public key). Immutable, as in the original.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "an EncryptedPolicy is immutable: encrypt the new policy and re-create the resource")
public class EncryptedPolicySpec extends CasTarget {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Required
  private String policy;
  @Required
  @Pattern("^[0-9a-fA-F]{64}$")
  private String encryptionKey;

  public String getPolicy() {
    return policy;
  }

  public void setPolicy(String policy) {
    this.policy = policy;
  }

  public String getEncryptionKey() {
    return encryptionKey;
  }

  public void setEncryptionKey(String encryptionKey) {
    this.encryptionKey = encryptionKey;
  }

  /** {"policy", "encryptionKey"}: what {@code clave session encrypt} writes. */
  @Override
  @JsonIgnore
  public String uploadDocument() {
    return JSON.createObjectNode().put("policy", policy).put("encryptionKey", encryptionKey).toString();
  }

  @Override
  @JsonIgnore
  public boolean confidential() {
    return true;
  }
}
