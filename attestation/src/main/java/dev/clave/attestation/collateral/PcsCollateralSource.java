package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.ParsedCrl;
import dev.clave.attestation.quote.TeeType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collateral from Intel's Provisioning Certification Service (PCS) or a PCCS, over its v4 API:
 *
 * <ul>
 *   <li>{@code GET /sgx/certification/v4/pckcrl?ca=processor|platform&encoding=der}, issuer chain in
 *       {@code SGX-PCK-CRL-Issuer-Chain};
 *   <li>{@code GET /sgx|tdx/certification/v4/tcb?fmspc=<12 hex>}, issuer chain in
 *       {@code TCB-Info-Issuer-Chain} (or the older {@code SGX-TCB-Info-Issuer-Chain});
 *   <li>{@code GET /sgx|tdx/certification/v4/qe/identity}, issuer chain in
 *       {@code SGX-Enclave-Identity-Issuer-Chain};
 *   <li>the root CA CRL from its own URL (Intel's CRL distribution point, or a PCCS's
 *       {@code /sgx/certification/v4/rootcacrl}, which serves it as hex).
 * </ul>
 *
 * Issuer-chain headers are URL-encoded PEM. The four requests of one fetch run concurrently under one
 * overall deadline; every body has a size limit. Everything fetched is checked for form (so a broken
 * response is reported with its request) but not for signatures: the verifier does that.
 *
 * <p><b>Caching.</b> Collateral is cached per request (TEE, FMSPC, CA) until the earliest {@code nextUpdate}
 * of its four documents, and at most {@link Builder#maxCacheAge} after it was fetched, so that revocations
 * and TCB recoveries Intel publishes before {@code nextUpdate} are picked up (Intel's PCCS refreshes daily
 * by default; so does this). While cached the same {@link Collateral} instance is returned. Concurrent
 * fetches of one request share a single load; a failed load is reported to every caller that waited for
 * it and is not cached. Time comes from the injected {@link Clock}; timeouts use the monotonic clock.
 *
 * <p>Thread-safe. Closing it aborts requests under way; fetching afterwards is an error.
 */
public final class PcsCollateralSource implements CollateralSource, AutoCloseable {
  public static final URI INTEL_PCS = URI.create("https://api.trustedservices.intel.com");

  /** The CRL distribution point of the Intel SGX Root CA certificate (DER). */
  public static final URI INTEL_ROOT_CA_CRL =
      URI.create("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der");

  static final String PCK_CRL_CHAIN_HEADER = "SGX-PCK-CRL-Issuer-Chain";
  static final List<String> TCB_INFO_CHAIN_HEADERS = List.of("TCB-Info-Issuer-Chain", "SGX-TCB-Info-Issuer-Chain");
  static final String ENCLAVE_IDENTITY_CHAIN_HEADER = "SGX-Enclave-Identity-Issuer-Chain";

  private final URI baseUrl;
  private final URI rootCaCrlUrl;
  private final Clock clock;
  private final Duration requestTimeout;
  private final Duration maxCacheAge;
  private final HttpClient http;
  private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private volatile boolean closed;

  private PcsCollateralSource(Builder b) {
    this.baseUrl = b.baseUrl;
    this.rootCaCrlUrl =
        b.rootCaCrlUrl != null
            ? b.rootCaCrlUrl
            : b.baseUrl.equals(INTEL_PCS) ? INTEL_ROOT_CA_CRL : resolve(b.baseUrl, "/sgx/certification/v4/rootcacrl");
    this.clock = b.clock;
    this.requestTimeout = b.requestTimeout;
    this.maxCacheAge = b.maxCacheAge;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(b.connectTimeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Intel's PCS with the default settings. */
  public static PcsCollateralSource intel() {
    return builder().build();
  }

  public URI baseUrl() {
    return baseUrl;
  }

  public URI rootCaCrlUrl() {
    return rootCaCrlUrl;
  }

  /** Fetches answered without a load of their own: from the cache, or by waiting for another caller's load. */
  public long cacheHits() {
    return hits.get();
  }

  /** Loads started (each makes the four requests). */
  public long cacheMisses() {
    return misses.get();
  }

  /** Forgets all cached collateral; loads under way finish and are cached as usual. */
  public void clearCache() {
    slots.values().removeIf(s -> s instanceof Cached);
  }

  @Override
  public Collateral fetch(CollateralRequest request) throws CollateralException {
    Key key = Key.of(request);
    while (true) {
      if (closed) {
        throw new IllegalStateException("the PCS collateral source is closed");
      }
      Slot slot = slots.get(key);
      if (slot instanceof Cached c) {
        if (clock.instant().isBefore(c.expiresAt())) {
          hits.incrementAndGet();
          return c.collateral();
        }
      } else if (slot instanceof Loading l) {
        hits.incrementAndGet();
        return await(l);
      }
      Loading mine = new Loading(new CompletableFuture<>());
      boolean won = slot == null ? slots.putIfAbsent(key, mine) == null : slots.replace(key, slot, mine);
      if (won) {
        misses.incrementAndGet();
        return loadInto(key, mine);
      }
      // Another caller changed the slot first: look again.
    }
  }

  private Collateral loadInto(Key key, Loading mine) throws CollateralException {
    try {
      Loaded loaded = load(key);
      if (loaded.expiresAt().isAfter(clock.instant())) {
        slots.replace(key, mine, new Cached(loaded.collateral(), loaded.expiresAt()));
      } else {
        // Already stale as served: hand it out (the verifier will say it expired) but do not keep it.
        slots.remove(key, mine);
      }
      mine.future().complete(loaded.collateral());
      return loaded.collateral();
    } catch (Throwable t) {
      slots.remove(key, mine);
      mine.future().completeExceptionally(t);
      throw t;
    }
  }

  /** Waits for another caller's load; its failure is this caller's failure too (it is not retried). */
  private static Collateral await(Loading loading) throws CollateralException {
    try {
      return loading.future().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CollateralException("interrupted while waiting for collateral being fetched", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CollateralException ce) {
        throw ce;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new CollateralException("fetching collateral failed: " + cause, cause);
    }
  }

  // ---- one load: four concurrent requests ----

  private Loaded load(Key key) throws CollateralException {
    long deadline = System.nanoTime() + requestTimeout.toNanos();
    String tee = key.tee().pcsName();
    List<Exchange> started = new ArrayList<>();
    try {
      Exchange pckCrl =
          start(resolve(baseUrl, "/sgx/certification/v4/pckcrl?ca=" + key.ca().pcsName() + "&encoding=der"),
              CollateralParts.MAX_CRL_BYTES, started);
      Exchange rootCrl = start(rootCaCrlUrl, CollateralParts.MAX_CRL_BYTES, started);
      Exchange tcbInfo =
          start(resolve(baseUrl, "/" + tee + "/certification/v4/tcb?fmspc=" + key.fmspc().hexUpper()),
              CollateralJson.MAX_DOCUMENT_BYTES, started);
      Exchange qeIdentity =
          start(resolve(baseUrl, "/" + tee + "/certification/v4/qe/identity"),
              CollateralJson.MAX_DOCUMENT_BYTES, started);

      HttpResponse<byte[]> r = pckCrl.await(deadline);
      byte[] pckCrlDer = CollateralParts.derOrHex(r.body());
      ParsedCrl pck = crl(pckCrlDer, "PCK CRL", pckCrl);
      String pckCrlChain = issuerChain(r, List.of(PCK_CRL_CHAIN_HEADER), pckCrl);

      r = rootCrl.await(deadline);
      byte[] rootCrlDer = CollateralParts.derOrHex(r.body());
      ParsedCrl root = crl(rootCrlDer, "root CA CRL", rootCrl);

      r = tcbInfo.await(deadline);
      byte[] tcbInfoJson = r.body();
      String tcbInfoChain = issuerChain(r, TCB_INFO_CHAIN_HEADERS, tcbInfo);
      TcbInfo info;
      try {
        info = TcbInfo.parse(Bytes.wrap(tcbInfoJson)).value();
      } catch (CollateralFormatException e) {
        throw e.within("GET " + tcbInfo.uri());
      }

      r = qeIdentity.await(deadline);
      byte[] qeIdentityJson = r.body();
      String qeIdentityChain = issuerChain(r, List.of(ENCLAVE_IDENTITY_CHAIN_HEADER), qeIdentity);
      EnclaveIdentity qe;
      try {
        qe = EnclaveIdentity.parse(Bytes.wrap(qeIdentityJson)).value();
      } catch (CollateralFormatException e) {
        throw e.within("GET " + qeIdentity.uri());
      }

      Collateral collateral =
          new Collateral(
              Bytes.wrap(pckCrlDer), pckCrlChain, Bytes.wrap(rootCrlDer), Bytes.wrap(tcbInfoJson), tcbInfoChain,
              Bytes.wrap(qeIdentityJson), qeIdentityChain);
      Instant expiresAt = clock.instant().plus(maxCacheAge);
      for (Instant next : List.of(pck.nextUpdate(), root.nextUpdate(), info.nextUpdate(), qe.nextUpdate())) {
        if (next.isBefore(expiresAt)) {
          expiresAt = next;
        }
      }
      return new Loaded(collateral, expiresAt);
    } finally {
      // On failure the other requests are of no use; on success this is a no-op.
      for (Exchange e : started) {
        e.future().cancel(true);
      }
    }
  }

  private Exchange start(URI uri, int maxBytes, List<Exchange> started) {
    HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(requestTimeout).build();
    Exchange e = new Exchange(uri, http.sendAsync(request, BoundedBody.handler(maxBytes)));
    started.add(e);
    return e;
  }

  private static ParsedCrl crl(byte[] der, String what, Exchange e) throws CollateralFormatException {
    try {
      return CollateralParts.crl(der, what);
    } catch (CollateralFormatException ex) {
      throw ex.within("GET " + e.uri());
    }
  }

  /** The issuer chain from the first of {@code names} present: URL-decoded, ASCII PEM. */
  private static String issuerChain(HttpResponse<byte[]> r, List<String> names, Exchange e)
      throws CollateralException {
    for (String name : names) {
      List<String> values = r.headers().allValues(name);
      if (values.isEmpty()) {
        continue;
      }
      if (values.size() > 1) {
        throw new CollateralHttpException(
            e.path(), r.statusCode(), "GET " + e.uri() + ": the response has " + values.size() + " " + name
                + " headers", null);
      }
      String raw = values.get(0);
      if (raw.length() > 3 * CollateralParts.MAX_CHAIN_BYTES) {
        throw new CollateralHttpException(
            e.path(), r.statusCode(), "GET " + e.uri() + ": the " + name + " header is over the size limit", null);
      }
      byte[] pem = percentDecode(raw);
      if (pem == null) {
        throw new CollateralFormatException(
            "GET " + e.uri() + ": the " + name + " header is not URL-encoded ASCII");
      }
      try {
        return CollateralParts.issuerChain(pem, "the " + name + " header");
      } catch (CollateralFormatException ex) {
        throw ex.within("GET " + e.uri());
      }
    }
    throw new CollateralHttpException(
        e.path(), r.statusCode(), "GET " + e.uri() + ": the response has no " + String.join(" or ", names)
            + " header", null);
  }

  /**
   * Decodes {@code %XX} escapes. Intel encodes spaces as {@code %20} and leaves no literal '+', but a
   * server that form-encodes writes spaces as '+' (and base64's '+' as {@code %2B}); the PEM armour line
   * tells the two apart. Returns null on a bad escape or a non-printable character.
   */
  static byte[] percentDecode(String s) {
    boolean plusIsSpace = s.contains("BEGIN+CERTIFICATE");
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          return null;
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0 || s.charAt(i + 1) > 'f' || s.charAt(i + 2) > 'f') {
          return null;
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else if (c >= 0x20 && c < 0x7f) {
        out.write(c);
      } else {
        return null;
      }
    }
    return out.toByteArray();
  }

  private static URI resolve(URI base, String pathAndQuery) {
    String b = base.toString();
    while (b.endsWith("/")) {
      b = b.substring(0, b.length() - 1);
    }
    return URI.create(b + pathAndQuery);
  }

  /** Aborts requests under way and releases the HTTP client; later fetches fail. */
  @Override
  public void close() {
    closed = true;
    http.shutdownNow();
    http.close();
    slots.clear();
  }

  // ---- internals ----

  /** What one fetch is cached under; the request's FMSPC must be the PCK certificate's 6 bytes. */
  private record Key(TeeType tee, Bytes fmspc, PckCaType ca) {
    static Key of(CollateralRequest r) {
      Objects.requireNonNull(r, "request");
      Objects.requireNonNull(r.teeType(), "request.teeType");
      Objects.requireNonNull(r.fmspc(), "request.fmspc");
      Objects.requireNonNull(r.caType(), "request.caType");
      if (r.fmspc().length() != 6) {
        throw new IllegalArgumentException("an FMSPC has 6 bytes, got " + r.fmspc().length());
      }
      return new Key(r.teeType(), r.fmspc(), r.caType());
    }
  }

  private sealed interface Slot permits Cached, Loading {}

  private record Cached(Collateral collateral, Instant expiresAt) implements Slot {}

  private record Loading(CompletableFuture<Collateral> future) implements Slot {}

  private record Loaded(Collateral collateral, Instant expiresAt) {}

  /** One request under way. */
  private record Exchange(URI uri, CompletableFuture<HttpResponse<byte[]>> future) {
    String path() {
      String q = uri.getRawQuery();
      return uri.getRawPath() + (q == null ? "" : "?" + q);
    }

    /** The 200 response, or the reason there is none; waits no later than {@code deadline} (nanoTime). */
    HttpResponse<byte[]> await(long deadline) throws CollateralException {
      HttpResponse<byte[]> r;
      try {
        r = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CollateralHttpException(
            path(), CollateralHttpException.NO_RESPONSE, "GET " + uri + ": interrupted", e);
      } catch (TimeoutException e) {
        throw timedOut(e);
      } catch (CancellationException e) {
        throw new CollateralHttpException(
            path(), CollateralHttpException.NO_RESPONSE, "GET " + uri + ": cancelled", e);
      } catch (ExecutionException e) {
        throw failed(e.getCause());
      }
      if (r.statusCode() != 200) {
        throw new CollateralHttpException(path(), r.statusCode(), "GET " + uri + ": HTTP " + r.statusCode()
            + pcsError(r), null);
      }
      return r;
    }

    private CollateralHttpException timedOut(Exception cause) {
      return new CollateralHttpException(
          path(), CollateralHttpException.NO_RESPONSE, "GET " + uri + ": no complete response in time", cause);
    }

    private CollateralHttpException failed(Throwable cause) {
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof BoundedBody.TooLarge tooLarge) {
          return new CollateralHttpException(
              path(), 200, "GET " + uri + ": HTTP 200 but the body is over the limit of " + tooLarge.limit + " bytes",
              tooLarge);
        }
        if (t instanceof HttpTimeoutException) {
          return timedOut((Exception) t);
        }
      }
      String what = cause instanceof IOException && cause.getMessage() != null
          ? cause.getClass().getSimpleName() + ": " + cause.getMessage()
          : String.valueOf(cause);
      return new CollateralHttpException(
          path(), CollateralHttpException.NO_RESPONSE, "GET " + uri + ": request failed: " + what, cause);
    }

    /** PCS explains refusals in Error-Code / Error-Message headers, and throttling in Retry-After. */
    private static String pcsError(HttpResponse<?> r) {
      StringBuilder sb = new StringBuilder();
      for (String name : List.of("Error-Code", "Error-Message", "Retry-After")) {
        r.headers().firstValue(name).ifPresent(v -> sb.append(", ").append(name).append(' ').append(JsonPath.quote(v)));
      }
      return sb.toString();
    }
  }

  /** Settings; every one has a default suitable for Intel's PCS. */
  public static final class Builder {
    private URI baseUrl = INTEL_PCS;
    private URI rootCaCrlUrl;
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration maxCacheAge = Duration.ofHours(24);

    private Builder() {}

    /**
     * The PCS or PCCS base URL, without the {@code /sgx/certification/v4} part; default {@link #INTEL_PCS}.
     */
    public Builder baseUrl(URI baseUrl) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("the base URL must be http or https: " + baseUrl);
      }
      if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
        throw new IllegalArgumentException("the base URL must have no query or fragment: " + baseUrl);
      }
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Where the root CA CRL is fetched (DER or hex). Default: {@link #INTEL_ROOT_CA_CRL} for Intel's PCS,
     * otherwise the PCCS endpoint {@code <base>/sgx/certification/v4/rootcacrl}.
     */
    public Builder rootCaCrlUrl(URI rootCaCrlUrl) {
      this.rootCaCrlUrl = Objects.requireNonNull(rootCaCrlUrl, "rootCaCrlUrl");
      return this;
    }

    /** The clock that decides whether cached collateral is still current; default UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Time to establish a connection; default 10 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** Time for all four responses of one fetch, bodies included; default 30 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** The longest collateral is served from the cache, whatever its {@code nextUpdate}; default 24 h. */
    public Builder maxCacheAge(Duration age) {
      this.maxCacheAge = positive(age, "maxCacheAge");
      return this;
    }

    public PcsCollateralSource build() {
      return new PcsCollateralSource(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }
}
