package dev.clave.operator.las;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's LAS, as {@code status.nodes.<node>}: the platform ID the LAS itself reported over HTTP
 * ({@code GET /v1/platform-id}; the original's {@code publicKey}), whether its pod is ready, when it was
 * last asked, and why it could not be, if so. {@code publicKey} repeats the platform ID under the original's
 * name, which scripts read ({@code kubectl get las -o json | jq '.items[].status.nodes[].publicKey'}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LasNode {
  private String platformId;
  private Boolean isReady;
  private String lastProbedAt;
  private List<String> errorMessages = new ArrayList<>();

  public String getPlatformId() {
    return platformId;
  }

  public void setPlatformId(String platformId) {
    this.platformId = platformId;
  }

  /** The original's name for the platform ID (the public key of the node's quoting enclave). */
  public String getPublicKey() {
    return platformId;
  }

  /** Read for compatibility; the platform ID is what counts. */
  public void setPublicKey(String publicKey) {
    if (platformId == null) {
      platformId = publicKey;
    }
  }

  @com.fasterxml.jackson.annotation.JsonProperty("isReady")
  public Boolean getIsReady() {
    return isReady;
  }

  public void setIsReady(Boolean isReady) {
    this.isReady = isReady;
  }

  public String getLastProbedAt() {
    return lastProbedAt;
  }

  public void setLastProbedAt(String lastProbedAt) {
    this.lastProbedAt = lastProbedAt;
  }

  public List<String> getErrorMessages() {
    return errorMessages;
  }

  public void setErrorMessages(List<String> errorMessages) {
    this.errorMessages = errorMessages == null ? new ArrayList<>() : errorMessages;
  }
}
