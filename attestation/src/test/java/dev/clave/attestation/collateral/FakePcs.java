package dev.clave.attestation.collateral;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local stand-in for Intel's PCS on a real loopback socket, serving the real collateral sets the way
 * PCS v4 does (paths, query parameters, URL-encoded issuer-chain headers). Tests can replace the reply of a
 * path, hold a path until released, and read back every request it received.
 */
final class FakePcs implements AutoCloseable {
  /** A request as received: method and raw path with query. */
  record Seen(String method, String target) {}

  /** A reply; {@code chunked} sends the body without a Content-Length. */
  record Reply(int status, Map<String, String> headers, byte[] body, boolean chunked) {
    static Reply status(int status, Map<String, String> headers) {
      return new Reply(status, headers, new byte[0], false);
    }

    Reply withBody(byte[] newBody, boolean chunkedBody) {
      return new Reply(status, headers, newBody, chunkedBody);
    }

    Reply withHeaders(Map<String, String> newHeaders) {
      return new Reply(status, newHeaders, body, chunked);
    }
  }

  static final String ROOT_CA_CRL_PATH = "/IntelSGXRootCA.der";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final Map<String, String> tcbInfoSets = new HashMap<>(); // "sgx/00A067110000" -> set
  private final Map<String, String> qeIdentitySets = new HashMap<>(); // "sgx" -> set
  private final Map<String, String> pckCrlSets = new HashMap<>(); // "processor" -> set
  private final String rootCrlSet;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final Map<String, Reply> overrides = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
  private volatile String tcbChainHeader = "TCB-Info-Issuer-Chain";
  private volatile boolean formEncoding;

