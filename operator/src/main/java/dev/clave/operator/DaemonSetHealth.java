package dev.clave.operator;

import dev.clave.operator.model.State;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import java.util.Optional;

/**
 * A DaemonSet's status read as a resource state: PENDING while it is created, rolls out or its pods start;
 * HEALTHY when every selected node runs an available, updated pod; UNHEALTHY when some that ran stopped.
 *
 * @param desired nodes selected
 * @param ready pods ready
 * @param available pods available
 */
public record DaemonSetHealth(State state, String reason, String message, int desired, int ready, int available) {

  /** The health of the DaemonSet {@code namespace/name} among a reconciliation's secondary resources. */
  public static DaemonSetHealth of(java.util.Collection<DaemonSet> secondaries, String name, String namespace) {
    return of(secondaries.stream()
        .filter(d -> name.equals(d.getMetadata().getName()) && namespace.equals(d.getMetadata().getNamespace()))
        .findFirst());
  }

  public static DaemonSetHealth of(Optional<DaemonSet> daemonSet) {
    if (daemonSet.isEmpty()) {
      return new DaemonSetHealth(State.PENDING, "Creating", "the DaemonSet is being created", 0, 0, 0);
    }
    DaemonSet ds = daemonSet.get();
    DaemonSetStatus s = ds.getStatus();
    if (s == null) {
      return new DaemonSetHealth(State.PENDING, "Scheduling", "the DaemonSet has no status yet", 0, 0, 0);
    }
    int desired = n(s.getDesiredNumberScheduled());
    int ready = n(s.getNumberReady());
    int available = n(s.getNumberAvailable());
    int updated = n(s.getUpdatedNumberScheduled());
    long generation = Optional.ofNullable(ds.getMetadata().getGeneration()).orElse(0L);
    long seen = Optional.ofNullable(s.getObservedGeneration()).orElse(0L);
    if (seen < generation || updated < desired) {
      return new DaemonSetHealth(State.PENDING, "RollingOut",
          updated + " of " + desired + " pods run the current template", desired, ready, available);
    }
    if (desired == 0) {
      return new DaemonSetHealth(State.PENDING, "NoNodesSelected",
          "no node matches the node selector (is the SGX plugin labelling SGX nodes?)", desired, ready, available);
    }
    if (available == desired) {
      return new DaemonSetHealth(State.HEALTHY, "AllPodsAvailable",
          available + " of " + desired + " pods available", desired, ready, available);
    }
    if (available == 0) {
      return new DaemonSetHealth(State.PENDING, "PodsStarting",
          "0 of " + desired + " pods available", desired, ready, available);
    }
    return new DaemonSetHealth(State.UNHEALTHY, "PodsUnavailable",
        (desired - available) + " of " + desired + " pods unavailable", desired, ready, available);
  }

  private static int n(Integer i) {
    return i == null ? 0 : i;
  }
}
