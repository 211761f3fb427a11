package dev.clave.operator.cas;

import dev.clave.operator.OperatorConfig;
import dev.clave.operator.Workloads;
import dev.clave.operator.model.Conditions;
import dev.clave.operator.model.State;
import dev.clave.policy.protect.KeyHash;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps a CAS's StatefulSet, Service and (with persistence) store and snapshots claims as its spec says; once
 * its pod is ready, asks the CAS for its key hash and whether it is provisioned.
 */
@ControllerConfiguration(name = "cas")
@Workflow(dependents = {
  @Dependent(type = CasVolumeClaim.class, name = "store", reconcilePrecondition = PersistenceEnabled.class),
  @Dependent(type = CasSnapshotClaim.class, name = "snapshots", reconcilePrecondition = SnapshotPersistenceEnabled.class),
  @Dependent(type = CasService.class, name = "service"),
  @Dependent(type = CasStatefulSet.class, name = "statefulset")
})
public class CasReconciler implements Reconciler<Cas>, ContextInitializer<Cas> {
  private final OperatorConfig config;
  private final CasProbe probe;

  public CasReconciler(OperatorConfig config, CasProbe probe) {
    this.config = config;
    this.probe = probe;
  }

  @Override
  public void initContext(Cas primary, Context<Cas> context) {
    config.putInto(context);
  }

  @Override
  public UpdateControl<Cas> reconcile(Cas cas, Context<Cas> context) throws InterruptedException {
    Cas.Status status = cas.getStatus() != null ? cas.getStatus() : new Cas.Status();
    cas.setStatus(status);
    Long generation = cas.getMetadata().getGeneration();
    status.setVersion(Workloads.version(Workloads.image(cas.getSpec(), config)));
    Optional<StatefulSet> sts = context.getSecondaryResources(StatefulSet.class).stream()
        .filter(s -> CasWorkload.name(cas).equals(s.getMetadata().getName())).findFirst();
    StatefulSetStatus s = sts.map(StatefulSet::getStatus).orElse(null);
    int ready = s != null && s.getReadyReplicas() != null ? s.getReadyReplicas() : 0;
    status.setReadyReplicas(ready);
    if (sts.isEmpty() || s == null) {
      set(status, State.PENDING, "Creating", "the StatefulSet is being created", "Uninitialized", generation);
      return UpdateControl.patchStatus(cas);
    }
    long stsGeneration = Optional.ofNullable(sts.get().getMetadata().getGeneration()).orElse(0L);
    boolean rolledOut = Optional.ofNullable(s.getObservedGeneration()).orElse(0L) >= stsGeneration
        && (s.getUpdateRevision() == null || Objects.equals(s.getUpdateRevision(), s.getCurrentRevision()))
        && Optional.ofNullable(s.getUpdatedReplicas()).orElse(0) >= 1;
    if (!rolledOut) {
      set(status, State.PENDING, "RollingOut", "the CAS pod is being replaced with the current template", "Upgrading", generation);
      return UpdateControl.patchStatus(cas);
    }
    if (ready < 1) {
      set(status, State.PENDING, "PodStarting", "the CAS pod is not ready", "Uninitialized", generation);
      return UpdateControl.patchStatus(cas);
    }
    return UpdateControl.patchStatus(withProbe(cas, status, generation)).rescheduleAfter(config.probeInterval());
  }

  /** The pod is ready: what does the CAS say about itself? */
  private Cas withProbe(Cas cas, Cas.Status status, Long generation) throws InterruptedException {
    Optional<KeyHash> pinned = Optional.ofNullable(status.getKeyHash()).map(KeyHash::parse);
    try {
      CasProbe.CasInfo info = probe.describe(cas, pinned);
      status.setKeyHash(info.keyHash().toString());
      status.setProvisioned(info.provisioned() ? "Yes" : "No");
      status.setAttestable(info.attestable() ? "Yes" : "No");
      snapshots(cas, status, info.snapshots());
      set(status, State.HEALTHY, "Running", info.provisioned() ? "the CAS is provisioned"
          : "the CAS runs and waits for its owner (clave cas provision)",
          info.provisioned() ? "HEALTHY" : "Unprovisioned", generation);
      if (info.snapshots().filter(CasProbe.Snapshots::failed).isPresent()) {
        // The CAS still serves, so it stays Ready; but its store is not being saved: Degraded, and the phase says why.
        String why = "database snapshots fail" + info.snapshots().map(CasProbe.Snapshots::error).map(e -> ": " + e).orElse("");
        Conditions.set(status, Conditions.DEGRADED, true, "SnapshotFailure", why, generation);
        status.setPhase("SnapshotFailure");
      }
    } catch (IOException e) {
      status.setProvisioned("Unknown");
      set(status, State.UNHEALTHY, "Unreachable", e.getMessage(), "UNHEALTHY", generation);
    }
    return cas;
  }

  /** The snapshot fields from what the CAS reported; unset when it reports nothing. */
  private static void snapshots(Cas cas, Cas.Status status, Optional<CasProbe.Snapshots> reported) {
    CasProbe.Snapshots s = reported.orElse(null);
    String st = s == null ? null : s.status();
    if ("Persisted".equals(st) && !CasWorkload.snapshotsPersistent(cas)) {
      // Written, but to an emptyDir that goes with the pod: the original's Ephemeral.
      st = "Ephemeral";
    }
    status.setSnapshotStatus(st);
    status.setSnapshotTimestamp(s == null ? null : s.timestamp());
    status.setSnapshotConfiguredInterval(s == null ? null : s.interval());
  }

  private static void set(Cas.Status status, State state, String reason, String message, String phase, Long generation) {
    Conditions.fromState(status, state, reason, message, generation);
    status.setPhase(phase);
  }
}
