package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.policy.protect.EncryptedPolicy;
import dev.clave.policy.protect.SessionEncryptionKey;
import dev.clave.policy.protect.SessionEncryptionKeyPair;
import dev.clave.policy.protect.SignedPolicy;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed and encrypted policies uploaded to a real CAS: signers satisfy signer: entries; encryption to the CAS's key. */
class ProtectedUploadTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path state;
  private CasServer cas;
  private CasClient client;
  private final KeyPair signer = ed25519();

  @BeforeEach
  void start() throws Exception {
    cas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
    client = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), ClientIdentity.generate());
  }

  @AfterEach
  void stop() {
    cas.close();
  }

  private static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private String policy(String command, String predecessor) {
    String signerPem = pem("PUBLIC KEY", signer.getPublic().getEncoded()).replace("\n", "\n          ");
    return """
        name: governed
        version: "0.3"
        access_policy:
          update:
            - signer: |
                %s
        security: {attestation: {mode: none}}
        services: [{name: app, command: %s, pwd: /}]
        """.formatted(signerPem.strip(), command) + (predecessor == null ? "" : "predecessor: " + predecessor + "\n");
  }

  private HttpResponse<String> upload(String body) throws Exception {
    return client.post("/session", "application/yaml", body);
  }

  @Test
  void onlyASignedUpdateSatisfiesASignerRule() throws Exception {
    HttpResponse<String> created = upload(policy("./v1", null));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String h1 = JSON.readTree(created.body()).get("hash").asText();

    String v2 = policy("./v2", h1);
    HttpResponse<String> unsigned = upload(v2);
    assertThat(unsigned.statusCode()).isEqualTo(403);

    String key = pem("PRIVATE KEY", signer.getPrivate().getEncoded());
    SignedPolicy signed = SignedPolicy.create(v2, key);
    HttpResponse<String> tampered = upload(signed.toJson().replace("./v2", "./v3"));
    assertThat(tampered.statusCode()).isEqualTo(400);
    assertThat(tampered.body()).contains("does not verify");

    HttpResponse<String> ok = upload(signed.toJson());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
  }

  @Test
  void exportPublicValuesAreReadableWithoutAClientCertificateAndNothingElseIs() throws Exception {
    String yaml = "name: public-values\nversion: \"0.3\"\nsecurity: {attestation: {mode: none}}\n"
        + "services: [{name: app, command: ./app, pwd: /}]\n"
        + "secrets:\n  - {name: answer, kind: ascii, value: \"42\", export_public: true}\n"
        + "  - {name: hidden, kind: ascii, value: secret}\n"
        + "  - {name: ca_key, kind: private-key, export_public: true}\n"
        + "  - {name: ca, kind: x509-ca, private_key: ca_key, export_public: true}\n";
    assertThat(upload(yaml).statusCode()).isEqualTo(201);
    java.net.http.HttpClient anonymous = java.net.http.HttpClient.newBuilder().sslContext(trustAll()).build();
    String base = "https://127.0.0.1:" + cas.clientPort() + "/v1/values/";
    var one = anonymous.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "session=public-values,secret=answer")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.body()).isEqualTo("{\"kind\":\"string\",\"value\":\"42\",\"expires\":null,\"renew\":null}");
    var all = anonymous.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "session=public-values")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(all.body()).contains("\"answer\"", "\"ca\"", "BEGIN CERTIFICATE").doesNotContain("hidden", "ca_key", "PRIVATE KEY");
    var hidden = anonymous.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "session=public-values,secret=hidden")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(hidden.body()).contains("not visible for a public client").doesNotContain("secret\"");
  }

  private static javax.net.ssl.SSLContext trustAll() throws Exception {
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    }}, null);
    return ctx;
  }

  @Test
  void importsNeedTheExportersConsentAndNamespacesTheirOwners() throws Exception {
    String none = "security: {attestation: {mode: none}}\nservices: [{name: app, command: ./app, pwd: /}]\n";
    assertThat(upload("name: shop\nversion: \"0.3\"\n" + none).statusCode()).isEqualTo(201);
    assertThat(upload("name: shop/db\nversion: \"0.3\"\n" + none
        + "secrets: [{name: key, kind: ascii, value: db-password, export: [{session: ../app}]}]\n").statusCode()).isEqualTo(201);
    String importing = "version: \"0.3\"\n" + none
        + "secrets: [{name: k, kind: ascii, import: {session: ../db, secret: key}}]\n";
    HttpResponse<String> allowed = upload("name: shop/app\n" + importing);
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(201);
    HttpResponse<String> refused = upload("name: shop/evil\n" + importing);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("exported only to session: shop/app");

    CasClient stranger = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), ClientIdentity.generate());
    HttpResponse<String> intruder = stranger.post("/session", "application/yaml", "name: shop/mine\nversion: \"0.3\"\n" + none);
    assertThat(intruder.statusCode()).isEqualTo(403);
    assertThat(intruder.body()).contains("namespace shop does not let this client");
    HttpResponse<String> orphan = upload("name: nowhere/app\nversion: \"0.3\"\n" + none);
    assertThat(orphan.statusCode()).isEqualTo(404);
  }

  @Test
  void anEncryptedPolicyOpensOnlyWithThisCasKey() throws Exception {
    String hex = JSON.readTree(client.get("/v1/cas").body()).get("sessionEncryptionKey").asText();
    assertThat(hex).matches("[0-9a-f]{64}");
    String yaml = "name: secret-app\nversion: \"0.3\"\nsecurity: {attestation: {mode: none}}\n"
        + "services: [{name: app, command: ./app, pwd: /}]\n";
    String envelope = EncryptedPolicy.seal(yaml.getBytes(StandardCharsets.UTF_8), SessionEncryptionKey.fromHex(hex));
    HttpResponse<String> ok = upload(JSON.createObjectNode().put("policy", envelope).put("encryptionKey", hex).toString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    assertThat(client.get("/v1/sessions/secret-app").body()).contains("./app");

    SessionEncryptionKeyPair other = SessionEncryptionKeyPair.generate();
    String wrong = EncryptedPolicy.seal(yaml.getBytes(StandardCharsets.UTF_8), other.publicKey());
    HttpResponse<String> refused = upload(JSON.createObjectNode().put("policy", wrong).put("encryptionKey", other.publicKeyHex()).toString());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("encrypted to another key");
  }
}
