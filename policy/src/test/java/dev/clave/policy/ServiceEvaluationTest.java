package dev.clave.policy;

import dev.clave.attestation.TcbStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.Evidence;
import dev.clave.policy.secrets.SecretValue;
import dev.clave.policy.template.Template;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From a parsed session and verified evidence to a decision and, on allow, the service's configuration. */
class ServiceEvaluationTest {
  private static final String MRE = "9d1b3c2a0f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504";
  private static final String SIGNER = "b6c14ae06a05284253b548038e269f8225718bc0856828f491ed85174ccc2979";
  private static final String PLATFORM = "2c45c8294d491808aa9b2a6bca01b8e185ffc69266c833546e5dca1c676a6151";
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private static final String POLICY = """
      name: shop
      version: "0.3.10"
      security:
        attestation:
          tolerate: [outdated-tcb]
          ignore_advisories: [INTEL-SA-00615]
      services:
        - name: api
          image_name: api_image
          mrenclaves: [%s]
          platforms: [$$SCONE::platform$$]
          command: ./api --token $$SCONE::token$$ --listen @@1
          environment:
            KEY_B64: $$SCONE::key:base64$$
            PLAIN: value
            \\@\\@NODE_NAME: ""
          pwd: /srv
      images:
        - name: api_image
          injection_files:
            - path: /etc/api/key.bin
              permission: 0o400
              content: $$SCONE::key:bin$$
            - /etc/api/from-image.conf
      secrets:
        - name: token
          kind: ascii
          value: s3cr3t-token
        - name: key
          kind: binary
          value: 00ff10
        - name: platform
          kind: ascii
          value: %s
      """.formatted(MRE, PLATFORM.toUpperCase());

  private static Evidence evidence(String mrenclave, TcbStatus status, List<String> advisories) {
    return Evidence.sgx(Evidence.Kind.SGX_DCAP, mrenclave, SIGNER, 1, 1, false, status, advisories,
        new PlatformId(PlatformId.Kind.LAS_KEY, PLATFORM));
  }

  private static final ServiceEvaluation.Host HOST =
      new ServiceEvaluation.Host(List.of("./api", "0.0.0.0:8443"), Map.of("NODE_NAME", "node-3"));

