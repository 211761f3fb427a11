package dev.clave.sgxplugin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;
import java.util.Objects;

/**
 * Publishes the node's SGX state through the Kubernetes API: label {@code sgx.intel.com/capable=true} on the
 * Node, and {@code sgx.intel.com/epc} (bytes) in its {@code status.capacity}, which kubelet copies into
 * allocatable as for any extended resource. It reads the node first and patches only what differs, so a
 * label or capacity someone removed is put back at the next publication.
 *
 * <p>RBAC: {@code get} and {@code patch} on {@code nodes} and {@code patch} on {@code nodes/status}.
 */
public final class KubernetesNodeUpdater implements NodeUpdater {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String nodeName;
  private final boolean ownsClient;

  private KubernetesNodeUpdater(KubernetesClient client, String nodeName, boolean ownsClient) {
    this.client = Objects.requireNonNull(client, "client");
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.ownsClient = ownsClient;
    if (nodeName.isBlank() || nodeName.length() > 253) {
      throw new IllegalArgumentException("node name: must be 1..253 characters, got \"" + nodeName + "\"");
    }
  }

  /** Updates {@code nodeName} through {@code client}, which stays the caller's to close. */
  public static KubernetesNodeUpdater of(KubernetesClient client, String nodeName) {
    return new KubernetesNodeUpdater(client, nodeName, false);
  }

  /**
   * Updates {@code nodeName} with the client configuration fabric8 finds: in a pod its service account, else
   * {@code KUBECONFIG} or {@code ~/.kube/config}.
   */
  public static KubernetesNodeUpdater fromEnvironment(String nodeName) {
    return new KubernetesNodeUpdater(new KubernetesClientBuilder().build(), nodeName, true);
  }

  @Override
  public String describe() {
    return "publishing SGX state on node " + nodeName + " through " + client.getMasterUrl();
  }

  @Override
  public void publish(NodeState state) {
    Resource<Node> node = client.nodes().withName(nodeName);
    Node current;
    try {
      current = node.get();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot read node " + nodeName + ": " + reason(e));
    }
    if (current == null) {
      throw new IllegalStateException("node " + nodeName + " does not exist (check --node-name or NODE_NAME)");
    }
    String label = labels(current).get(NodeState.CAPABLE_LABEL);
    String wantLabel = state.sgxCapable() ? "true" : null;
    if (!Objects.equals(label, wantLabel)) {
      boolean noLabels = current.getMetadata().getLabels() == null;
      String patch = change(noLabels, "/metadata/labels", NodeState.CAPABLE_LABEL, wantLabel);
      try {
        node.patch(PatchContext.of(PatchType.JSON), patch);
      } catch (KubernetesClientException e) {
        throw new IllegalStateException("cannot label node " + nodeName + ": " + reason(e));
      }
    }
    Long epc = capacity(current);
    Long wantEpc = state.epcBytes().isPresent() ? state.epcBytes().getAsLong() : null;
    if (!Objects.equals(epc, wantEpc)) {
      boolean noCapacity = current.getStatus() == null || current.getStatus().getCapacity() == null;
      String patch = change(noCapacity, "/status/capacity", NodeState.EPC_RESOURCE, wantEpc == null ? null : wantEpc.toString());
      try {
        node.subresource("status").patch(PatchContext.of(PatchType.JSON), patch);
      } catch (KubernetesClientException e) {
        throw new IllegalStateException("cannot set the EPC capacity of node " + nodeName + ": " + reason(e));
      }
    }
  }

  /**
   * A JSON Patch (RFC 6902) that sets {@code key} of the map at {@code mapPath} to {@code value}, or removes it
   * when {@code value} is null; {@code mapMissing} says the map itself must be created. (A JSON Patch rather
   * than a merge patch: the operations say exactly what changes, and a concurrent removal fails the patch
   * instead of silently doing something else; the next round reads the node again.)
   */
  static String change(boolean mapMissing, String mapPath, String key, String value) {
    ArrayNode ops = JSON.createArrayNode();
    ObjectNode op = ops.addObject();
    if (value == null) {
      op.put("op", "remove").put("path", mapPath + "/" + pointerToken(key));
    } else if (mapMissing) {
      op.put("op", "add").put("path", mapPath).putObject("value").put(key, value);
    } else {
      op.put("op", "add").put("path", mapPath + "/" + pointerToken(key)).put("value", value);
    }
    return ops.toString();
  }

  /** RFC 6901: '~' is written "~0" and '/' is written "~1" in a JSON pointer. */
  private static String pointerToken(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static Map<String, String> labels(Node n) {
    return n.getMetadata() == null || n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
  }

  /** The node's EPC capacity in bytes, null when absent (or not a plain byte count, which is then replaced). */
  private static Long capacity(Node n) {
    if (n.getStatus() == null || n.getStatus().getCapacity() == null) {
      return null;
    }
    Quantity q = n.getStatus().getCapacity().get(NodeState.EPC_RESOURCE);
    if (q == null) {
      return null;
    }
    try {
      return Quantity.getAmountInBytes(q).longValueExact();
    } catch (ArithmeticException | IllegalArgumentException e) {
      return null;
    }
  }

  /** The API server's own message, or the underlying failure (fabric8's message only names the operation). */
  static String reason(KubernetesClientException e) {
    if (e.getStatus() != null && e.getStatus().getMessage() != null) {
      return "HTTP " + e.getCode() + ": " + e.getStatus().getMessage();
    }
    Throwable root = e;
    for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 10; depth++) {
      root = root.getCause();
    }
    if (root != e) {
      return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
    return e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + e.getMessage() : String.valueOf(e.getMessage());
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
