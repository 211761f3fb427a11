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

/** The owner reads and verifies the audit log over TLS; a CAS that lost or replaced its log is caught. */
class CasAuditCommandTest {
  @TempDir Path dir;
  private Path state;
  private Path ownerToml;

  @BeforeEach
  void setUp() throws Exception {
    state = dir.resolve("cas-state");
    ownerToml = Files.writeString(dir.resolve("owner.toml"), "[api_identity]\ncommon_name = \"mycas\"\n");
    System.setProperty("clave.cli.config", dir.resolve("owner-config.json").toString());
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("clave.cli.config");
  }

  private CasServer start() throws Exception {
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
  }

  private void provision(CasServer cas) {
    CliRun run = CliRun.of("cas", "provision", "127.0.0.1:" + cas.clientPort(), "-c", cas.identity().keyHash().toString(),
        "--token", cas.provisioningToken().orElseThrow(), "--config-file", ownerToml.toString(),
        "only_for_testing-without-attestation");
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  /** The CLI config names the CAS by address; a restarted CAS listens on new ports, so re-point it. */
  private CliRun cli(CasServer cas, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--cas";
    all[args.length + 1] = "127.0.0.1:" + cas.clientPort();
    return CliRun.of(all);
  }

  private void rememberAddress(CasServer cas) throws Exception {
    Path cfg = dir.resolve("owner-config.json");
    String json = Files.readString(cfg);
    String hash = cas.identity().keyHash().toString();
    Files.writeString(cfg, json.replace("\"defaultCas\"", "\"_old\"")
        .replace("\"cas\" : {", "\"cas\" : {\n    \"127.0.0.1:" + cas.clientPort() + "\" : {\"keyHash\" : \"" + hash + "\"},"));
  }

  @Test
  void theOwnerSeesEveryEventAndTheLogVerifiesAcrossRestarts() throws Exception {
    try (CasServer cas = start()) {
      provision(cas);
      assertThat(CliRun.of("cas", "update-config", "--config-file", ownerToml.toString()).exitCode()).isZero();
      CliRun log = cli(cas, "cas", "audit-log");
      assertThat(log.exitCode()).as(log.err()).isZero();
      assertThat(log.out().lines().toList()).hasSize(3);
      assertThat(log.out()).contains("\"type\":\"CAS_STARTED\"", "\"type\":\"PROVISIONED\"", "\"type\":\"CONFIG_UPDATED\"");
      assertThat(cli(cas, "cas", "verify-audit-log").exitCode()).isZero();
    }
    try (CasServer cas = start()) {
      rememberAddress(cas);
      CliRun verify = cli(cas, "cas", "verify-audit-log");
      assertThat(verify.exitCode()).as(verify.err()).isZero();
      assertThat(cli(cas, "cas", "audit-log", "--from", "3").out()).contains("CAS_STOPPED", "CAS_STARTED");
    }
  }

  @Test
  void aCasThatLostItsLogIsCaughtAsARollback() throws Exception {
    try (CasServer cas = start()) {
      provision(cas);
      assertThat(cli(cas, "cas", "verify-audit-log").exitCode()).isZero();
    }
    Files.delete(state.resolve("audit.log")); // the CAS forgets its history
    try (CasServer cas = start()) {
      rememberAddress(cas);
      CliRun verify = cli(cas, "cas", "verify-audit-log");
      assertThat(verify.exitCode()).isEqualTo(18);
      assertThat(verify.err()).contains("audit log verification failed (18)");
    }
  }

  @Test
  void aCasThatRewroteItsLogIsCaught() throws Exception {
    try (CasServer cas = start()) {
      provision(cas);
      assertThat(cli(cas, "cas", "verify-audit-log").exitCode()).isZero();
    }
    Files.delete(state.resolve("audit.log"));
    for (int i = 0; i < 3; i++) { // a new history, longer than the one the owner saw
      try (CasServer cas = start()) {
        cas.identity();
      }
    }
    try (CasServer cas = start()) {
      rememberAddress(cas);
      CliRun verify = cli(cas, "cas", "verify-audit-log");
      assertThat(verify.exitCode()).isIn(17, 18);
    }
  }

  @Test
  void strangersCannotReadTheLog() throws Exception {
    try (CasServer cas = start()) {
      provision(cas);
      System.setProperty("clave.cli.config", dir.resolve("stranger-config.json").toString());
      CliRun stranger = CliRun.of("cas", "audit-log", "--cas", "127.0.0.1:" + cas.clientPort());
      assertThat(stranger.exitCode()).isEqualTo(2);
    }
  }
}
