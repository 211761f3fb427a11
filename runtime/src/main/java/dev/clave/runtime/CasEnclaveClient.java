package dev.clave.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.cas.client.KeyHashPinning;
import dev.clave.policy.ServiceEvaluation.RuntimeConfig;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The enclave side of the CAS's enclave API ({@code POST /v1/attest}, protocol in {@code
 * dev.clave.cas.AttestationRoutes}): TLS 1.3 presenting the certificate the quote binds, then the quote and
 * the host's arguments and environment; back comes the configuration or the CAS's reasons for refusing.
 */
final class CasEnclaveClient {
  /** Configurations carry injected files; far above real ones, bounded all the same. */
  static final int MAX_RESPONSE = 16 * 1024 * 1024;
  /** The host's arguments and environment together; the CAS reads requests up to 256 KiB. */
  static final int MAX_HOST_DATA = 128 * 1024;
  /** Refusal lines printed at most. */
  private static final int MAX_FAILURES = 50;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Endpoint cas;
  private final HttpClient http;
  private final Duration timeout;

  CasEnclaveClient(Endpoint cas, KeyHash pinned, ClientIdentity identity, Duration timeout) {
    this.cas = cas;
    this.timeout = timeout;
    SSLParameters tls13 = new SSLParameters();
    tls13.setProtocols(new String[] {"TLSv1.3"});
    this.http = HttpClient.newBuilder()
        .sslContext(tls(pinned, identity))
        .sslParameters(tls13)
        .connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  private static SSLContext tls(KeyHash pinned, ClientIdentity identity) {
    try {
      char[] none = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("enclave", identity.privateKey(), none, new Certificate[] {identity.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {pinned != null ? KeyHashPinning.pinned(pinned) : KeyHashPinning.anyServer()}, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS with a fresh P-256 key: " + e.getClass().getSimpleName());
    }
  }

  /**
   * Attests and fetches the configuration.
   *
   * @throws RunFailure {@link ExitCodes#REFUSED} with the CAS's explanation; {@link ExitCodes#UNAVAILABLE}
   *     when the CAS cannot be reached or answers outside the protocol; {@link ExitCodes#USAGE} when the host's
   *     arguments and environment are too large to send
   */
  RuntimeConfig attest(String configId, byte[] quote, List<String> hostArguments, Map<String, String> hostEnvironment)
      throws RunFailure {
    String what = "the CAS at " + cas;
    JsonNode args = JSON.valueToTree(hostArguments);
    JsonNode env = JSON.valueToTree(hostEnvironment);
    int hostData = args.toString().length() + env.toString().length();
    if (hostData > MAX_HOST_DATA) {
      throw new RunFailure(ExitCodes.USAGE, "the program's arguments and this environment take " + hostData
          + " characters, more than the " + MAX_HOST_DATA + " clave run sends to the CAS; unset large variables");
    }
    ObjectNode req = JSON.createObjectNode()
        .put("configId", configId)
        .put("quote", Base64.getEncoder().encodeToString(quote));
    req.set("hostArguments", args);
    req.set("hostEnvironment", env);
    byte[] body = req.toString().getBytes(StandardCharsets.UTF_8);
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create("https://" + cas + "/v1/attest"))
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    } catch (IllegalArgumentException e) {
      throw new RunFailure(ExitCodes.UNAVAILABLE, "cannot reach " + what + ": not a usable address");
    }
    BoundedHttp.Response r = BoundedHttp.exchange(http, request, MAX_RESPONSE, what);
    JsonNode answer;
    try {
      answer = JSON.readTree(r.body());
    } catch (IOException e) {
      answer = null;
    }
    String outcome = answer == null ? "" : answer.path("outcome").asText("");
    if (r.status() == 200 && outcome.equals("ALLOWED")) {
      try {
        return RuntimeConfigJson.parse(answer.get("config"));
      } catch (RuntimeConfigJson.Malformed e) {
        throw new RunFailure(ExitCodes.UNAVAILABLE, what + " sent a configuration clave run cannot read: " + e.getMessage());
      }
    }
    if (r.status() >= 400 && r.status() < 500 && !outcome.isEmpty()) {
      throw refusal(what, configId, r.status(), outcome, answer);
    }
    String error = answer == null ? "" : answer.path("error").asText("");
    throw new RunFailure(ExitCodes.UNAVAILABLE, what + " answered HTTP " + r.status() + " outside the attestation protocol"
        + (error.isEmpty() ? "" : ": " + Printable.line(error, 300)));
  }

  /** The refusal as lines: what was refused and why, each failed check of the decision on its own line. */
  private static RunFailure refusal(String what, String configId, int status, String outcome, JsonNode answer) {
    List<String> lines = new ArrayList<>();
    JsonNode failures = answer.path("decision").path("failures");
    if (failures.isArray() && !failures.isEmpty()) {
      for (JsonNode f : failures) {
        if (lines.size() == MAX_FAILURES) {
          lines.add("… and " + (failures.size() - MAX_FAILURES) + " more");
          break;
        }
        String hint = f.path("hint").asText("");
        lines.add("- " + Printable.line(f.path("code").asText("?"), 60) + ": " + Printable.line(f.path("message").asText(""), 500)
            + (hint.isEmpty() ? "" : "; " + Printable.line(hint, 500)));
      }
    } else {
      answer.path("error").asText("").lines().limit(MAX_FAILURES).forEach(l -> lines.add(Printable.line(l, 500)));
    }
    return new RunFailure(ExitCodes.REFUSED, what + " refused " + configId + ": " + Printable.line(outcome, 60)
        + " (HTTP " + status + "); the program was not started", lines);
  }
}