  /** Serves the given sets: TCB infos by TEE and FMSPC; QE identity and PCK CRL from the first set of each kind. */
  FakePcs(String... sets) throws IOException {
    for (String set : sets) {
      String tee = CollateralSets.isTdx(set) ? "tdx" : "sgx";
      String fmspc = CollateralSets.json(set, "tcb_info.json").at("/tcbInfo/fmspc").asText().toUpperCase(Locale.ROOT);
      tcbInfoSets.put(tee + "/" + fmspc, set);
      qeIdentitySets.putIfAbsent(tee, set);
      // The README: the SGX sets' PCK certificates come from the Processor CA, the TDX sets' from the Platform CA.
      pckCrlSets.putIfAbsent(CollateralSets.isTdx(set) ? "platform" : "processor", set);
    }
    rootCrlSet = sets[0];
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  URI baseUrl() {
    return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
  }

  URI rootCaCrlUrl() {
    return URI.create(baseUrl() + ROOT_CA_CRL_PATH);
  }

  /** A source pointed at this server, with its root CA CRL at the Intel-style path. */
  PcsCollateralSource.Builder source() {
    return PcsCollateralSource.builder().baseUrl(baseUrl()).rootCaCrlUrl(rootCaCrlUrl());
  }

  List<Seen> requests() {
    return List.copyOf(seen);
  }

  long count(String path) {
    return seen.stream().filter(s -> s.target().equals(path) || s.target().startsWith(path + "?")).count();
  }

  void override(String path, Reply reply) {
    overrides.put(path, reply);
  }

  void clearOverrides() {
    overrides.clear();
  }

  /** Requests for {@code path} wait (up to 30 s) until the returned latch is counted down. */
  CountDownLatch hold(String path) {
    CountDownLatch latch = new CountDownLatch(1);
    holds.put(path, latch);
    return latch;
  }

  /** The TCB info chain header name (PCS v3 used {@code SGX-TCB-Info-Issuer-Chain}). */
  void tcbChainHeader(String name) {
    this.tcbChainHeader = name;
  }

  /** Encode issuer chains as HTML forms do ('+' for space) instead of as PCS does ({@code %20}). */
  void formEncoding(boolean on) {
    this.formEncoding = on;
  }

  /** What this server answers for {@code target} (path and query) when nothing is overridden. */
  Reply normal(String target) {
    int q = target.indexOf('?');
    return route(q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1));
  }

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      String path = x.getRequestURI().getRawPath();
      String query = x.getRequestURI().getRawQuery();
      seen.add(new Seen(x.getRequestMethod(), path + (query == null ? "" : "?" + query)));
      CountDownLatch hold = holds.get(path);
      if (hold != null) {
        hold.await(30, TimeUnit.SECONDS);
      }
      Reply reply = overrides.get(path);
      send(x, reply != null ? reply : route(path, query));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // The client went away (a cancelled or refused body): nothing to answer.
    }
  }

  private Reply route(String path, String query) {
    Map<String, String> params = params(query);
    if (path.equals(ROOT_CA_CRL_PATH)) {
      return ok(Map.of(), CollateralSets.file(rootCrlSet, "root_ca_crl.der"));
    }
    if (path.equals("/sgx/certification/v4/rootcacrl")) {
      // A PCCS serves the root CA CRL as hex text.
      byte[] hex = HexFormat.of().formatHex(CollateralSets.file(rootCrlSet, "root_ca_crl.der")).getBytes(StandardCharsets.US_ASCII);
      return ok(Map.of(), hex);
    }
    if (path.equals("/sgx/certification/v4/pckcrl")) {
      String set = pckCrlSets.get(params.get("ca"));
      if (set == null || !"der".equals(params.get("encoding"))) {
        return Reply.status(400, Map.of("Error-Code", "InvalidRequestSyntax"));
      }
      return ok(Map.of("SGX-PCK-CRL-Issuer-Chain", chain(set, "pck_crl_issuer_chain.pem")),
          CollateralSets.file(set, "pck_crl.der"));
    }
    String[] parts = path.split("/", -1); // "", tee, "certification", "v4", …
    if (parts.length >= 5 && (parts[1].equals("sgx") || parts[1].equals("tdx"))
        && parts[2].equals("certification") && parts[3].equals("v4")) {
      String tee = parts[1];
      String rest = String.join("/", java.util.Arrays.copyOfRange(parts, 4, parts.length));
      if (rest.equals("tcb")) {
        String fmspc = params.getOrDefault("fmspc", "").toUpperCase(Locale.ROOT);
        String set = tcbInfoSets.get(tee + "/" + fmspc);
        if (set == null) {
          return Reply.status(404, Map.of("Error-Code", "NotFound", "Error-Message", "no TCB info for " + fmspc));
        }
        return ok(Map.of(tcbChainHeader, chain(set, "tcb_info_issuer_chain.pem")), CollateralSets.file(set, "tcb_info.json"));
      }
      if (rest.equals("qe/identity") && qeIdentitySets.containsKey(tee)) {
        String set = qeIdentitySets.get(tee);
        return ok(Map.of("SGX-Enclave-Identity-Issuer-Chain", chain(set, "qe_identity_issuer_chain.pem")),
            CollateralSets.file(set, "qe_identity.json"));
      }
    }
    return Reply.status(404, Map.of());
  }

  private static Reply ok(Map<String, String> headers, byte[] body) {
    return new Reply(200, headers, body, false);
  }

  private String chain(String set, String file) {
    String pem = CollateralSets.text(set, file);
    return formEncoding ? URLEncoder.encode(pem, StandardCharsets.UTF_8) : percentEncode(pem);
  }

  /** As PCS encodes: every byte but the RFC 3986 unreserved characters as %XX (spaces as %20). */
  static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
        sb.append(c);
      } else {
        sb.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return sb.toString();
  }

  private static Map<String, String> params(String query) {
    Map<String, String> out = new HashMap<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          out.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return out;
  }

  private static void send(HttpExchange x, Reply r) throws IOException {
    r.headers().forEach((k, v) -> x.getResponseHeaders().add(k, v));
    long length = r.chunked() ? 0 : r.body().length == 0 ? -1 : r.body().length;
    x.sendResponseHeaders(r.status(), length);
    if (r.body().length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(r.body());
      }
    }
  }

  @Override
  public void close() {
    holds.values().forEach(CountDownLatch::countDown);
    server.stop(0);
    executor.shutdownNow();
  }
}
