package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code quote verify --pcs URL}: collateral fetched over HTTP from a PCCS on a loopback socket. */
class QuoteVerifyPcsTest {
  @TempDir Path tmp;
  HttpServer server;
  Path collateral;
  final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startPccs() throws IOException {
    Path sim = tmp.resolve("sim");
    assertThat(CliRun.of("sim", "init", "--dir", sim.toString()).exitCode()).isZero();
    collateral = sim.resolve("collateral");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** A PCCS's v4 API: bodies from the bundle, issuer chains URL-encoded in headers. */
  private void serve(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getPath();
      requests.add(path + "?" + x.getRequestURI().getQuery());
      String file;
      String chainHeader = null;
      String chainFile = null;
      switch (path) {
        case "/sgx/certification/v4/pckcrl" -> {
          file = "pck_crl.der";
          chainHeader = "SGX-PCK-CRL-Issuer-Chain";
          chainFile = "pck_crl_issuer_chain.pem";
        }
        case "/sgx/certification/v4/tcb" -> {
          file = "tcb_info.json";
          chainHeader = "TCB-Info-Issuer-Chain";
          chainFile = "tcb_info_issuer_chain.pem";
        }
        case "/sgx/certification/v4/qe/identity" -> {
          file = "qe_identity.json";
          chainHeader = "SGX-Enclave-Identity-Issuer-Chain";
          chainFile = "qe_identity_issuer_chain.pem";
        }
        case "/sgx/certification/v4/rootcacrl" -> file = "root_ca_crl.der";
        default -> {
          x.sendResponseHeaders(404, -1);
          return;
        }
      }
      if (chainHeader != null) {
        String pem = Files.readString(collateral.resolve(chainFile));
        x.getResponseHeaders().add(chainHeader, URLEncoder.encode(pem, StandardCharsets.UTF_8).replace("+", "%20"));
      }
      byte[] body = Files.readAllBytes(collateral.resolve(file));
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
    }
  }

  String baseUrl() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  @Test
  void verifiesWithCollateralFetchedFromAPccs() throws Exception {
    Path q = tmp.resolve("q.bin");
    assertThat(CliRun.of("sim", "quote", "--dir", tmp.resolve("sim").toString(), "--out", q.toString(), "--svn", "3")
        .exitCode()).isZero();

    CliRun run = CliRun.of("quote", "verify", q.toString(), "--pcs", baseUrl(), "--trust-root",
        tmp.resolve("sim/root/root_ca.pem").toString(), "--json");

    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    var v = new ObjectMapper().readTree(run.out());
    assertThat(v.get("tcbStatus").asText()).isEqualTo("OutOfDate");
    assertThat(requests).anyMatch(r -> r.startsWith("/sgx/certification/v4/tcb?fmspc=00C1A7E00000"))
        .anyMatch(r -> r.startsWith("/sgx/certification/v4/pckcrl?ca=platform"));
  }

  @Test
  void unreachablePcsIsARefusalSayingWhy() throws Exception {
    Path q = tmp.resolve("q.bin");
    CliRun.of("sim", "quote", "--dir", tmp.resolve("sim").toString(), "--out", q.toString());
    server.stop(0);

    CliRun run = CliRun.of("quote", "verify", q.toString(), "--pcs", baseUrl(), "--trust-root",
        tmp.resolve("sim/root/root_ca.pem").toString(), "--json");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(new ObjectMapper().readTree(run.out()).get("reason").asText()).isEqualTo("COLLATERAL_UNAVAILABLE");
  }

  @Test
  void collateralAndPcsAreExclusiveAndOneIsRequired() {
    CliRun both = CliRun.of("quote", "verify", "q.bin", "--pcs", baseUrl(), "--collateral", tmp.toString());
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
    CliRun none = CliRun.of("quote", "verify", "q.bin");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("--collateral", "--pcs");
    CliRun bad = CliRun.of("quote", "verify", tmp.resolve("sim/collateral/tcb_info.json").toString(), "--pcs", "ftp://x");
    assertThat(bad.exitCode()).isEqualTo(2);
  }
}
