package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions on a real CAS over TLS, by the owner and by a stranger, through the CLI. */
class SessionRemoteCommandTest {
  private static final String MRE = "9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";

  @TempDir Path dir;
  private CasServer cas;
  private String addr;

  @BeforeEach
  void startAndProvision() throws Exception {
    cas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(dir.resolve("state")).withHost("127.0.0.1").withPorts(0, 0));
    addr = "127.0.0.1:" + cas.clientPort();
    as("alice");
    Path owner = Files.writeString(dir.resolve("owner.toml"), "[api_identity]\ncommon_name = \"cas\"\n");
    assertThat(CliRun.of("cas", "provision", addr, "-c", cas.identity().keyHash().toString(), "--token",
        cas.provisioningToken().orElseThrow(), "--config-file", owner.toString(), "only_for_testing-without-attestation")
        .exitCode()).isZero();
  }

  @AfterEach
  void stop() {
    cas.close();
    System.clearProperty("clave.cli.config");
  }

  /** Switches the CLI identity; every identity knows this CAS by its key hash. */
  private void as(String who) throws Exception {
    Path cfg = dir.resolve(who + ".json");
    System.setProperty("clave.cli.config", cfg.toString());
    if (!Files.exists(cfg)) {
      CliConfig c = CliConfig.loadOrCreate(cfg);
      c.remember(addr, cas.identity().keyHash());
      c.save();
    }
  }

  private Path policy(String name, String command) throws Exception {
    return Files.writeString(dir.resolve(name + ".yaml"), """
        name: %s
        version: "0.3"
        services:
          - name: app
            mrenclaves: [%s]
            command: %s
            pwd: /
        secrets:
          - name: password
            kind: ascii
        """.formatted(name, MRE, command));
  }

  @Test
  void theCreatorCreatesReadsUpdatesListsAndDeletes() throws Exception {
    Path v1 = policy("shop", "./app --v1");
    CliRun created = CliRun.of("session", "create", v1.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    String hash1 = created.out().strip();
    assertThat(hash1).matches("[0-9a-f]{64}");

    CliRun again = CliRun.of("session", "create", v1.toString());
    assertThat(again.exitCode()).as("the same policy again: already done").isZero();
    assertThat(again.out().strip()).isEqualTo(hash1);
    String v1Text = Files.readString(v1);
    Path different = Files.writeString(dir.resolve("other.yaml"), v1Text.replace("./app --v1", "./app --other"));
    CliRun other = CliRun.of("session", "create", different.toString());
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("(409)", "exists already");

    CliRun read = CliRun.of("session", "read", "shop");
    assertThat(read.exitCode()).isZero();
    assertThat(read.out()).isEqualTo(Files.readString(v1));

    CliRun updated = CliRun.of("session", "update", policy("shop", "./app --v2").toString());
    assertThat(updated.exitCode()).as(updated.err()).isZero();
    String hash2 = updated.out().strip();
    assertThat(hash2).isNotEqualTo(hash1);
    assertThat(CliRun.of("session", "read", "shop").out()).contains("--v2", "predecessor: " + hash1);
    assertThat(CliRun.of("session", "read", "shop", "--hash", hash1).out()).contains("--v1");

    assertThat(CliRun.of("session", "list").out().lines().toList()).containsExactly("shop");
    assertThat(CliRun.of("session", "delete", "shop").exitCode()).isZero();
    assertThat(CliRun.of("session", "read", "shop").exitCode()).isEqualTo(1);
  }

  @Test
  void aStrangerCanNeitherReadNorUpdateNorDelete() throws Exception {
    assertThat(CliRun.of("session", "create", policy("private", "./app").toString()).exitCode()).isZero();
    as("mallory");
    CliRun read = CliRun.of("session", "read", "private");
    assertThat(read.exitCode()).isEqualTo(1);
    assertThat(read.err()).contains("(403)", "does not let this client");
    assertThat(CliRun.of("session", "update", policy("private", "./evil").toString()).exitCode()).isEqualTo(1);
    assertThat(CliRun.of("session", "delete", "private").exitCode()).isEqualTo(1);
    assertThat(CliRun.of("session", "list").out()).doesNotContain("private");
  }

  @Test
  void aStalePredecessorIsRefusedAndAnInvalidPolicyNamesItsProblems() throws Exception {
    String hash1 = CliRun.of("session", "create", policy("doc", "./app").toString()).out().strip();
    assertThat(CliRun.of("session", "update", policy("doc", "./app --x").toString()).exitCode()).isZero();
    Path stale = Files.writeString(dir.resolve("stale.yaml"),
        Files.readString(policy("doc", "./app --y")) + "predecessor: " + hash1 + "\n");
    CliRun refused = CliRun.of("session", "create", stale.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("(409)", "was changed since this update was written", "current hash is");

    Path bad = Files.writeString(dir.resolve("bad.yaml"), "name: bad\nversion: \"0.3\"\nservcies: []\n");
    CliRun invalid = CliRun.of("session", "create", bad.toString());
    assertThat(invalid.exitCode()).isEqualTo(1);
    assertThat(invalid.err()).contains("policy:3:1: unknown key `servcies`", "(400)");
  }

  @Test
  void ofTwoRacingUpdatesExactlyOneWins() throws Exception {
    String hash1 = CliRun.of("session", "create", policy("race", "./app").toString()).out().strip();
    List<Callable<CliRun>> racers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Path p = Files.writeString(dir.resolve("race" + i + ".yaml"),
          Files.readString(policy("race", "./app --racer-" + i)) + "predecessor: " + hash1 + "\n");
      racers.add(() -> CliRun.of("session", "create", p.toString()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(racers.size());
    try {
      int won = 0;
      for (Future<CliRun> f : pool.invokeAll(racers)) {
        CliRun r = f.get();
        if (r.exitCode() == 0) {
          won++;
        } else {
          assertThat(r.err()).contains("(409)");
        }
      }
      assertThat(won).isEqualTo(1);
    } finally {
      pool.shutdown();
    }
  }
}
