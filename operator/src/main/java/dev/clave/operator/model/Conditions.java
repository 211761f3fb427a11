package dev.clave.operator.model;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/** Setting {@code metav1.Condition}s the way the API conventions ask: the transition time moves only on a change. */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String PROGRESSING = "Progressing";
  public static final String DEGRADED = "Degraded";

  private Conditions() {}

  /** Sets condition {@code type}, keeping its last transition time when its status does not change. */
  public static void set(WorkloadStatus status, String type, boolean value, String reason, String message, Long generation) {
    List<Condition> list = status.getConditions();
    String s = value ? "True" : "False";
    Optional<Condition> old = find(status, type);
    String since = old.filter(c -> s.equals(c.getStatus())).map(Condition::getLastTransitionTime)
        .orElse(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    list.removeIf(c -> type.equals(c.getType()));
    list.add(new ConditionBuilder().withType(type).withStatus(s).withReason(reason).withMessage(message)
        .withObservedGeneration(generation).withLastTransitionTime(since).build());
    list.sort(java.util.Comparator.comparing(Condition::getType));
  }

  public static Optional<Condition> find(WorkloadStatus status, String type) {
    return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Ready / Progressing / Degraded in one go, from the resource's state. */
  public static void fromState(WorkloadStatus status, State state, String reason, String message, Long generation) {
    status.setState(state.name());
    status.setObservedGeneration(generation);
    set(status, READY, state == State.HEALTHY || state == State.APPLIED, reason, message, generation);
    set(status, PROGRESSING, state == State.PENDING, reason, message, generation);
    set(status, DEGRADED, state == State.UNHEALTHY || state == State.REFUSED, reason, message, generation);
  }
}
