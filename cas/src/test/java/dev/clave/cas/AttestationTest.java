package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.sim.SgxEnclaveSpec;
import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Services attest to a real CAS over TLS with simulated quotes: the configuration is delivered only to the
 * enclave whose quote binds this connection's certificate, and each refusal comes back with its kind.
 */
class AttestationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MRENCLAVE = SgxEnclaveSpec.DEFAULT_MR_ENCLAVE.hex();

  @TempDir static Path sim;
  static String platformId;

  @TempDir Path state;
  private CasServer cas;
  private CasClient owner;

  @BeforeAll
  static void simulatedPlatform() throws Exception {
    SimInit.run(sim, SimInit.Options.defaults());
    platformId = SimInit.quote(sim, SimInit.QuoteOptions.defaults()).platformId().hex();
  }

  @BeforeEach
  void start() throws Exception {
    cas = start(true);
    ClientIdentity me = ClientIdentity.generate();
    owner = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), me);
  }

  private CasServer start(boolean trustSimulation) throws Exception {
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0)
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null,
            trustSimulation ? List.of(sim.resolve("root/root_ca.pem")) : List.of())));
  }

  @AfterEach
  void stop() {
    cas.close();
  }

  private void createSession(String name, String mrenclave, String tolerate, String platform) throws Exception {
    String policy = """
        name: %s
        version: "0.3"
        security:
          attestation:
            tolerate: [%s]
            ignore_advisories: %s
        services:
          - name: app
            mrenclaves: [%s]
            platforms: [%s]
            command: ./app --password $$SCONE::password$$ @@1
            environment:
              GREETING: hello
            pwd: /srv
        images: []
        secrets:
          - name: password
            kind: ascii
            value: s3cr3t
        """.formatted(name, tolerate, tolerate.contains("debug-mode") ? "\"*\"" : "[]", mrenclave, platform);
    HttpResponse<String> r = owner.post("/session", "application/yaml", policy);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  /** The enclave's side: a fresh TLS identity, a quote binding its certificate, the request. */
  private HttpResponse<String> attest(String configId, SimInit.QuoteOptions options, boolean bind) throws Exception {
    ClientIdentity enclave = ClientIdentity.generate();
    byte[] reportData = bind ? Attestation.sha512(enclave.certificate().getEncoded()) : new byte[64];
    byte[] quote = SimInit.quote(sim, options.withReportData(Bytes.of(reportData))).quote();
    String body = JSON.createObjectNode()
        .put("configId", configId)
        .put("quote", Base64.getEncoder().encodeToString(quote))
        .set("hostArguments", JSON.valueToTree(List.of("./app", "first-argument")))
        .toString();
    return CasClient.connect("127.0.0.1:" + cas.enclavePort(), cas.identity().keyHash(), enclave)
        .post("/v1/attest", "application/json", body);
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void theRightEnclaveOnATrustedPlatformGetsItsConfiguration() throws Exception {
    createSession("shop", MRENCLAVE, "debug-mode", platformId);
    HttpResponse<String> r = attest("shop/app", SimInit.QuoteOptions.defaults(), true);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode config = json(r).get("config");
    assertThat(config.get("argv").toString()).isEqualTo("[\"./app\",\"--password\",\"s3cr3t\",\"first-argument\"]");
    assertThat(config.get("environment").get("GREETING").asText()).isEqualTo("hello");
    assertThat(config.get("pwd").asText()).isEqualTo("/srv");

    assertThat(attest("shop/app", SimInit.QuoteOptions.defaults(), true).statusCode()).isEqualTo(200);
    String metrics = owner.get("/metrics").body();
    assertThat(metrics)
        .contains("clave_cas_attestations_total{outcome=\"ALLOWED\"} 2.0")
        .contains("clave_cas_collateral_cache_misses_total 1.0")
        .contains("clave_cas_collateral_cache_hits_total 1.0")
        .contains("clave_cas_sessions 1.0")
        .containsPattern("clave_cas_attestation_seconds_count(\\{[^}]*\\})? 2");
  }

  @Test
  void theNextAttestationSeesAnUpdateOrDeletionAtOnce() throws Exception {
    createSession("moving", MRENCLAVE, "debug-mode", platformId);
    assertThat(attest("moving/app", SimInit.QuoteOptions.defaults(), true).statusCode()).isEqualTo(200);
    String hash = JSON.readTree(owner.get("/v1/sessions/moving").body()).get("hash").asText();
    String updated = """
        name: moving
        version: "0.3"
        predecessor: %s
        security: {attestation: {tolerate: [debug-mode], ignore_advisories: "*"}}
        services:
          - name: app
            mrenclaves: [%s]
            platforms: [%s]
            command: ./app
            pwd: /
        """.formatted(hash, "00".repeat(32), platformId);
    assertThat(owner.post("/session", "application/yaml", updated).statusCode()).isEqualTo(201);
    assertRefused(attest("moving/app", SimInit.QuoteOptions.defaults(), true), 403, "POLICY_DENIED", "MRENCLAVE");
    assertThat(owner.delete("/v1/sessions/moving").statusCode()).isEqualTo(200);
    assertRefused(attest("moving/app", SimInit.QuoteOptions.defaults(), true), 404, "UNKNOWN_SESSION", "no session moving");
  }

  @Test
  void eachRefusalComesBackWithItsKind() throws Exception {
    createSession("wrong-mre", "00".repeat(32), "debug-mode", platformId);
    createSession("other-platform", MRENCLAVE, "debug-mode", "ab".repeat(32));
    createSession("no-debug", MRENCLAVE, "outdated-tcb", platformId);
    createSession("strict-tcb", MRENCLAVE, "debug-mode", platformId);

    assertRefused(attest("nowhere/app", SimInit.QuoteOptions.defaults(), true), 404, "UNKNOWN_SESSION", "no session nowhere");
    assertRefused(attest("wrong-mre/nope", SimInit.QuoteOptions.defaults(), true), 404, "UNKNOWN_SERVICE", "no service nope");
    assertRefused(attest("wrong-mre/app", SimInit.QuoteOptions.defaults(), true), 403, "POLICY_DENIED", "MRENCLAVE");
    assertRefused(attest("other-platform/app", SimInit.QuoteOptions.defaults(), true), 403, "POLICY_DENIED", "platform");
    assertRefused(attest("no-debug/app", SimInit.QuoteOptions.defaults(), true), 403, "POLICY_DENIED", "simulated enclave");
    // SVN 3 of the simulation ladder is OutOfDate: tolerated only with outdated-tcb.
    assertRefused(attest("strict-tcb/app", SimInit.QuoteOptions.defaults().withSvn(3), true), 403, "POLICY_DENIED", "OutOfDate");
    assertRefused(attest("strict-tcb/app", SimInit.QuoteOptions.defaults(), false), 403, "REPORT_DATA_NOT_BOUND",
        "not SHA-512 of this connection's TLS certificate");
  }

  @Test
  void withoutTheSimulationRootASimulatedQuoteIsRefused() throws Exception {
    cas.close();
    cas = start(false);
    owner = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), ClientIdentity.generate());
    createSession("shop", MRENCLAVE, "debug-mode", platformId);
    assertRefused(attest("shop/app", SimInit.QuoteOptions.defaults(), true), 403, "QUOTE_REFUSED", "PCK_CHAIN_UNTRUSTED");
  }

  private static void assertRefused(HttpResponse<String> r, int status, String outcome, String why) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode n = json(r);
    assertThat(n.get("outcome").asText()).isEqualTo(outcome);
    assertThat(n.get("error").asText()).contains(why);
    assertThat(n.has("config")).isFalse();
  }
}
