package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.store.PostgresCluster;
import dev.clave.cas.store.PostgresDatabase;
import dev.clave.las.LasServer;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas of a PostgreSQL-backed CAS get the store's key through the same attested registration as backups
 * (issue #7): the first replica makes the key; a second one waits, serving only its key hash and quote, until a
 * running replica has attested it and wrapped the key for it; then it joins with the first one's identity.
 */
class CasReplicaRegistrationTest {
  @TempDir static Path sim;
  @TempDir Path dir;
  private static BackupTestKit.Platforms platforms;
  private static LasServer lasA;
  private static LasServer lasB;
  private CasServer a;
  private CasServer b;

  @BeforeAll
  static void platforms() throws Exception {
    platforms = new BackupTestKit.Platforms(sim, "a", "b");
    lasA = platforms.las("a");
    lasB = platforms.las("b");
  }

  @AfterAll
  static void stopLas() {
    platforms.close();
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("clave.cli.config");
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  private CasConfig replica(String name, LasServer las, PostgresDatabase db, int clientPort) {
    return platforms.cas(dir.resolve(name), las).withPorts(clientPort, 0)
        // no key_dir: the key comes from a registration
        .withStore(new CasConfig.Store(CasConfig.Store.Kind.POSTGRES, db.url(), db.user(), db.password(), null));
  }

  @Test
  void aSecondReplicaJoinsOnceARunningReplicaRegisteredIt() throws Exception {
    PostgresDatabase db = PostgresCluster.shared().newDatabase();
    a = CasServer.start(replica("a", lasA, db, 0));
    String addrA = BackupTestKit.provision(a, dir);
    Path session = Files.writeString(dir.resolve("shop.yaml"), """
        name: shop
        version: "0.3"
        services:
          - name: app
            mrenclaves: [9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504]
            command: ./app
            pwd: /
        """);
    assertThat(CliRun.of("session", "create", session.toString(), "--cas", addrA).exitCode()).isZero();

    int portB;
    try (ServerSocket s = new ServerSocket(0)) {
      portB = s.getLocalPort();
    }
    CompletableFuture<CasServer> starting = CompletableFuture.supplyAsync(() -> {
      try {
        return CasServer.start(replica("b", lasB, db, portB));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    // While it waits: its key hash and quote, and not ready.
    HttpResponse<String> info = awaitJoining(portB);
    assertThat(info.body()).contains("\"joining\":true");
    assertThat(BackupTestKit.get(portB, "/health/ready").statusCode()).isEqualTo(503);
    assertThat(BackupTestKit.get(portB, "/v1/cas/attestation").body()).contains("\"quote\"");
    assertThat(starting).isNotDone();

    CliRun r = CliRun.of("cas", "register-backup", "127.0.0.1:" + portB, "--cas", addrA, "-SCG");
    assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("Backup CAS registered").contains("platform " + lasB.platformId());

    b = starting.get(60, TimeUnit.SECONDS);
    assertThat(b.identity().keyHash()).as("the store's identity: one key hash for all replicas")
        .isEqualTo(a.identity().keyHash());
    CliConfig cli = CliConfig.loadOrCreate(dir.resolve("cli.json"));
    String addrB = "127.0.0.1:" + b.clientPort();
    cli.pin(addrB, a.identity().keyHash());
    cli.save();
    CliRun read = CliRun.of("session", "read", "shop", "--cas", addrB);
    assertThat(read.exitCode()).as(read.err()).isZero();
    assertThat(read.out()).contains("name: shop");
  }

  private static HttpResponse<String> awaitJoining(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        HttpResponse<String> r = BackupTestKit.get(port, "/v1/cas");
        if (r.statusCode() == 200) {
          return r;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("replica b never served its key hash on port " + port);
      }
      Thread.sleep(100);
    }
  }
}
