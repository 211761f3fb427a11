package dev.clave.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/**
 * What every Clave resource reports: {@code state} (HEALTHY / PENDING / UNHEALTHY, or a policy's APPLIED /
 * REFUSED), the generation the status describes, and {@code metav1.Condition}s Ready, Progressing, Degraded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadStatus {
  private String state;
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();

  public String getState() {
    return state;
  }

  public void setState(String state) {
    this.state = state;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions == null ? new ArrayList<>() : conditions;
  }
}
