package dev.clave.cas;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * What a CAS replica serves while it waits to be registered on its shared store ({@link
 * dev.clave.cas.store.NotRegisteredException}): on its client port, its key hash ({@code GET /v1/cas}, with
 * {@code "joining": true}) and its own quote ({@code GET /v1/cas/attestation}), which a running replica needs to
 * attest it; {@code /health/live} up, {@code /health/ready} down. Nothing of the store, which it cannot read yet.
 */
final class JoiningServer implements AutoCloseable {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final WebServer server;

  private JoiningServer(WebServer server) {
    this.server = server;
  }

  static JoiningServer start(CasConfig config, CasIdentity identity, CasAttestation attestation) {
    javax.net.ssl.SSLParameters p = new javax.net.ssl.SSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    p.setWantClientAuth(true);
    Tls tls = Tls.builder().privateKey(identity.privateKey()).privateKeyCertChain(List.of(identity.certificate()))
        .trustAll(true).clientAuth(TlsClientAuth.OPTIONAL).sslParameters(p).build();
    WebServer server = WebServer.builder().host(config.host()).port(config.clientPort()).tls(tls)
        .shutdownHook(false)
        .routing(r -> r
            .get("/v1/cas", (req, res) -> json(res, Status.OK_200, JSON.createObjectNode()
                .put("keyHash", identity.keyHash().toString()).put("provisioned", false).put("joining", true)
                .toString()))
            .get("/v1/cas/attestation", (req, res) -> {
              if (attestation == null) {
                json(res, Status.NOT_FOUND_404, "{\"error\":\"this CAS was started without a LAS (cas serve --las"
                    + " HOST:PORT), so it has no quote and cannot be registered\"}");
                return;
              }
              try {
                json(res, Status.OK_200, attestation.attestationJson());
              } catch (CasAttestation.Unavailable e) {
                json(res, Status.SERVICE_UNAVAILABLE_503, JSON.createObjectNode().put("error", e.getMessage()).toString());
              }
            })
            .get("/health/live", (req, res) -> json(res, Status.OK_200, "{\"status\":\"UP\"}"))
            .get("/health/ready", (req, res) -> json(res, Status.SERVICE_UNAVAILABLE_503,
                "{\"status\":\"DOWN\",\"joining\":true}")))
        .build();
    server.start();
    return new JoiningServer(server);
  }

  int port() {
    return server.port();
  }

  private static void json(ServerResponse res, Status status, String body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body);
  }

  @Override
  public void close() {
    server.stop();
  }
}
