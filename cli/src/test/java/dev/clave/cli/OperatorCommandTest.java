package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.client.ClientIdentity;
import dev.clave.operator.LeaderElection;
import dev.clave.operator.OperatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code clave operator serve | crds}: options and output (the operator itself is tested in its module). */
class OperatorCommandTest {
  @TempDir Path dir;

  private static OperatorCommand.Serve parsed(Map<String, String> env, String... args) {
    OperatorCommand.Serve serve = new OperatorCommand.Serve();
    new CommandLine(serve).parseArgs(args);
    serve.env = env;
    return serve;
  }

  @Test
  void defaultsAndEnvironment() throws Exception {
    OperatorConfig defaults = parsed(Map.of()).config();
    assertThat(defaults.namespace()).isEqualTo("clave-system");
    assertThat(defaults.defaultImage()).isEqualTo("clave:latest");
    assertThat(defaults.casKeyHashes()).isEmpty();
    OperatorConfig fromScone = parsed(Map.of("SCONE_OPERATOR_NAMESPACE", "scone-system")).config();
    assertThat(fromScone.namespace()).isEqualTo("scone-system");
    OperatorConfig fromClave = parsed(Map.of("SCONE_OPERATOR_NAMESPACE", "scone-system", "CLAVE_OPERATOR_NAMESPACE", "ops",
        "CLAVE_OPERATOR_IMAGE", "reg/clave:2")).config();
    assertThat(fromClave.namespace()).isEqualTo("ops");
    assertThat(fromClave.defaultImage()).isEqualTo("reg/clave:2");
  }

  @Test
  void optionsReachTheConfiguration() throws Exception {
    ClientIdentity id = ClientIdentity.generate();
    Path pem = dir.resolve("operator.pem");
    Files.writeString(pem, id.toPem());
    String hash = ClientIdentity.generate().keyHash().toString();
    OperatorConfig c = parsed(Map.of("CLAVE_OPERATOR_NAMESPACE", "ignored"), "--namespace", "sgx", "--image", "clave:9",
        "--cas-key-hash", "https://cas.apps:8081=" + hash, "--identity", pem.toString(), "--probe-interval", "5s").config();
    assertThat(c.namespace()).isEqualTo("sgx");
    assertThat(c.defaultImage()).isEqualTo("clave:9");
    assertThat(c.casKeyHashes()).containsOnlyKeys("https://cas.apps:8081");
    assertThat(c.casKeyHashes().get("https://cas.apps:8081").toString()).isEqualTo(hash);
    assertThat(c.identity().keyHash()).isEqualTo(id.keyHash());
    assertThat(c.probeInterval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void leaderElectionIsOnInAClusterAndUsesTheOperatorsNamespaceAndPodName() throws Exception {
    // By hand against a kubeconfig (no namespace from the environment): one operator, no election.
    OperatorCommand.Serve byHand = parsed(Map.of("HOSTNAME", "laptop"));
    assertThat(byHand.leaderElection(byHand.config())).isNull();
    // In a cluster (the chart sets the namespace from the pod's): on, the Lease in that namespace, held by the pod.
    OperatorCommand.Serve inCluster = parsed(Map.of("CLAVE_OPERATOR_NAMESPACE", "ops", "HOSTNAME", "clave-operator-5d9c-x2k4q"));
    LeaderElection e = inCluster.leaderElection(inCluster.config());
    assertThat(e.leaseName()).isEqualTo("clave-operator-lease");
    assertThat(e.namespace()).isEqualTo("ops");
    assertThat(e.identity()).isEqualTo("clave-operator-5d9c-x2k4q");
    OperatorCommand.Serve scone = parsed(Map.of("SCONE_OPERATOR_NAMESPACE", "scone-system"));
    assertThat(scone.leaderElection(scone.config()).namespace()).isEqualTo("scone-system");
    assertThat(scone.leaderElection(scone.config()).identity()).as("no HOSTNAME: a random one").startsWith("clave-operator-");
    // Options override the default either way.
    OperatorCommand.Serve off = parsed(Map.of("CLAVE_OPERATOR_NAMESPACE", "ops"), "--no-leader-election");
    assertThat(off.leaderElection(off.config())).isNull();
    OperatorCommand.Serve on = parsed(Map.of("HOSTNAME", "h"), "--leader-election", "--lease-name", "my-lease", "--namespace", "sgx");
    LeaderElection forced = on.leaderElection(on.config());
    assertThat(forced.leaseName()).isEqualTo("my-lease");
    assertThat(forced.namespace()).isEqualTo("sgx");
    assertThat(forced.identity()).isEqualTo("h");
    OperatorCommand.Serve bad = parsed(Map.of(), "--leader-election", "--lease-name", "Not_A_Name");
    assertThatThrownBy(() -> bad.leaderElection(bad.config())).hasMessageContaining("--lease-name");
  }

  @Test
  void badOptionsAreRefusedWithTheOptionsName() {
    assertThatThrownBy(() -> parsed(Map.of(), "--cas-key-hash", "no-hash").config())
        .hasMessageContaining("--cas-key-hash").hasMessageContaining("ADDR=HASH");
    assertThatThrownBy(() -> parsed(Map.of(), "--cas-key-hash", "cas=notbase58!").config())
        .hasMessageContaining("key hash");
    assertThatThrownBy(() -> parsed(Map.of(), "--metrics-listen", "0.0.0.0:http").metricsAddress())
        .hasMessageContaining("--metrics-listen");
    CliRun run = CliRun.of("operator", "serve", "--cas-key-hash", "nope");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--cas-key-hash").doesNotContain("Exception", "\tat ");
  }

  @Test
  void crdsPrintsEveryResourceDefinition() {
    CliRun run = CliRun.of("operator", "crds");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("name: \"sgxplugins.base.clave.dev\"", "name: \"las.base.clave.dev\"",
        "name: \"cas.services.clave.dev\"", "name: \"signedpolicies.cas.clave.dev\"", "name: \"encryptedpolicies.cas.clave.dev\"");
    assertThat(run.out().split("(?m)^---$")).hasSize(6);
  }
}
