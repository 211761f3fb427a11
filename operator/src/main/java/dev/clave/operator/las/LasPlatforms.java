package dev.clave.operator.las;

import dev.clave.operator.Workloads;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The platform IDs of the LASes running in a namespace, as the operator recorded them in LAS status: what a
 * policy's {@code platforms:} lists (the original's users scraped them from pod logs).
 */
public final class LasPlatforms {
  private LasPlatforms() {}

  /** One node's LAS, as the status has it. */
  public record Platform(String las, String node, String platformId) {}

  /** Every node of every LAS whose DaemonSet runs in {@code namespace}, including nodes without an ID yet. */
  public static List<Platform> in(KubernetesClient client, String namespace) {
    List<Platform> out = new ArrayList<>();
    for (DaemonSet ds : client.apps().daemonSets().inNamespace(namespace)
        .withLabels(Map.of("app.kubernetes.io/name", LasDaemonSet.APP, Workloads.MANAGED_BY, Workloads.OPERATOR)).list().getItems()) {
      String name = ds.getMetadata().getLabels().get("app.kubernetes.io/instance");
      Las las = name == null ? null : client.resources(Las.class).withName(name).get();
      if (las == null || las.getStatus() == null) {
        continue;
      }
      las.getStatus().getNodes().forEach((node, n) -> out.add(new Platform(name, node, n.getPlatformId())));
    }
    return out;
  }

  /** The distinct platform IDs among {@code platforms}, sorted. */
  public static List<String> ids(List<Platform> platforms) {
    TreeSet<String> ids = new TreeSet<>();
    platforms.stream().map(Platform::platformId).filter(java.util.Objects::nonNull).forEach(ids::add);
    return List.copyOf(ids);
  }
}
