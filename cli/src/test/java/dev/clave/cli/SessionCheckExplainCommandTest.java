package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.policy.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clave session check} and {@code clave session explain}, including the whole simulated flow: a
 * simulated quote, verified by {@code quote verify --json}, explained against a policy.
 */
class SessionCheckExplainCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MRE = "9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";

  @TempDir static Path dir;
  static Path simEvidence;
  static String simMrenclave;

  @BeforeAll
  static void simulatedEvidence() throws Exception {
    Path sim = dir.resolve("sim");
    assertThat(CliRun.of("sim", "init", "--dir", sim.toString()).exitCode()).isZero();
    Path quote = dir.resolve("q.bin");
    assertThat(CliRun.of("sim", "quote", "--dir", sim.toString(), "--out", quote.toString()).exitCode()).isZero();
    CliRun verified = CliRun.of("quote", "verify", quote.toString(), "--collateral", sim.resolve("collateral").toString(),
        "--trust-root", sim.resolve("root/root_ca.pem").toString(), "--json");
    assertThat(verified.exitCode()).as(verified.err()).isZero();
    simEvidence = Files.writeString(dir.resolve("evidence.json"), verified.out());
    simMrenclave = JSON.readTree(verified.out()).get("mrenclave").asText();
  }

  private static Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String policy(String mrenclave, String tolerate) {
    return """
        name: demo
        version: "0.3.10"
        security:
          attestation:
            tolerate: [%s]
        services:
          - name: web
            image_name: web_image
            mrenclaves: [%s]
            command: ./web --port 8443 --db-password $$SCONE::db_password$$ @@1
            environment:
              DB_KEY: $$SCONE::db_key:hex$$
              \\@\\@HOSTNAME: ""
            pwd: /srv
        images:
          - name: web_image
            injection_files:
              - path: /etc/web/key.pem
                permission: 0o400
                content: $$SCONE::tls_key:pem$$
        secrets:
          - name: db_password
            kind: ascii
            size: 24
          - name: db_key
            kind: binary
            size: 16
          - name: tls_key
            kind: private-key
        """.formatted(tolerate, mrenclave);
  }

  @Test
  void checkPrintsNameAndTheHashTheParserComputes() throws Exception {
    Path p = write("ok.yaml", policy(MRE, "debug-mode"));
    CliRun run = CliRun.of("session", "check", p.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    String hash = PolicyParser.parse(Files.readString(p), p.toString()).hash();
    assertThat(run.out()).contains("name: demo", "hash: " + hash, "services: web");

    JsonNode json = JSON.readTree(CliRun.of("session", "check", p.toString(), "--json").out());
    assertThat(json.get("valid").asBoolean()).isTrue();
    assertThat(json.get("hash").asText()).isEqualTo(hash);
  }

  @Test
  void checkListsEveryProblemWithItsPositionAndExitsOne() throws Exception {
    Path p = write("bad.yaml", "name: demo\nversion: \"0.3\"\nservcies: []\nsecrets:\n  - name: x\n    kind: pgp-key\n");
    CliRun run = CliRun.of("session", "check", p.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains(
        p + ":3:1: unknown key `servcies` in the policy; did you mean `services`?",
        p + ":6:11: secret x: kind pgp-key is not supported by Clave yet",
        "clave: " + p + ": 2 problems");
    JsonNode json = JSON.readTree(CliRun.of("session", "check", p.toString(), "--json").out());
    assertThat(json.get("valid").asBoolean()).isFalse();
    assertThat(json.get("problems")).hasSize(2);
    assertThat(json.get("problems").get(0).get("line").asInt()).isEqualTo(3);
  }

  @Test
  void checkRendersTemplateVariablesAndRefusesMissingOnes() throws Exception {
    Path p = write("tmpl.yaml", "name: $NAME\nversion: \"0.3\"\n");
    CliRun ok = CliRun.of("session", "check", p.toString(), "-e", "NAME=from-template");
    assertThat(ok.exitCode()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("name: from-template");
    CliRun missing = CliRun.of("session", "check", p.toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("NAME").contains("line 1");
  }

  @Test
  void explainAllowsTheSimulatedEnclaveOnlyWhereDebugModeIsTolerated() throws Exception {
    Path tolerant = write("sim-ok.yaml", policy(simMrenclave, "debug-mode"));
    CliRun allowed = CliRun.of("session", "explain", tolerant.toString(), "--service", "web", "--evidence",
        simEvidence.toString(), "--host-arg", "first-host-arg", "--host-env", "HOSTNAME=node-7");
    assertThat(allowed.exitCode()).as(allowed.err()).isZero();
    assertThat(allowed.out()).contains(
        "allowed",
        "command: ./web --port 8443 --db-password '$$SCONE::db_password$$' first-host-arg",
        "DB_KEY=$$SCONE::db_key:hex$$",
        "HOSTNAME=node-7",
        "/etc/web/key.pem (0o400",
        "secret values masked");

    Path strict = write("sim-strict.yaml", policy(simMrenclave, "outdated-tcb"));
    CliRun denied = CliRun.of("session", "explain", strict.toString(), "--service", "web", "--evidence",
        simEvidence.toString());
    assertThat(denied.exitCode()).isEqualTo(1);
    assertThat(denied.out()).contains("denied", "simulated enclave", "debug-mode").doesNotContain("command:");
  }

  @Test
  void explainShowsSecretValuesOnlyWhenAsked() throws Exception {
    Path p = write("sim-show.yaml", policy(simMrenclave, "debug-mode"));
    CliRun run = CliRun.of("session", "explain", p.toString(), "--service", "web", "--evidence", simEvidence.toString(),
        "--host-arg", "x", "--show-secrets", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = JSON.readTree(run.out());
    assertThat(json.get("allowed").asBoolean()).isTrue();
    JsonNode config = json.get("config");
    assertThat(config.get("argv").get(4).asText()).hasSize(24).doesNotContain("$$SCONE");
    assertThat(config.get("environment").get("DB_KEY").asText()).matches("[0-9a-f]{32}");
    assertThat(config.get("files").get(0).get("content").asText()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(config.get("files").get(0).get("permission").asText()).isEqualTo("0o400");
  }

  @Test
  void explainNamesTheServicesWhenTheServiceIsUnknownAndRefusesBadEvidence() throws Exception {
    Path p = write("svc.yaml", policy(MRE, "debug-mode"));
    CliRun unknown = CliRun.of("session", "explain", p.toString(), "--service", "api", "--evidence", simEvidence.toString());
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("has no service `api`; its services: web");

    Path bad = write("bad-evidence.json", "{\"root\": \"intel\", \"mrenclave\": \"abc\"}");
    CliRun badEvidence = CliRun.of("session", "explain", p.toString(), "--service", "web", "--evidence", bad.toString());
    assertThat(badEvidence.exitCode()).isEqualTo(2);
    assertThat(badEvidence.err()).startsWith("clave: evidence file " + bad + ": ");
  }
}
