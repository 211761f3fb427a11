package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clave platforms ADDR…}: asks each LAS for its platform ID and prints the list as a policy's
 * {@code platforms:} line, ready to paste — one command instead of the seed's bash/awk over pod logs.
 * {@code clave platforms --namespace NS}: the same from the LAS resources whose DaemonSet runs in NS, as the
 * operator recorded their nodes' platform IDs.
 */
@Command(
    name = "platforms",
    mixinStandardHelpOptions = true,
    description = {"Print the platform IDs of the LASes at ADDR… as a policy's platforms: line.",
        "With --namespace NS: of the operator's LASes running in NS (kubeconfig or in-cluster service account)."})
final class PlatformsCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "ADDR", description = "a LAS: host or host:port (port 18766 by default)")
  List<String> addresses = new ArrayList<>();

  @picocli.CommandLine.Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "read the platform IDs from the status of the LAS resources whose DaemonSet runs in NS")
  String namespace;

  /** The cluster to ask; tests replace it. */
  java.util.function.Supplier<io.fabric8.kubernetes.client.KubernetesClient> kubernetes =
      () -> new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();

  @Override
  public Integer call() throws Exception {
    if ((namespace == null) == addresses.isEmpty()) {
      throw new Errors.UserError("name the LASes (ADDR…) or their namespace (--namespace NS), one of the two");
    }
    if (namespace != null) {
      return fromCluster();
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    List<String> ids = new ArrayList<>();
    for (String addr : addresses) {
      String hostPort = addr.contains(":") && !addr.startsWith("[") || addr.contains("]:") ? addr : addr + ":18766";
      URI uri;
      try {
        uri = URI.create("http://" + hostPort + "/v1/platform-id");
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("not a LAS address: " + addr);
      }
      HttpResponse<String> res;
      try {
        res = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new Errors.UserError("cannot reach the LAS at " + hostPort + ": " + e.getMessage());
      }
      JsonNode n = res.statusCode() == 200 ? JSON.readTree(res.body()) : null;
      String id = n == null ? "" : n.path("platformId").asText("");
      if (!id.matches("[0-9A-Fa-f]{64}")) {
        throw new Errors.UserError("the LAS at " + hostPort + " did not answer with a platform ID (HTTP " + res.statusCode() + ")");
      }
      if (!ids.contains(id)) {
        ids.add(id);
      }
    }
    spec.commandLine().getOut().println("platforms: [" + String.join(", ", ids) + "]");
    return 0;
  }

  private int fromCluster() {
    List<dev.clave.operator.las.LasPlatforms.Platform> platforms;
    try (io.fabric8.kubernetes.client.KubernetesClient client = kubernetes.get()) {
      platforms = dev.clave.operator.las.LasPlatforms.in(client, namespace);
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      throw new Errors.UserError("cannot read the LAS resources: " + e.getMessage());
    }
    if (platforms.isEmpty()) {
      throw new Errors.UserError("no LAS of the Clave operator reports nodes in namespace " + namespace);
    }
    for (dev.clave.operator.las.LasPlatforms.Platform p : platforms) {
      if (p.platformId() == null) {
        spec.commandLine().getErr().println("clave: node " + p.node() + " (LAS " + p.las() + ") has no platform ID yet");
      }
    }
    List<String> ids = dev.clave.operator.las.LasPlatforms.ids(platforms);
    if (ids.isEmpty()) {
      throw new Errors.UserError("no LAS in namespace " + namespace + " has reported a platform ID yet");
    }
    spec.commandLine().getOut().println("platforms: [" + String.join(", ", ids) + "]");
    return 0;
  }
}