  @Test
  void anAllowedServiceGetsItsConfigurationWithSecretsSubstituted() throws Exception {
    Session s = PolicyParser.parse(POLICY, "shop.yaml");
    Map<String, SecretValue> secrets = DryRun.secrets(s, NOW, new SecureRandom());
    ServiceEvaluation.Result r = ServiceEvaluation.evaluate(s, "api",
        evidence(MRE, TcbStatus.OUT_OF_DATE, List.of("INTEL-SA-00615")), secrets, HOST);

    assertThat(r.allowed()).as(r.decision().toText()).isTrue();
    ServiceEvaluation.RuntimeConfig c = r.config();
    assertThat(c.argv()).containsExactly("./api", "--token", "s3cr3t-token", "--listen", "0.0.0.0:8443");
    assertThat(c.environment()).containsExactly(
        Map.entry("KEY_B64", "AP8Q"), Map.entry("PLAIN", "value"), Map.entry("NODE_NAME", "node-3"));
    assertThat(c.pwd()).isEqualTo("/srv");
    assertThat(c.files()).hasSize(2);
    assertThat(c.files().get(0).content()).isEqualTo(HexFormat.of().parseHex("00ff10"));
    assertThat(c.files().get(0).permission()).isEqualTo(0400);
    assertThat(c.files().get(1).fromFileSystem()).isTrue();
    assertThat(c.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void aDeniedServiceGetsNoConfigurationAndEveryFailedCheck() throws Exception {
    Session s = PolicyParser.parse(POLICY, "shop.yaml");
    ServiceEvaluation.Result r = ServiceEvaluation.evaluate(s, "api",
        evidence("00".repeat(32), TcbStatus.OUT_OF_DATE, List.of("INTEL-SA-00615", "INTEL-SA-00828")),
        DryRun.secrets(s, NOW, new SecureRandom()), HOST);
    assertThat(r.allowed()).isFalse();
    assertThat(r.config()).isNull();
    assertThat(r.decision().failures()).hasSize(2);
    assertThat(r.decision().toText()).contains("MRENCLAVE", "INTEL-SA-00828");
  }

  @Test
  void aPlatformFromASecretIsCheckedAfterSubstitution() throws Exception {
    Session s = PolicyParser.parse(POLICY.replace("value: " + PLATFORM.toUpperCase(), "value: not-a-platform"), "shop.yaml");
    assertThatThrownBy(() -> ServiceEvaluation.evaluate(s, "api",
            evidence(MRE, TcbStatus.UP_TO_DATE, List.of()), DryRun.secrets(s, NOW, new SecureRandom()), HOST))
        .isInstanceOf(EvaluationException.class)
        .hasMessage("service api: a platforms value is not a platform ID (64 hex digits or INTEL_QE_ID:<32 hex digits>) after substitution");
  }

  @Test
  void aMissingHostArgumentOrServiceIsAClearError() throws Exception {
    Session s = PolicyParser.parse(POLICY, "shop.yaml");
    Map<String, SecretValue> secrets = DryRun.secrets(s, NOW, new SecureRandom());
    Evidence ok = evidence(MRE, TcbStatus.UP_TO_DATE, List.of());
    assertThatThrownBy(() -> ServiceEvaluation.evaluate(s, "api", ok, secrets, new ServiceEvaluation.Host(List.of("./api"), Map.of())))
        .isInstanceOf(EvaluationException.class)
        .hasMessage("service api: command needs host argument @@1 but only 0 were given");
    assertThatThrownBy(() -> ServiceEvaluation.evaluate(s, "db", ok, secrets, HOST))
        .hasMessage("session shop has no service `db`; its services: api");
  }

  @Test
  void theMaskedViewShowsWhereSecretsGoWithoutValues() throws Exception {
    Session s = PolicyParser.parse(POLICY, "shop.yaml");
    ServiceEvaluation.RuntimeConfig m = DryRun.masked(s, s.service("api"), HOST);
    assertThat(m.argv()).containsExactly("./api", "--token", "$$SCONE::token$$", "--listen", "0.0.0.0:8443");
    assertThat(m.environment()).containsEntry("KEY_B64", "$$SCONE::key:base64$$").containsEntry("NODE_NAME", "node-3");
    assertThat(new String(m.files().get(0).content(), StandardCharsets.UTF_8)).isEqualTo("$$SCONE::key:bin$$");
  }

  @Test
  void importedSecretsGetStandInsInADryRun() throws Exception {
    Session s = PolicyParser.parse(Files.readString(PolicyCorpusTest.ROOT.resolve("valid/secrets-all-kinds.yaml")), "s.yaml");
    Map<String, SecretValue> secrets = DryRun.secrets(s, NOW, new SecureRandom());
    assertThat(secrets.get("imported_cert")).isInstanceOf(SecretValue.Certificate.class);
    assertThat(secrets.keySet()).containsAll(s.secrets().stream().map(x -> x.name()).toList());
  }

  @Test
  void theSeedPolicyTemplateRendersVerbatimAndParses() throws Exception {
    String template = Files.readString(PolicyCorpusTest.ROOT.resolve("valid/seed-backup-controller.yaml.tmpl"));
    String ownerConfig = """
        {
          "identity": "not a real identity",
          "contexts": {}
        }""".lines().map(l -> "          " + l).reduce((a, b) -> a + "\n" + b).orElseThrow();
    Template.Rendered rendered = Template.render(template, Map.of(
        "MY_POLICY_NAME", "my-cas-backup-controller-4711",
        "SCONE_CLI_MRENCLAVE", "ebccfec4dcb2474851cfd944fcac0bb9e9a78020b816f4b41a5b89a6ec373d0b",
        "CLI_OWNER_CONFIG", ownerConfig));
    Session s = PolicyParser.parse(rendered.text(), "session.yaml");
    Service register = s.service("register");
    assertThat(register.command()).containsExactly("scone", "cas", "register-backup", "@@3");
    assertThat(register.hostEnvironment()).containsExactly("SCONE_LAS_ADDR");
    assertThat(s.image("cli").injectionFiles().get(0).content()).contains("\"identity\": \"not a real identity\"");

    // The backup controller runs `scone cas register-backup <addr>`: @@3 is the backup CAS address.
    ServiceEvaluation.RuntimeConfig c = ServiceEvaluation.configure(s, register, Map.of(),
        new ServiceEvaluation.Host(List.of("scone", "cas", "register-backup", "backup-cas:8081"), Map.of("SCONE_LAS_ADDR", "10.1.2.3")));
    assertThat(c.argv()).containsExactly("scone", "cas", "register-backup", "backup-cas:8081");
    assertThat(c.environment()).containsEntry("SCONE_LAS_ADDR", "10.1.2.3");
  }
}
