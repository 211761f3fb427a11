package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.sim.SgxEnclaveSpec;
import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.cas.store.PostgresCluster;
import dev.clave.cas.store.PostgresDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real CAS servers (each with its own state directory, identity and ports) on one PostgreSQL database: what
 * one stores the other serves, attestation works through either, and racing updates have one winner.
 */
class CasReplicasTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MRENCLAVE = SgxEnclaveSpec.DEFAULT_MR_ENCLAVE.hex();

  @TempDir static Path sim;
  static String platformId;

  @TempDir Path root;
  private CasServer a;
  private CasServer b;
  private CasClient viaA;
  private CasClient viaB;

  @BeforeAll
  static void simulatedPlatform() throws Exception {
    SimInit.run(sim, SimInit.Options.defaults());
    platformId = SimInit.quote(sim, SimInit.QuoteOptions.defaults()).platformId().hex();
  }

  private PostgresDatabase db;
  private ClientIdentity me;

  @BeforeEach
  void startTwoReplicas() throws Exception {
    db = PostgresCluster.shared().newDatabase();
    a = start(db, "a");
    b = start(db, "b");
    me = ClientIdentity.generate();
    viaA = CasClient.connect("127.0.0.1:" + a.clientPort(), a.identity().keyHash(), me);
    viaB = CasClient.connect("127.0.0.1:" + b.clientPort(), b.identity().keyHash(), me);
  }

  private CasServer start(PostgresDatabase db, String replica) throws Exception {
    CasConfig.Store store = new CasConfig.Store(CasConfig.Store.Kind.POSTGRES, db.url(), db.user(), db.password(),
        root.resolve("shared-key"));
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(root.resolve(replica))
        .withHost("127.0.0.1").withPorts(0, 0)
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null,
            List.of(sim.resolve("root/root_ca.pem"))))
        .withStore(store));
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private static String policy(String name, String predecessor, String greeting) {
    return """
        name: %s
        version: "0.3"
        %s
        security:
          attestation:
            tolerate: [debug-mode]
            ignore_advisories: "*"
        services:
          - name: app
            mrenclaves: [%s]
            platforms: [%s]
            command: ./app --password $$SCONE::password$$
            environment:
              GREETING: %s
            pwd: /srv
        secrets:
          - name: password
            kind: ascii
            size: 16
        """.formatted(name, predecessor == null ? "" : "predecessor: " + predecessor, MRENCLAVE, platformId,
        greeting);
  }

  @Test
  void aSessionCreatedThroughOneReplicaIsReadAndAttestedThroughTheOther() throws Exception {
    HttpResponse<String> created = viaA.post("/session", "application/yaml", policy("shop", null, "hello"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

    HttpResponse<String> read = viaB.get("/v1/sessions/shop");
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
    String hash = JSON.readTree(read.body()).get("hash").asText();
    assertThat(JSON.readTree(viaA.get("/v1/sessions/shop").body()).get("hash").asText()).isEqualTo(hash);

    JsonNode fromB = JSON.readTree(attest(b, "shop/app").body());
    JsonNode fromA = JSON.readTree(attest(a, "shop/app").body());
    assertThat(fromB.get("config").get("environment").get("GREETING").asText()).isEqualTo("hello");
    // The generated secret was made once, by a, and both replicas deliver the same one.
    assertThat(fromB.get("config").get("argv")).isEqualTo(fromA.get("config").get("argv"));
    assertThat(fromB.get("config").get("argv").get(2).asText()).hasSize(16);

    // An update through b is what a attests next.
    assertThat(viaB.post("/session", "application/yaml", policy("shop", hash, "updated")).statusCode())
        .isEqualTo(201);
    assertThat(JSON.readTree(attest(a, "shop/app").body()).get("config").get("environment").get("GREETING").asText())
        .isEqualTo("updated");
  }

  @Test
  void racingUpdatesThroughBothReplicasHaveExactlyOne201() throws Exception {
    HttpResponse<String> created = viaA.post("/session", "application/yaml", policy("race", null, "v0"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String base = JSON.readTree(viaB.get("/v1/sessions/race").body()).get("hash").asText();
    int perReplica = 3;
    try (ExecutorService pool = Executors.newFixedThreadPool(2 * perReplica)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> results = new ArrayList<>();
      for (int i = 0; i < 2 * perReplica; i++) {
        CasClient via = i % 2 == 0 ? viaA : viaB;
        String body = policy("race", base, "candidate-" + i);
        results.add(pool.submit(() -> {
          start.await();
          return via.post("/session", "application/yaml", body);
        }));
      }
      start.countDown();
      List<Integer> statuses = new ArrayList<>();
      String winnerGreeting = null;
      for (int i = 0; i < results.size(); i++) {
        HttpResponse<String> r = results.get(i).get();
        statuses.add(r.statusCode());
        if (r.statusCode() == 201) {
          winnerGreeting = "candidate-" + i;
        } else {
          assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
        }
      }
      assertThat(statuses).as(statuses.toString()).filteredOn(s -> s == 201).hasSize(1);
      for (CasServer via : List.of(a, b)) {
        assertThat(JSON.readTree(attest(via, "race/app").body()).get("config").get("environment").get("GREETING")
            .asText()).isEqualTo(winnerGreeting);
      }
    }
  }

  @Test
  void aKilledReplicaLosesNothingItAcknowledged() throws Exception {
    // Replica k in its own JVM, killed with SIGKILL while it is writing: no shutdown hook, no close.
    Path kState = root.resolve("k");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), ReplicaProcess.class.getName(),
        kState.toString(), root.resolve("shared-key").toString(), sim.toString(), db.url(), db.user())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("CLAVE_CAS_DB_PASSWORD", db.password());
    Process k = pb.start();
    List<String> acknowledged = new ArrayList<>();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(
          new java.io.InputStreamReader(k.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String ready = out.readLine();
      while (ready != null && !ready.startsWith("READY ")) {
        ready = out.readLine();
      }
      assertThat(ready).as("replica k started").isNotNull();
      String[] f = ready.split(" ");
      CasClient viaK = CasClient.connect("127.0.0.1:" + f[1], dev.clave.policy.protect.KeyHash.parse(f[2]), me);
      try (ExecutorService writer = Executors.newSingleThreadExecutor()) {
        Future<?> writing = writer.submit(() -> {
          for (int i = 0; ; i++) {
            String name = "acked-" + i;
            HttpResponse<String> r;
            try {
              r = viaK.post("/session", "application/yaml", policy(name, null, "v" + i));
            } catch (java.io.IOException killed) {
              return null; // the replica died under this request: not acknowledged
            }
            if (r.statusCode() == 201) {
              synchronized (acknowledged) {
                acknowledged.add(name);
              }
            }
          }
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
          synchronized (acknowledged) {
            return acknowledged.size() >= 20;
          }
        });
        k.destroyForcibly().waitFor();
        writing.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      k.destroyForcibly();
    }
    List<String> acked;
    synchronized (acknowledged) {
      acked = List.copyOf(acknowledged);
    }
    assertThat(acked).hasSizeGreaterThanOrEqualTo(20);
    // Every session k acknowledged is served by the surviving replica ...
    for (String name : acked) {
      assertThat(viaB.get("/v1/sessions/" + name).statusCode()).as(name).isEqualTo(200);
    }
    // ... and by k itself once restarted on its old state: it catches up instead of refusing.
    PostgresDatabase same = db;
    try (CasServer restarted = start(same, "k")) {
      CasClient again = CasClient.connect("127.0.0.1:" + restarted.clientPort(), restarted.identity().keyHash(), me);
      for (String name : acked) {
        assertThat(again.get("/v1/sessions/" + name).statusCode()).as(name).isEqualTo(200);
      }
      assertThat(JSON.readTree(attest(restarted, acked.get(0) + "/app").body()).get("config").get("environment")
          .get("GREETING").asText()).isEqualTo("v0");
    }
  }

  /** The enclave's side: a fresh TLS identity, a quote binding its certificate, the request to {@code cas}. */
  private static HttpResponse<String> attest(CasServer cas, String configId) throws Exception {
    ClientIdentity enclave = ClientIdentity.generate();
    byte[] reportData = Attestation.sha512(enclave.certificate().getEncoded());
    byte[] quote = SimInit.quote(sim, SimInit.QuoteOptions.defaults().withReportData(Bytes.of(reportData))).quote();
    String body = JSON.createObjectNode()
        .put("configId", configId)
        .put("quote", Base64.getEncoder().encodeToString(quote))
        .toString();
    HttpResponse<String> r = CasClient.connect("127.0.0.1:" + cas.enclavePort(), cas.identity().keyHash(), enclave)
        .post("/v1/attest", "application/json", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r;
  }
}
