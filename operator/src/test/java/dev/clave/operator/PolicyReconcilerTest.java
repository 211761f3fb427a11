package dev.clave.operator;

import static dev.clave.operator.MockCluster.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.operator.model.Conditions;
import dev.clave.operator.policy.EncryptedPolicy;
import dev.clave.operator.policy.EncryptedPolicySpec;
import dev.clave.operator.policy.PolicyStatus;
import dev.clave.operator.policy.SignedPolicy;
import dev.clave.operator.policy.SignedPolicySpec;
import dev.clave.policy.protect.PolicySignature;
import dev.clave.policy.protect.SessionEncryptionKey;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SignedPolicy and EncryptedPolicy resources on the mock server, submitted to a real CAS on loopback. */
@EnableKubernetesMockClient(crud = true)
class PolicyReconcilerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NS = "apps";

  static KubernetesClient client;
  @org.junit.jupiter.api.io.TempDir static Path state;
  private static ClaveOperator operator;
  private static CasServer cas;
  private static ClientIdentity operatorIdentity;
  private static String address;
  private static String unpinnedAddress;

  @BeforeAll
  static void start() throws Exception {
    cas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
    address = "127.0.0.1:" + cas.clientPort();
    // The same CAS under another name, whose key hash only the operator's table knows.
    unpinnedAddress = "https://localhost:" + cas.clientPort();
    operatorIdentity = ClientIdentity.generate();
    operator = MockCluster.start(client, OperatorConfig.defaults().withIdentity(operatorIdentity)
        .withCasKeyHashes(Map.of(unpinnedAddress, cas.identity().keyHash())), MockCluster.noCas());
  }

  @AfterAll
  static void stop() {
    operator.close();
    cas.close();
  }

  private static String session(String name, String command) {
    return "name: " + name + "\nversion: \"0.3\"\nsecurity: {attestation: {mode: none}}\n"
        + "services: [{name: app, command: " + command + ", pwd: /}]\n";
  }

  private static List<SignedPolicySpec.Signature> sign(String text) throws Exception {
    KeyPair signer = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(signer.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    PolicySignature s = dev.clave.policy.protect.SignedPolicy.sign(text, pem);
    SignedPolicySpec.Signature sig = new SignedPolicySpec.Signature();
    sig.setSigner(s.signer().text());
    sig.setSignature(s.signatureHex());
    return List.of(sig);
  }

  private static SignedPolicy signed(String name, String casAddress, String keyHash, String policy,
      List<SignedPolicySpec.Signature> signatures) {
    SignedPolicy p = new SignedPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    SignedPolicySpec spec = new SignedPolicySpec();
    spec.setCasAddress(casAddress);
    spec.setCasKeyHash(keyHash);
    spec.setPolicy(policy);
    spec.setSignatures(signatures);
    p.setSpec(spec);
    return client.resources(SignedPolicy.class).inNamespace(NS).resource(p).create();
  }

  private static PolicyStatus signedStatus(String name) {
    SignedPolicy p = client.resources(SignedPolicy.class).inNamespace(NS).withName(name).get();
    return p == null || p.getStatus() == null ? new PolicyStatus() : p.getStatus();
  }

  private static PolicyStatus encryptedStatus(String name) {
    EncryptedPolicy p = client.resources(EncryptedPolicy.class).inNamespace(NS).withName(name).get();
    return p == null || p.getStatus() == null ? new PolicyStatus() : p.getStatus();
  }

  private static int sessionStatus(String name) throws Exception {
    return CasClient.connect(address, cas.identity().keyHash(), operatorIdentity).get("/v1/sessions/" + name).statusCode();
  }

  @Test
  void aSignedPolicyIsAppliedAndATamperedOneEndsRefusedWithTheCasReason() throws Exception {
    String keyHash = cas.identity().keyHash().toString();
    String text = session("signed-app", "./v1");
    signed("good", address, keyHash, text, sign(text));

    eventually().until(() -> "APPLIED".equals(signedStatus("good").getState()));
    PolicyStatus good = signedStatus("good");
    assertThat(good.getHash()).isNotBlank();
    assertThat(good.getRevision()).isEqualTo(1L);
    assertThat(Conditions.find(good, Conditions.READY).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(sessionStatus("signed-app")).isEqualTo(200);

    String original = session("evil-app", "./v1");
    signed("tampered", address, keyHash, original.replace("./v1", "./backdoor"), sign(original));

    eventually().until(() -> "REFUSED".equals(signedStatus("tampered").getState()));
    PolicyStatus refused = signedStatus("tampered");
    assertThat(refused.getMessage()).startsWith("HTTP 400: ").contains("does not verify");
    assertThat(refused.getHash()).isNull();
    assertThat(Conditions.find(refused, Conditions.DEGRADED).orElseThrow())
        .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"))
        .satisfies(c -> assertThat(c.getReason()).isEqualTo("RefusedByCas"))
        .satisfies(c -> assertThat(c.getMessage()).contains("does not verify"));
    assertThat(Conditions.find(refused, Conditions.READY).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(sessionStatus("evil-app")).as("never applied").isEqualTo(404);

    String invalid = "name: broken-app\nversion: \"0.3\"\nservices: [{name: app, command: ./v1, pwd: /, colour: blue}]\n";
    signed("invalid", address, keyHash, invalid, sign(invalid));
    eventually().until(() -> "REFUSED".equals(signedStatus("invalid").getState()));
    assertThat(signedStatus("invalid").getMessage()).as("a signed policy is readable anyway: the CAS's problems are shown")
        .containsPattern("; \\d+:\\d+: ").contains("colour");
  }

  @Test
  void anEncryptedPolicyIsDecryptedByTheCasOnlyAndATamperedOneIsRefused() throws Exception {
    CasClient anyone = CasClient.connect(address, cas.identity().keyHash(), ClientIdentity.generate());
    String keyHex = JSON.readTree(anyone.get("/v1/cas").body()).path("sessionEncryptionKey").asText();
    SessionEncryptionKey key = SessionEncryptionKey.fromHex(keyHex);

    String sealed = dev.clave.policy.protect.EncryptedPolicy.seal(
        session("sealed-app", "./v1").getBytes(StandardCharsets.UTF_8), key);
    encrypted("sealed", sealed, keyHex);
    eventually().until(() -> "APPLIED".equals(encryptedStatus("sealed").getState()));
    assertThat(encryptedStatus("sealed").getHash()).isNotBlank();
    assertThat(sessionStatus("sealed-app")).isEqualTo(200);

    byte[] raw = Base64.getDecoder().decode(dev.clave.policy.protect.EncryptedPolicy.seal(
        session("forged-app", "./v1").getBytes(StandardCharsets.UTF_8), key));
    raw[raw.length / 2] ^= 1;
    encrypted("forged", Base64.getEncoder().encodeToString(raw), keyHex);
    eventually().until(() -> "REFUSED".equals(encryptedStatus("forged").getState()));
    assertThat(encryptedStatus("forged").getMessage()).contains("cannot be decrypted");
    assertThat(sessionStatus("forged-app")).isEqualTo(404);

    // The CAS's problems quote the decrypted policy: they must not reach the status, which the cluster reads.
    String invalid = "name: secretive\nversion: \"0.3\"\nservices: [{name: app, command: ./v1, pwd: /, hunter2: yes}]\n";
    encrypted("invalid", dev.clave.policy.protect.EncryptedPolicy.seal(invalid.getBytes(StandardCharsets.UTF_8), key), keyHex);
    eventually().until(() -> "REFUSED".equals(encryptedStatus("invalid").getState()));
    assertThat(encryptedStatus("invalid").getMessage()).contains("problem(s) in the policy, not shown").doesNotContain("hunter2");
    assertThat(Conditions.find(encryptedStatus("invalid"), Conditions.DEGRADED).orElseThrow().getMessage()).doesNotContain("hunter2");
  }

  private static void encrypted(String name, String ciphertext, String keyHex) {
    EncryptedPolicy p = new EncryptedPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    EncryptedPolicySpec spec = new EncryptedPolicySpec();
    spec.setCasAddress(address);
    spec.setCasKeyHash(cas.identity().keyHash().toString());
    spec.setPolicy(ciphertext);
    spec.setEncryptionKey(keyHex);
    p.setSpec(spec);
    client.resources(EncryptedPolicy.class).inNamespace(NS).resource(p).create();
  }

  @Test
  void theCasIsPinnedByTheResourcesKeyHashOrTheOperatorsTableAndNeverTrustedWithoutOne() throws Exception {
    String text = session("table-app", "./v1");
    signed("from-table", unpinnedAddress, null, text, sign(text));
    eventually().until(() -> "APPLIED".equals(signedStatus("from-table").getState()));

    String other = session("unknown-app", "./v1");
    signed("unknown", "127.0.0.1:" + cas.clientPort() + "/", null, other, sign(other));
    eventually().until(() -> "PENDING".equals(signedStatus("unknown").getState()));
    assertThat(Conditions.find(signedStatus("unknown"), Conditions.PROGRESSING).orElseThrow().getReason())
        .isEqualTo("CasKeyHashUnknown");

    String wrongPin = dev.clave.policy.protect.KeyHash.of(ClientIdentity.generate().certificate().getPublicKey().getEncoded()).toString();
    String third = session("mispinned-app", "./v1");
    signed("mispinned", address, wrongPin, third, sign(third));
    eventually().until(() -> "PENDING".equals(signedStatus("mispinned").getState())
        && "CasUnreachable".equals(Conditions.find(signedStatus("mispinned"), Conditions.PROGRESSING).orElseThrow().getReason()));
    assertThat(sessionStatus("unknown-app")).isEqualTo(404);
    assertThat(sessionStatus("mispinned-app")).as("nothing was sent to a CAS with another key").isEqualTo(404);
  }
}
