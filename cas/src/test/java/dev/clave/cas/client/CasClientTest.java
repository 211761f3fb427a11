package dev.clave.cas.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client pins a CAS by key hash and presents its identity, over real TLS. */
class CasClientTest {
  @TempDir Path state;

  private CasServer start() throws IOException {
    return CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
  }

  @Test
  void theRightKeyHashConnectsAndAnyOtherIsRefusedInTheHandshake() throws Exception {
    try (CasServer cas = start()) {
      ClientIdentity me = ClientIdentity.generate();
      CasClient ok = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), me);
      assertThat(ok.get("/v1/cas").body()).contains(cas.identity().keyHash().toString());
      assertThat(ok.get("/v1/whoami").body()).isEqualTo("{\"keyHash\":\"" + me.keyHash() + "\"}");

      KeyHash other = ClientIdentity.generate().keyHash();
      CasClient pinnedElsewhere = CasClient.connect("https://localhost:" + cas.clientPort(), other, me);
      assertThatThrownBy(() -> pinnedElsewhere.get("/v1/cas"))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("not the pinned CAS key hash " + other);
    }
  }

  @Test
  void anRsaKeyMadeWithOpensslBecomesAnIdentity() throws Exception {
    Process gen = new ProcessBuilder("bash", "-c",
        "openssl genrsa 2048 2>/dev/null | openssl pkcs8 -topk8 -inform PEM -outform PEM -nocrypt").start();
    String pem = new String(gen.getInputStream().readAllBytes());
    org.junit.jupiter.api.Assumptions.assumeTrue(gen.waitFor() == 0 && pem.contains("PRIVATE KEY"), "openssl is installed");
    ClientIdentity id = ClientIdentity.fromPem(pem);
    assertThat(id.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    ClientIdentity again = ClientIdentity.fromPem(id.toPem());
    assertThat(again.keyHash()).isEqualTo(id.keyHash());
    try (CasServer cas = start()) {
      assertThat(CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), id).get("/health/live")
          .statusCode()).isEqualTo(200);
    }
  }

  @Test
  void addressesTakeTheDefaultPort() {
    assertThat(CasClient.baseUri("cas.example").toString()).isEqualTo("https://cas.example:8081");
    assertThat(CasClient.baseUri("https://cas.example:9000/").toString()).isEqualTo("https://cas.example:9000");
    assertThat(CasClient.baseUri("[::1]").toString()).isEqualTo("https://[::1]:8081");
    assertThatThrownBy(() -> CasClient.baseUri("http://cas")).hasMessageContaining("host[:port]");
  }
}
