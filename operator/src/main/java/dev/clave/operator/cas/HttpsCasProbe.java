package dev.clave.operator.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.client.KeyHashPinning;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/** {@code GET https://ADDR/v1/cas} → {"keyHash", "provisioned", …}, TLS 1.3, no client certificate needed. */
final class HttpsCasProbe implements CasProbe {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Function<Cas, String> address;

  HttpsCasProbe(Function<Cas, String> address) {
    this.address = address;
  }

  @Override
  public CasInfo describe(Cas cas, Optional<KeyHash> pinned) throws IOException, InterruptedException {
    String addr = address.apply(cas);
    HttpClient http = HttpClient.newBuilder().sslContext(tls(pinned)).sslParameters(tls13())
        .connectTimeout(TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> res;
    try {
      res = http.send(HttpRequest.newBuilder(URI.create("https://" + addr + "/v1/cas")).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IOException("cannot reach the CAS at " + addr + ": " + describe(e));
    }
    if (res.statusCode() != 200) {
      throw new IOException("the CAS at " + addr + " answered HTTP " + res.statusCode() + " to GET /v1/cas");
    }
    CasInfo self;
    try {
      self = parse(res.body());
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("the CAS at " + addr + " did not describe itself (GET /v1/cas)");
    }
    boolean attestable;
    try {
      attestable = http.send(HttpRequest.newBuilder(URI.create("https://" + addr + "/v1/cas/attestation")).timeout(TIMEOUT)
          .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      attestable = false;
    }
    return new CasInfo(self.keyHash(), self.provisioned(), attestable, self.snapshots());
  }

  /** The body of {@code GET /v1/cas}; attestable is left false (asked separately). */
  static CasInfo parse(String body) throws IOException {
    JsonNode n = JSON.readTree(body);
    KeyHash key = KeyHash.parse(n.path("keyHash").asText());
    boolean provisioned = n.path("provisioned").asBoolean(false);
    // Older CASes have no "snapshots": the status fields then stay unset rather than guessed.
    JsonNode s = n.path("snapshots");
    Optional<Snapshots> snapshots = s.isObject() && s.path("status").isTextual()
        ? Optional.of(new Snapshots(s.path("status").asText(), text(s, "timestamp"), text(s, "interval"), text(s, "error")))
        : Optional.empty();
    return new CasInfo(key, provisioned, false, snapshots);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isValueNode() && !v.isNull() && !v.asText().isEmpty() ? v.asText() : null;
  }

  private static String describe(IOException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  private static SSLParameters tls13() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    return p;
  }

  private static SSLContext tls(Optional<KeyHash> pinned) throws IOException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(null, new TrustManager[] {pinned.map(KeyHashPinning::pinned).orElseGet(KeyHashPinning::anyServer)}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage());
    }
  }
}
