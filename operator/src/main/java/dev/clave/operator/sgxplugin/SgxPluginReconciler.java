package dev.clave.operator.sgxplugin;

import dev.clave.operator.DaemonSetHealth;
import dev.clave.operator.OldestInstance;
import dev.clave.operator.OperatorConfig;
import dev.clave.operator.model.Conditions;
import dev.clave.operator.model.State;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.util.Optional;

/** Keeps an SGXPlugin's DaemonSet as its spec says and reports the DaemonSet's health in its status. */
@ControllerConfiguration(name = "sgxplugin")
@Workflow(dependents = @Dependent(type = SgxPluginDaemonSet.class, reconcilePrecondition = OldestInstance.class))
public class SgxPluginReconciler implements Reconciler<SgxPlugin>, ContextInitializer<SgxPlugin> {
  private final OperatorConfig config;

  public SgxPluginReconciler(OperatorConfig config) {
    this.config = config;
  }

  @Override
  public void initContext(SgxPlugin primary, Context<SgxPlugin> context) {
    config.putInto(context);
  }

  @Override
  public UpdateControl<SgxPlugin> reconcile(SgxPlugin p, Context<SgxPlugin> context) {
    SgxPlugin.Status status = p.getStatus() != null ? p.getStatus() : new SgxPlugin.Status();
    p.setStatus(status);
    Long generation = p.getMetadata().getGeneration();
    Optional<SgxPlugin> holder = OldestInstance.holder(p, context);
    if (holder.isPresent()) {
      Conditions.fromState(status, State.UNHEALTHY, "AnotherInstance", "SGXPlugin " + holder.get().getMetadata().getName()
          + " already runs the device plugin on these nodes; a node runs one plugin", generation);
      status.setDesiredReplicas(0);
      status.setReadyReplicas(0);
      status.setServingReplicaRatio("0/0");
      // Nothing signals that the other resource went away: look again later.
      return UpdateControl.patchStatus(p).rescheduleAfter(config.probeInterval());
    }
    String name = SgxPluginDaemonSet.name(p);
    String namespace = SgxPluginDaemonSet.namespace(p, config);
    DaemonSetHealth h = DaemonSetHealth.of(context.getSecondaryResources(DaemonSet.class), name, namespace);
    Conditions.fromState(status, h.state(), h.reason(), h.message(), generation);
    status.setDesiredReplicas(h.desired());
    status.setReadyReplicas(h.ready());
    status.setServingReplicaRatio(h.available() + "/" + h.desired());
    return UpdateControl.patchStatus(p);
  }
}
