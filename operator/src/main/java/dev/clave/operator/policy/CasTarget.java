package dev.clave.operator.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Where a policy goes: {@code casAddress} (the original's field) and, Clave's addition, {@code casKeyHash}:
 * the CAS's key hash, which pins the TLS connection. Without it the operator's own table
 * ({@code clave operator --cas-key-hash ADDR=HASH}) must know the address; the operator never trusts a CAS
 * it cannot pin.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class CasTarget {
  @Required
  private String casAddress;
  @Pattern("^[0-9A-Za-z]+$")
  private String casKeyHash;

  public String getCasAddress() {
    return casAddress;
  }

  public void setCasAddress(String casAddress) {
    this.casAddress = casAddress;
  }

  public String getCasKeyHash() {
    return casKeyHash;
  }

  public void setCasKeyHash(String casKeyHash) {
    this.casKeyHash = casKeyHash;
  }

  /** The JSON document the CAS's {@code POST /session} takes, built from the fields as they are. */
  public abstract String uploadDocument();

  /**
   * Whether the policy text is secret from the cluster: then a refusal's details (which quote the policy)
   * stay out of the status, where anyone who may read the resource would see them.
   */
  public abstract boolean confidential();
}
