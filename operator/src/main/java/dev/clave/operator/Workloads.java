package dev.clave.operator;

import dev.clave.operator.model.PodSettings;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The pod pieces every workload takes from its resource's spec, with the original's defaults and injections. */
public final class Workloads {
  /** Set by the SGX device plugin on nodes with SGX; injected into node selectors that do not name it. */
  public static final String SGX_CAPABLE = "sgx.intel.com/capable";
  /** The device plugin's enclave slot: requested instead of running privileged. */
  public static final String SGX_ENCLAVE = "sgx.intel.com/enclave";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR = "clave-operator";

  private Workloads() {}

  public static String image(PodSettings spec, OperatorConfig config) {
    return spec.getImage() != null && !spec.getImage().isBlank() ? spec.getImage() : config.defaultImage();
  }

  /** The tag of an image reference ("latest" when it has none), for {@code status.version}. */
  public static String version(String image) {
    int at = image.indexOf('@');
    if (at >= 0) {
      return image.substring(at + 1);
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash ? image.substring(colon + 1) : "latest";
  }

  /** The spec's node selector, restricted to SGX nodes when it does not say otherwise about them. */
  public static Map<String, String> sgxNodeSelector(PodSettings spec) {
    Map<String, String> s = new TreeMap<>();
    if (spec.getNodeSelector() != null) {
      s.putAll(spec.getNodeSelector());
    }
    s.putIfAbsent(SGX_CAPABLE, "true");
    return s;
  }

  /** The spec's resources, with one enclave slot in requests and limits unless the spec sets it. */
  public static ResourceRequirements withEnclave(PodSettings spec) {
    ResourceRequirements given = spec.getResources();
    Map<String, Quantity> limits = new TreeMap<>(given != null && given.getLimits() != null ? given.getLimits() : Map.of());
    Map<String, Quantity> requests = new TreeMap<>(given != null && given.getRequests() != null ? given.getRequests() : Map.of());
    limits.putIfAbsent(SGX_ENCLAVE, new Quantity("1"));
    // Extended resources must request what they limit.
    requests.putIfAbsent(SGX_ENCLAVE, limits.get(SGX_ENCLAVE));
    return new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build();
  }

  public static ResourceRequirements resources(PodSettings spec) {
    return spec.getResources() != null ? spec.getResources() : new ResourceRequirements();
  }

  public static String pullPolicy(PodSettings spec) {
    return spec.getImagePullPolicy() != null ? spec.getImagePullPolicy() : "IfNotPresent";
  }

  public static List<io.fabric8.kubernetes.api.model.LocalObjectReference> pullSecrets(PodSettings spec) {
    return spec.getImagePullSecrets() != null ? new ArrayList<>(spec.getImagePullSecrets()) : new ArrayList<>();
  }

  public static List<io.fabric8.kubernetes.api.model.Toleration> tolerations(PodSettings spec) {
    return spec.getTolerations() != null ? new ArrayList<>(spec.getTolerations()) : new ArrayList<>();
  }

  public static Map<String, String> podAnnotations(PodSettings spec) {
    return spec.getPodAnnotations() != null ? new TreeMap<>(spec.getPodAnnotations()) : new TreeMap<>();
  }

  /** Where a cluster-scoped resource's DaemonSet goes: its spec's {@code namespace}, else the operator's. */
  public static String namespace(String specNamespace, OperatorConfig config) {
    return specNamespace != null && !specNamespace.isBlank() ? specNamespace : config.namespace();
  }

  /**
   * A DaemonSet for SGX nodes without its containers and volumes: names, labels, selector, and the pod
   * settings of the spec (node selector with the SGX label, tolerations, pull secrets, pod annotations).
   */
  public static io.fabric8.kubernetes.api.model.apps.DaemonSet sgxDaemonSet(String name, String namespace, String app,
      String instance, PodSettings spec) {
    return new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels(app, instance)).endMetadata()
        .withNewSpec()
          .withNewSelector().withMatchLabels(selector(app, instance)).endSelector()
          .withNewTemplate()
            .withNewMetadata().withLabels(labels(app, instance)).withAnnotations(podAnnotations(spec)).endMetadata()
            .withNewSpec()
              .withNodeSelector(sgxNodeSelector(spec))
              .withTolerations(tolerations(spec))
              .withImagePullSecrets(pullSecrets(spec))
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  /** The labels of a workload's pods: which app, which resource. */
  public static Map<String, String> labels(String app, String instance) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app.kubernetes.io/name", app);
    l.put("app.kubernetes.io/instance", instance);
    l.put(MANAGED_BY, OPERATOR);
    return l;
  }

  /** Selector labels: without managed-by, so a selector never changes when labels are added. */
  public static Map<String, String> selector(String app, String instance) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put("app.kubernetes.io/name", app);
    l.put("app.kubernetes.io/instance", instance);
    return l;
  }
}
