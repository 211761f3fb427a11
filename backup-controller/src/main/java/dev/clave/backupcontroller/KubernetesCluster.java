package dev.clave.backupcontroller;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** {@link Cluster} through the Kubernetes API; waiting is by polling, which needs no watch permission. */
public final class KubernetesCluster implements Cluster {
  private static final List<String> MASTER_LABELS =
      List.of("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master");

  /**
   * The operator's CAS kind, named here rather than taken from the operator module: the controller writes three
   * status fields and needs none of the operator's classes.
   */
  static final ResourceDefinitionContext CAS_KIND = new ResourceDefinitionContext.Builder()
      .withGroup("services.clave.dev").withVersion("v1beta1").withKind("CAS").withPlural("cas").withNamespaced(true).build();

  /** Writes nulls, which a merge patch needs to remove a field. */
  private static final com.fasterxml.jackson.databind.ObjectMapper MERGE_PATCH = new com.fasterxml.jackson.databind.ObjectMapper();

  private final KubernetesClient client;
  private final ControllerConfig config;
  private final BackupPods pods;

  public KubernetesCluster(KubernetesClient client, ControllerConfig config) {
    this.client = client;
    this.config = config;
    this.pods = new BackupPods(config);
  }

  @Override
  public List<SgxNode> sgxNodes() {
    Map<String, String> lasIps = new HashMap<>();
    for (Pod p : client.pods().inNamespace(config.lasNamespace()).withLabels(config.lasSelector()).list().getItems()) {
      if (p.getSpec() != null && p.getSpec().getNodeName() != null && running(p) && ip(p).isPresent()) {
        lasIps.put(p.getSpec().getNodeName(), ip(p).get());
      }
    }
    List<SgxNode> nodes = new ArrayList<>();
    for (Node n : client.nodes().withLabels(config.nodeSelector()).list().getItems()) {
      Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
      if (MASTER_LABELS.stream().anyMatch(labels::containsKey)) {
        continue;
      }
      String name = n.getMetadata().getName();
      String bootId = n.getStatus() == null || n.getStatus().getNodeInfo() == null ? "" : n.getStatus().getNodeInfo().getBootID();
      nodes.add(new SgxNode(name, bootId == null ? "" : bootId, Optional.ofNullable(lasIps.get(name))));
    }
    nodes.sort(java.util.Comparator.comparing(SgxNode::name));
    return nodes;
  }

  @Override
  public String startBackupCas(String node) {
    removeEphemeralPods(node);
    Pod pod = pods.backupCas(node);
    client.pods().inNamespace(config.namespace()).resource(pod).create();
    return pod.getMetadata().getName();
  }

  @Override
  public Optional<String> awaitReady(String pod) {
    return await(pod, p -> ready(p) && ip(p).isPresent()).flatMap(KubernetesCluster::ip);
  }

  @Override
  public Registration register(String node, String backupAddress) {
    PodRun run = runToEnd(pods.registration(node, backupAddress));
    return new Registration(run.exitCode(), run.output());
  }

  @Override
  public RestoreDrill drill(String node, String backupAddress) {
    PodRun run = runToEnd(pods.drill(node, backupAddress));
    return new RestoreDrill(run.exitCode(), run.output());
  }

  private record PodRun(int exitCode, String output) {}

  /** Creates the pod and waits until it has ended: its exit code (-1 when it did not end in time) and its log. */
  private PodRun runToEnd(Pod pod) {
    String name = pod.getMetadata().getName();
    client.pods().inNamespace(config.namespace()).resource(pod).create();
    Optional<Pod> done = await(name, p -> finished(p));
    if (done.isEmpty()) {
      return new PodRun(-1, "");
    }
    return new PodRun(exitCode(done.get()), logsOf(name));
  }

  @Override
  public void writeMigrationStatus(String casResource, int sgxNodes, int migratableNodes) {
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    fields.put("desiredNumMigratableNodes", sgxNodes);
    fields.put("numMigratableNodes", migratableNodes);
    fields.put("migrationNodeRatio", migratableNodes + "/" + sgxNodes);
    patchStatus(casResource, fields);
  }

  @Override
  public void writeDrillStatus(String casResource, DrillStatus status) {
    patchStatus(casResource, status.fields());
  }

  private void patchStatus(String casResource, Map<String, Object> fields) {
    // A JSON merge patch of the status subresource: it names only these fields, so the operator's own status
    // fields stay as they are, and no resourceVersion is needed (the last writer wins). A null removes a field.
    Map<String, Object> body = new java.util.HashMap<>();
    body.put("status", fields);
    String patch;
    try {
      patch = MERGE_PATCH.writeValueAsString(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    try {
      client.genericKubernetesResources(CAS_KIND).inNamespace(config.namespace()).withName(casResource)
          .subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new IllegalStateException("no such CAS resource (or no CAS CRD) in namespace " + config.namespace(), e);
      }
      throw new IllegalStateException(e.getCode() == 403 ? "not allowed to patch cas/status (RBAC)" : e.getMessage(), e);
    }
  }

  @Override
  public void removeEphemeralPods(String node) {
    String backup = config.backupPodName(node);
    for (String name : List.of(BackupPods.drillPodName(backup), BackupPods.registrationPodName(backup), backup)) {
      client.pods().inNamespace(config.namespace()).withName(name).delete();
    }
  }

  private Optional<Pod> await(String name, Predicate<Pod> condition) {
    long deadline = System.nanoTime() + config.podTimeout().toNanos();
    while (true) {
      Pod p = client.pods().inNamespace(config.namespace()).withName(name).get();
      if (p != null && condition.test(p)) {
        return Optional.of(p);
      }
      // A pod that has ended will not get ready any more.
      if (p != null && finished(p) || System.nanoTime() > deadline) {
        return Optional.empty();
      }
      try {
        Thread.sleep(config.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  private String logsOf(String name) {
    try {
      String log = client.pods().inNamespace(config.namespace()).withName(name).getLog();
      return log == null ? "" : log;
    } catch (KubernetesClientException e) {
      // Without the output the registration cannot be confirmed; it counts as failed and is retried.
      return "";
    }
  }

  private static int exitCode(Pod p) {
    if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus s : p.getStatus().getContainerStatuses()) {
        if (s.getState() != null && s.getState().getTerminated() != null && s.getState().getTerminated().getExitCode() != null) {
          return s.getState().getTerminated().getExitCode();
        }
      }
    }
    return "Succeeded".equals(phase(p)) ? 0 : 1;
  }

  private static boolean finished(Pod p) {
    String phase = phase(p);
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private static boolean running(Pod p) {
    return "Running".equals(phase(p));
  }

  private static boolean ready(Pod p) {
    return running(p) && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String phase(Pod p) {
    return p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  private static Optional<String> ip(Pod p) {
    return p.getStatus() == null ? Optional.empty() : Optional.ofNullable(p.getStatus().getPodIP()).filter(s -> !s.isBlank());
  }
}
