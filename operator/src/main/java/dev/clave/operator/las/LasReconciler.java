package dev.clave.operator.las;

import dev.clave.operator.DaemonSetHealth;
import dev.clave.operator.OldestInstance;
import dev.clave.operator.OperatorConfig;
import dev.clave.operator.Workloads;
import dev.clave.operator.model.Conditions;
import dev.clave.operator.model.State;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Keeps a LAS's DaemonSet as its spec says; reports the DaemonSet's health and, per node, the platform ID
 * its LAS gives (asked again every probe interval, since a LAS update changes it).
 */
@ControllerConfiguration(name = "las")
@Workflow(dependents = @Dependent(type = LasDaemonSet.class, reconcilePrecondition = OldestInstance.class))
public class LasReconciler implements Reconciler<Las>, ContextInitializer<Las> {
  private final OperatorConfig config;

  public LasReconciler(OperatorConfig config) {
    this.config = config;
  }

  @Override
  public void initContext(Las primary, Context<Las> context) {
    config.putInto(context);
  }

  @Override
  public UpdateControl<Las> reconcile(Las las, Context<Las> context) throws InterruptedException {
    Las.Status status = las.getStatus() != null ? las.getStatus() : new Las.Status();
    las.setStatus(status);
    Long generation = las.getMetadata().getGeneration();
    Optional<Las> holder = OldestInstance.holder(las, context);
    if (holder.isPresent()) {
      Conditions.fromState(status, State.UNHEALTHY, "AnotherInstance", "LAS " + holder.get().getMetadata().getName()
          + " already runs on these nodes; a node runs one LAS (it owns the host port)", generation);
      status.setDesiredNumberScheduled(0);
      status.setNumberAvailable(0);
      status.setNodes(Map.of());
      return UpdateControl.patchStatus(las).rescheduleAfter(config.probeInterval());
    }
    String name = LasDaemonSet.name(las);
    String namespace = LasDaemonSet.namespace(las, config);
    DaemonSetHealth h = DaemonSetHealth.of(context.getSecondaryResources(DaemonSet.class), name, namespace);
    status.setVersion(Workloads.version(Workloads.image(las.getSpec(), config)));
    status.setDesiredNumberScheduled(h.desired());
    status.setNumberAvailable(h.available());
    List<Pod> pods = context.getClient().pods().inNamespace(namespace)
        .withLabels(Workloads.selector(LasDaemonSet.APP, las.getMetadata().getName())).list().getItems();
    status.setNodes(nodes(pods, las.getSpec().hostPortOrDefault(), status.getNodes()));
    long unreadable = status.getNodes().values().stream().filter(n -> !n.getErrorMessages().isEmpty()).count();
    if (h.state() == State.HEALTHY && unreadable > 0) {
      Conditions.fromState(status, State.UNHEALTHY, "PlatformIdUnreadable",
          unreadable + " of " + status.getNodes().size() + " LAS did not give their platform ID", generation);
    } else {
      Conditions.fromState(status, h.state(), h.reason(), h.message(), generation);
    }
    return UpdateControl.patchStatus(las).rescheduleAfter(config.probeInterval());
  }

  /** One entry per node that runs a LAS pod; a LAS that cannot be asked keeps the platform ID it last gave. */
  private Map<String, LasNode> nodes(List<Pod> pods, int port, Map<String, LasNode> before) throws InterruptedException {
    Map<String, LasNode> nodes = new TreeMap<>();
    String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    for (Pod pod : pods) {
      String node = pod.getSpec() != null ? pod.getSpec().getNodeName() : null;
      if (node == null || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      LasNode n = new LasNode();
      Optional.ofNullable(before.get(node)).map(LasNode::getPlatformId).ifPresent(n::setPlatformId);
      boolean ready = isReady(pod);
      n.setIsReady(ready);
      String ip = pod.getStatus() != null ? pod.getStatus().getPodIP() : null;
      if (ready && ip != null) {
        n.setLastProbedAt(now);
        try {
          n.setPlatformId(config.platformIds().read(ip, port));
        } catch (IOException e) {
          n.getErrorMessages().add(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        }
      }
      nodes.put(node, n);
    }
    return nodes;
  }

  private static boolean isReady(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions().stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
