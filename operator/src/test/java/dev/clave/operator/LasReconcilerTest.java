package dev.clave.operator;

import static dev.clave.operator.MockCluster.NAMESPACE;
import static dev.clave.operator.MockCluster.daemonSet;
import static dev.clave.operator.MockCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.clave.operator.las.Las;
import dev.clave.operator.las.LasNode;
import dev.clave.operator.model.Conditions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LAS resources on the mock server; the LAS pods' endpoints are real HTTP servers on loopback addresses
 * (127.0.0.2, 127.0.0.3: one per "node", all on the LAS's port, as pods on different nodes would be).
 */
@EnableKubernetesMockClient(crud = true)
class LasReconcilerTest {
  static KubernetesClient client;
  private static ClaveOperator operator;
  private final List<HttpServer> servers = new ArrayList<>();

  private static final String ID_A = "A1".repeat(32);
  private static final String ID_B = "b2".repeat(32);

  @BeforeAll
  static void start() {
    operator = MockCluster.start(client, OperatorConfig.defaults(), MockCluster.noCas());
  }

  @AfterAll
  static void stop() {
    operator.close();
  }

  @AfterEach
  void cleanUp() {
    servers.forEach(s -> s.stop(0));
    // A failed test must not leave an older LAS that makes the next one's an "AnotherInstance".
    client.resources(Las.class).delete();
    eventually().until(() -> client.resources(Las.class).list().getItems().isEmpty());
  }

  /** A LAS endpoint on {@code ip:port} (port 0: any) answering {@code body} to GET /v1/platform-id. */
  private int lasEndpoint(String ip, int port, String body) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(ip, port), 8);
    s.createContext("/v1/platform-id", ex -> {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    });
    s.start();
    servers.add(s);
    return s.getAddress().getPort();
  }

  private static Las las(String name, int port) {
    Las las = new Las();
    las.setMetadata(new ObjectMetaBuilder().withName(name).build());
    las.getSpec().setImage("clave:2.0");
    las.getSpec().setHostPort(port);
    las.getSpec().setMode("sim");
    return las;
  }

  private static Las get(String name) {
    return client.resources(Las.class).withName(name).get();
  }

  /** What the DaemonSet controller and kubelet would make: a running, ready LAS pod on {@code node}. */
  private static void lasPod(String lasName, String node, String ip) {
    Pod pod = new PodBuilder()
        .withNewMetadata().withName(lasName + "-las-" + node).withNamespace(NAMESPACE)
          .withLabels(Map.of("app.kubernetes.io/name", "clave-las", "app.kubernetes.io/instance", lasName)).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("las").withImage("clave:2.0").endContainer().endSpec()
        .build();
    client.pods().inNamespace(NAMESPACE).resource(pod).create();
    client.pods().inNamespace(NAMESPACE).withName(pod.getMetadata().getName()).editStatus(p -> {
      p.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withPodIP(ip)
          .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
      return p;
    });
  }

  @Test
  void aLasRunsOnEverySgxNodeOnItsHostPortAndReportsEachNodesPlatformId() throws Exception {
    int port = lasEndpoint("127.0.0.2", 0, "{\"platformId\":\"" + ID_A + "\"}");
    lasEndpoint("127.0.0.3", port, "{\"platformId\":\"" + ID_B + "\"}");
    client.resources(Las.class).resource(las("las", port)).create();

    eventually().until(() -> daemonSet(client, NAMESPACE, "las-las") != null);
    Container c = daemonSet(client, NAMESPACE, "las-las").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).containsExactly("las", "serve", "--listen", "0.0.0.0:" + port, "--state-dir", "/var/lib/clave/las");
    assertThat(c.getPorts().get(0).getHostPort()).isEqualTo(port);
    assertThat(c.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(org.assertj.core.groups.Tuple.tuple("SCONE_MODE", "sim"));
    assertThat(c.getResources().getLimits()).containsEntry("sgx.intel.com/enclave", new Quantity("1"));
    assertThat(c.getSecurityContext()).as("the device plugin's slot, not privileged mode").isNull();
    assertThat(daemonSet(client, NAMESPACE, "las-las").getSpec().getTemplate().getSpec().getNodeSelector())
        .containsEntry("sgx.intel.com/capable", "true");
    eventually().until(() -> "PENDING".equals(get("las").getStatus().getState()));

    lasPod("las", "node-a", "127.0.0.2");
    lasPod("las", "node-b", "127.0.0.3");
    MockCluster.markDaemonSetReady(client, NAMESPACE, "las-las", 2);

    eventually().until(() -> "HEALTHY".equals(get("las").getStatus().getState()));
    eventually().until(() -> get("las").getStatus().getNodes().size() == 2
        && get("las").getStatus().getNodes().values().stream().allMatch(n -> n.getPlatformId() != null));
    Las.Status status = get("las").getStatus();
    assertThat(status.getNodes().get("node-a").getPlatformId()).isEqualTo(ID_A);
    assertThat(io.fabric8.kubernetes.client.utils.Serialization.asJson(get("las")))
        .as("the original's field name").contains("\"publicKey\":\"" + ID_A + "\"");
    assertThat(status.getNodes().get("node-b").getPlatformId()).isEqualTo(ID_B.toUpperCase());
    assertThat(status.getNodes().values()).allMatch(LasNode::getIsReady);
    assertThat(status.getVersion()).isEqualTo("2.0");
    assertThat(status.getNumberAvailable()).isEqualTo(2);
    assertThat(Conditions.find(status, Conditions.READY).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(dev.clave.operator.las.LasPlatforms.ids(dev.clave.operator.las.LasPlatforms.in(client, NAMESPACE)))
        .as("what clave platforms --namespace prints").containsExactly(ID_A, ID_B.toUpperCase());
    assertThat(dev.clave.operator.las.LasPlatforms.in(client, "elsewhere")).isEmpty();

    MockCluster.retryOnConflict(() -> client.resources(Las.class).withName("las").edit(l -> {
      l.getSpec().setHostPort(port + 1);
      l.getSpec().setImage("clave:2.1");
      return l;
    }));
    eventually().until(() -> daemonSet(client, NAMESPACE, "las-las").getSpec().getTemplate().getSpec().getContainers().get(0)
        .getPorts().get(0).getHostPort() == port + 1);
    Container rolled = daemonSet(client, NAMESPACE, "las-las").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(rolled.getImage()).isEqualTo("clave:2.1");
    assertThat(rolled.getArgs()).contains("0.0.0.0:" + (port + 1));
    // The mock drops the DaemonSet's status with the update (an API server keeps it and the DaemonSet
    // controller reports the roll-out): either way the LAS is progressing again, not ready.
    eventually().until(() -> "PENDING".equals(get("las").getStatus().getState()));
    assertThat(Conditions.find(get("las").getStatus(), Conditions.PROGRESSING).orElseThrow().getStatus()).isEqualTo("True");

    client.resources(Las.class).withName("las").delete();
    eventually().until(() -> daemonSet(client, NAMESPACE, "las-las") == null && get("las") == null);
  }

  @Test
  void aLasThatGivesNoPlatformIdMakesTheResourceUnhealthyAndSaysWhichNode() throws Exception {
    int port = lasEndpoint("127.0.0.4", 0, "{\"platformId\":\"not hex\"}");
    client.resources(Las.class).resource(las("odd", port)).create();
    eventually().until(() -> daemonSet(client, NAMESPACE, "odd-las") != null);
    lasPod("odd", "node-c", "127.0.0.4");
    MockCluster.markDaemonSetReady(client, NAMESPACE, "odd-las", 1);

    eventually().until(() -> "UNHEALTHY".equals(get("odd").getStatus().getState()));
    LasNode node = get("odd").getStatus().getNodes().get("node-c");
    assertThat(node.getPlatformId()).isNull();
    assertThat(node.getErrorMessages()).singleElement().asString().contains("127.0.0.4:" + port).contains("no platform ID");
    assertThat(Conditions.find(get("odd").getStatus(), Conditions.DEGRADED).orElseThrow().getReason())
        .isEqualTo("PlatformIdUnreadable");
    client.resources(Las.class).withName("odd").delete();
    eventually().until(() -> get("odd") == null);
  }
}
