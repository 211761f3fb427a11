package dev.clave.cas.client;

import dev.clave.cas.CasConfig;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * The client side of a CAS's client API: TLS 1.3 to a CAS pinned by its key hash, presenting the CLI's
 * identity as client certificate (the CAS's access policies name clients by its key hash).
 */
public final class CasClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final HttpClient http;

  private CasClient(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  /**
   * A client for the CAS at {@code address}: {@code host}, {@code host:port} or {@code https://host:port}
   * (default port 8081).
   */
  public static CasClient connect(String address, KeyHash casKeyHash, ClientIdentity identity) {
    return connect(address, KeyHashPinning.pinned(casKeyHash), identity.privateKey(), identity.certificate());
  }

  /**
   * A client for the CAS at {@code address} that {@code trust} accepts (e.g. one of a primary's registered
   * backups), presenting {@code key} and {@code certificate} (e.g. a CAS's own identity).
   */
  public static CasClient connect(String address, KeyHashPinning trust, java.security.PrivateKey key,
      java.security.cert.X509Certificate certificate) {
    return new CasClient(baseUri(address), HttpClient.newBuilder()
        .sslContext(sslContext(trust, key, certificate))
        .sslParameters(tls13())
        .connectTimeout(TIMEOUT)
        .version(HttpClient.Version.HTTP_1_1)
        .build());
  }

  /** {@code path} at the CAS at {@code address} (as {@link #connect} reads addresses). */
  public static URI connectUri(String address, String path) {
    return baseUri(address).resolve(path);
  }

  static URI baseUri(String address) {
    String a = address.strip();
    if (a.startsWith("https://")) {
      a = a.substring("https://".length());
    } else if (a.contains("://")) {
      throw new IllegalArgumentException("a CAS address is host[:port] or https://host[:port], not " + address);
    }
    if (a.endsWith("/")) {
      a = a.substring(0, a.length() - 1);
    }
    boolean hasPort = a.startsWith("[") ? a.contains("]:") : a.indexOf(':') >= 0 && a.indexOf(':') == a.lastIndexOf(':');
    try {
      return URI.create("https://" + a + (hasPort ? "" : ":" + CasConfig.DEFAULT_CLIENT_PORT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a CAS address: " + address);
    }
  }

  private static SSLParameters tls13() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    return p;
  }

  private static SSLContext sslContext(KeyHashPinning trust, java.security.PrivateKey key,
      java.security.cert.X509Certificate certificate) {
    try {
      char[] none = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("client", key, none, new Certificate[] {certificate});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {trust}, null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS with this identity: " + e.getMessage(), e);
    }
  }

  public URI base() {
    return base;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).DELETE().build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** A POST with any body and its own timeout (uploads). */
  public HttpResponse<String> post(String path, String contentType, HttpRequest.BodyPublisher body, Duration timeout)
      throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
            .header("Content-Type", contentType).POST(body).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  public HttpResponse<String> post(String path, String contentType, String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }
}
