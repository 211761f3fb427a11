package dev.clave.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.operator.model.State;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How a DaemonSet's status reads as a resource state, including what the mock server never reports. */
class DaemonSetHealthTest {
  private static DaemonSet ds(long generation, long observed, int desired, int updated, int available) {
    return new DaemonSetBuilder().withNewMetadata().withName("d").withNamespace("n").withGeneration(generation).endMetadata()
        .withNewStatus().withObservedGeneration(observed).withDesiredNumberScheduled(desired)
        .withUpdatedNumberScheduled(updated).withNumberAvailable(available).withNumberReady(available).endStatus().build();
  }

  private static DaemonSetHealth of(DaemonSet d) {
    return DaemonSetHealth.of(Optional.of(d));
  }

  @Test
  void statesFollowTheRollOut() {
    assertThat(DaemonSetHealth.of(Optional.empty()).reason()).isEqualTo("Creating");
    assertThat(of(ds(2, 1, 3, 3, 3))).extracting(DaemonSetHealth::state, DaemonSetHealth::reason)
        .containsExactly(State.PENDING, "RollingOut");
    assertThat(of(ds(2, 2, 3, 1, 3)).message()).isEqualTo("1 of 3 pods run the current template");
    assertThat(of(ds(2, 2, 3, 3, 0))).extracting(DaemonSetHealth::state, DaemonSetHealth::reason)
        .containsExactly(State.PENDING, "PodsStarting");
    assertThat(of(ds(2, 2, 3, 3, 2))).extracting(DaemonSetHealth::state, DaemonSetHealth::message)
        .containsExactly(State.UNHEALTHY, "1 of 3 pods unavailable");
    assertThat(of(ds(2, 2, 3, 3, 3)).state()).isEqualTo(State.HEALTHY);
    assertThat(of(ds(1, 1, 0, 0, 0)).reason()).isEqualTo("NoNodesSelected");
  }

  @Test
  void onlyTheNamedDaemonSetCounts() {
    DaemonSet other = new DaemonSetBuilder(ds(1, 1, 2, 2, 2)).editMetadata().withName("other").endMetadata().build();
    assertThat(DaemonSetHealth.of(java.util.List.of(other), "d", "n").reason()).isEqualTo("Creating");
    assertThat(DaemonSetHealth.of(java.util.List.of(other, ds(1, 1, 2, 2, 2)), "d", "n").state()).isEqualTo(State.HEALTHY);
  }
}
