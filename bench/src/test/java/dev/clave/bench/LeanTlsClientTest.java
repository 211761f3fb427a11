package dev.clave.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.EdECPrivateKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator's TLS client against a real CAS: it must complete the CAS's handshake and be allowed, so
 * that the load test measures real attestations; and it must refuse a server whose key is not the pinned one.
 */
class LeanTlsClientTest {
  @TempDir static Path dir;
  private static CasServer cas;
  private static Path sim;

  @BeforeAll
  static void start() throws Exception {
    sim = dir.resolve("sim");
    SimInit.run(sim, SimInit.Options.defaults());
    String platform = SimInit.quote(sim, SimInit.QuoteOptions.defaults()).platformId().hex();
    cas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(dir.resolve("state")).withHost("127.0.0.1")
        .withPorts(0, 0)
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null, List.of(sim.resolve("root/root_ca.pem")))));
    CasClient owner = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), ClientIdentity.generate());
    assertThat(owner.post("/session", "application/yaml", BenchAttestation.policy("lean", platform)).statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    cas.close();
  }

  @Test
  void completesTheCasHandshakeAndIsAllowed() throws Exception {
    for (int i = 0; i < 3; i++) { // a fresh identity and a full handshake each time
      ClientIdentity id = ClientIdentity.generateEd25519();
      String answer = new String(LeanTlsClient.exchange(enclavePort(), lean(id),
          new LeanTlsClient.Pin(cas.identity().keyHash().digest()), BenchAttestation.request(sim, id, "lean/app")),
          StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("--token");
    }
  }

  @Test
  void aQuoteForAnotherCertificateIsRefusedByTheCas() throws Exception {
    ClientIdentity id = ClientIdentity.generateEd25519();
    ClientIdentity other = ClientIdentity.generateEd25519();
    String answer = new String(LeanTlsClient.exchange(enclavePort(), lean(id),
        new LeanTlsClient.Pin(cas.identity().keyHash().digest()), BenchAttestation.request(sim, other, "lean/app")),
        StandardCharsets.UTF_8);
    assertThat(answer).doesNotStartWith("HTTP/1.1 200");
  }

  @Test
  void aServerWithAnotherKeyIsRefused() throws Exception {
    ClientIdentity id = ClientIdentity.generateEd25519();
    byte[] wrong = cas.identity().keyHash().digest().clone();
    wrong[0] ^= 1;
    assertThatThrownBy(() -> LeanTlsClient.exchange(enclavePort(), lean(id), new LeanTlsClient.Pin(wrong),
        BenchAttestation.request(sim, id, "lean/app")))
        .isInstanceOf(IOException.class).hasMessageContaining("not the pinned one");
  }

  private static InetSocketAddress enclavePort() {
    return new InetSocketAddress("127.0.0.1", cas.enclavePort());
  }

  private static LeanTlsClient.Identity lean(ClientIdentity id) throws Exception {
    return LeanTlsClient.identity(((EdECPrivateKey) id.privateKey()).getBytes().orElseThrow(), id.certificate().getEncoded());
  }
}
