package dev.clave.operator.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.WorkloadStatus;

/**
 * The original's policy status: {@code state}, {@code hash} (the session hash the CAS returned),
 * {@code predecessor} (the hash this version replaced, when it names one), {@code revision} (the resource
 * generation that was submitted). Clave adds {@code message}: the CAS's reason when it refused.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyStatus extends WorkloadStatus {
  private String hash;
  private String predecessor;
  private Long revision;
  private String message;

  public String getHash() {
    return hash;
  }

  public void setHash(String hash) {
    this.hash = hash;
  }

  public String getPredecessor() {
    return predecessor;
  }

  public void setPredecessor(String predecessor) {
    this.predecessor = predecessor;
  }

  public Long getRevision() {
    return revision;
  }

  public void setRevision(Long revision) {
    this.revision = revision;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }
}
