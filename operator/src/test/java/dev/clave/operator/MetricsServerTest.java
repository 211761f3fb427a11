package dev.clave.operator;

import static dev.clave.operator.MockCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.operator.sgxplugin.SgxPlugin;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The operator's own metrics endpoint counts the reconciliations it ran. */
@EnableKubernetesMockClient(crud = true)
class MetricsServerTest {
  static KubernetesClient client;

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsCountReconciliationsPerController() throws Exception {
    try (ClaveOperator operator = MockCluster.start(client, OperatorConfig.defaults(), MockCluster.noCas());
        MetricsServer server = MetricsServer.start("127.0.0.1", 0, operator.metrics(), operator::running)) {
      assertThat(get(server.port(), "/metrics").body()).doesNotContain("controller=\"sgxplugin\"");
      SgxPlugin p = new SgxPlugin();
      p.setMetadata(new ObjectMetaBuilder().withName("counted").build());
      client.resources(SgxPlugin.class).resource(p).create();

      eventually().untilAsserted(() -> assertThat(get(server.port(), "/metrics").body())
          .containsPattern("clave_operator_reconciliations_succeeded_total\\{controller=\"sgxplugin\"} [1-9]")
          .contains("clave_operator_controller_execution_seconds_count{controller=\"sgxplugin\",execution=\"reconcile\"}"));
      assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(server.port(), "/healthz").body()).isEqualTo("ok\n");
    }
  }
}
