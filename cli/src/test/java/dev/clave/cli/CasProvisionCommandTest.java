package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning a real CAS over TLS with the CLI: right, wrong token, wrong key hash, twice, after a restart. */
class CasProvisionCommandTest {
  @TempDir Path dir;
  private Path state;
  private Path ownerToml;

  @BeforeEach
  void setUp() throws Exception {
    state = dir.resolve("cas-state");
    ownerToml = Files.writeString(dir.resolve("owner.toml"), """
        [api_identity]
        common_name = "mycas"
        alt_names = ["mycas", "cas", "localhost"]

        [dcap]
        subscription_key = "00000000000000000000000000000000"
        """);
    useCliConfig("owner");
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("clave.cli.config");
  }

  private void useCliConfig(String who) {
    System.setProperty("clave.cli.config", dir.resolve(who + "-config.json").toString());
  }

  private CasServer start() throws Exception {
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
  }

  private static String token(CasServer cas) {
    return cas.provisioningToken().orElseThrow();
  }

  private CliRun provision(CasServer cas, String keyHash, String token) {
    return CliRun.of("cas", "provision", "127.0.0.1:" + cas.clientPort(), "-c", keyHash, "--token", token,
        "--config-file", ownerToml.toString(), "only_for_testing-without-attestation");
  }

  @Test
  void theFirstClientWithTheTokenBecomesTheOwnerAndNobodyAfterIt() throws Exception {
    try (CasServer cas = start()) {
      String hash = cas.identity().keyHash().toString();
      CliRun ok = provision(cas, hash, token(cas));
      assertThat(ok.exitCode()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("Done, CAS configuration was successfully provisioned. You are now the owner of the CAS.");
      assertThat(Files.readString(dir.resolve("owner-config.json"))).contains(hash);

      CliRun again = provision(cas, hash, "0".repeat(32));
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err()).contains("(409)", "provisioned already");

      useCliConfig("stranger");
      CliRun stranger = CliRun.of("cas", "update-config", "--config-file", ownerToml.toString(), "--cas", "127.0.0.1:" + cas.clientPort());
      assertThat(stranger.exitCode()).isEqualTo(2); // the stranger's CLI does not know this CAS
      useCliConfig("owner");
      CliRun update = CliRun.of("cas", "update-config", "--config-file", ownerToml.toString());
      assertThat(update.exitCode()).as(update.err()).isZero();
    }
    try (CasServer restarted = start()) {
      assertThat(restarted.provisioningToken()).isEmpty();
      CliRun after = provision(restarted, restarted.identity().keyHash().toString(), "0".repeat(32));
      assertThat(after.exitCode()).isEqualTo(1);
      assertThat(after.err()).contains("(409)");
    }
  }

  @Test
  void aWrongTokenIsRefusedAndTheRightOneStillWorks() throws Exception {
    try (CasServer cas = start()) {
      String hash = cas.identity().keyHash().toString();
      CliRun wrong = provision(cas, hash, "0".repeat(32));
      assertThat(wrong.exitCode()).isEqualTo(1);
      assertThat(wrong.err()).contains("(403)", "not this CAS's");
      assertThat(provision(cas, hash, token(cas)).exitCode()).isZero();
    }
  }

  @Test
  void anotherKeyHashIsRefusedBeforeAnythingIsSent() throws Exception {
    try (CasServer cas = start()) {
      String other = "3s1pm8W6Be6cxvAQRbRP5YXd9YuERAr7KswN97uGtoPkRW87x1";
      CliRun run = provision(cas, other, token(cas));
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("not the pinned CAS key hash " + other, "nothing was sent");
      assertThat(cas.provisioningToken()).isPresent(); // still unprovisioned
    }
  }

  @Test
  void withAttestationACasThatCannotBeAttestedIsNotProvisioned() throws Exception {
    try (CasServer cas = start()) {
      CliRun run = CliRun.of("cas", "provision", "127.0.0.1:" + cas.clientPort(), "-c", cas.identity().keyHash().toString(),
          "--token", token(cas), "--config-file", ownerToml.toString(), "with-attestation", "-GCS",
          "--only_for_testing-debug", "--only_for_testing-ignore-signer", "--only_for_testing-trust-any");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("Error: Error during attestation of CAS", "has no quote to show (HTTP 404)");
      assertThat(cas.provisioningToken()).as("nothing was sent after the refusal").isPresent();
      assertThat(provision(cas, cas.identity().keyHash().toString(), token(cas)).exitCode()).isZero();
    }
  }
}
