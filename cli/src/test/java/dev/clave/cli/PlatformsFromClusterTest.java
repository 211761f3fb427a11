package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.operator.las.Las;
import dev.clave.operator.las.LasNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code clave platforms --namespace NS}: the platform IDs the operator recorded in LAS status (mock API server). */
@EnableKubernetesMockClient(crud = true)
class PlatformsFromClusterTest {
  static KubernetesClient client;

  private static final String ID_A = "AB".repeat(32);
  private static final String ID_B = "CD".repeat(32);

  private CliRun run(String... args) {
    PlatformsCommand command = new PlatformsCommand();
    // The command closes the client it is given; give it one of its own on the same mock server.
    command.kubernetes = () -> new io.fabric8.kubernetes.client.KubernetesClientBuilder()
        .withConfig(client.getConfiguration()).build();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler(new Errors.Handler());
    return new CliRun(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void printsThePlatformIdsOfTheLasesInTheNamespace() {
    Las las = new Las();
    las.setMetadata(new ObjectMetaBuilder().withName("las").build());
    client.resources(Las.class).resource(las).create();
    client.resources(Las.class).withName("las").editStatus(l -> {
      l.getStatus().setNodes(Map.of("node-a", node(ID_A), "node-b", node(ID_B), "node-c", node(null)));
      return l;
    });
    client.apps().daemonSets().inNamespace("clave-system").resource(new DaemonSetBuilder()
        .withNewMetadata().withName("las-las").withLabels(Map.of("app.kubernetes.io/name", "clave-las",
            "app.kubernetes.io/instance", "las", "app.kubernetes.io/managed-by", "clave-operator")).endMetadata()
        .withNewSpec().endSpec().build()).create();

    CliRun ok = run("--namespace", "clave-system");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out().strip()).isEqualTo("platforms: [" + ID_A + ", " + ID_B + "]");
    assertThat(ok.err()).contains("node node-c (LAS las) has no platform ID yet");

    CliRun none = run("-n", "elsewhere");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("no LAS of the Clave operator reports nodes in namespace elsewhere");
  }

  @Test
  void eitherAddressesOrANamespace() {
    assertThat(run().err()).contains("one of the two");
    assertThat(run("-n", "x", "127.0.0.1:1").exitCode()).isEqualTo(2);
  }

  private static LasNode node(String id) {
    LasNode n = new LasNode();
    n.setPlatformId(id);
    n.setIsReady(true);
    return n;
  }
}
