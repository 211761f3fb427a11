package dev.clave.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.TeeType;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The PCS client against {@link FakePcs} on a loopback socket; no test touches the network. */
@Timeout(60)
class PcsCollateralSourceTest {
  private static final String SGX_SET = CollateralSets.PHALA_SGX;
  private static final String TDX_SET = CollateralSets.PHALA_TDX;
  private static final CollateralRequest SGX =
      new CollateralRequest(TeeType.SGX, Bytes.fromHex("00A067110000"), PckCaType.PROCESSOR);
  private static final CollateralRequest TDX =
      new CollateralRequest(TeeType.TDX, Bytes.fromHex("B0C06F000000"), PckCaType.PLATFORM);

  private static final String SGX_TCB = "/sgx/certification/v4/tcb";
  private static final String SGX_QE = "/sgx/certification/v4/qe/identity";
  private static final String PCK_CRL = "/sgx/certification/v4/pckcrl";

  private final List<AutoCloseable> closeLater = new ArrayList<>();
  private final MutableClock clock = new MutableClock(CollateralSets.verificationTime(SGX_SET).minus(Duration.ofDays(1)));

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closeLater.reversed()) {
      c.close();
    }
  }

  private FakePcs fake(String... sets) throws Exception {
    FakePcs fake = new FakePcs(sets.length == 0 ? new String[] {SGX_SET, TDX_SET} : sets);
    closeLater.add(fake);
    return fake;
  }

  private PcsCollateralSource source(PcsCollateralSource.Builder builder) {
    PcsCollateralSource source = builder.clock(clock).build();
    closeLater.add(source);
    return source;
  }

  // ---- what is requested, and what comes back ----

  @Test
  void sgxCollateralComesFromTheFourSgxEndpoints() throws Exception {
    FakePcs fake = fake();
    Collateral c = source(fake.source()).fetch(SGX);

    assertThat(c).isEqualTo(CollateralBundle.open(CollateralSets.dir(SGX_SET)).collateral());
    assertThat(fake.requests())
        .containsExactlyInAnyOrder(
            new FakePcs.Seen("GET", "/sgx/certification/v4/pckcrl?ca=processor&encoding=der"),
            new FakePcs.Seen("GET", "/IntelSGXRootCA.der"),
            new FakePcs.Seen("GET", "/sgx/certification/v4/tcb?fmspc=00A067110000"),
            new FakePcs.Seen("GET", "/sgx/certification/v4/qe/identity"));
  }

  @Test
  void tdxCollateralComesFromTheTdxEndpointsAndThePlatformCrl() throws Exception {
    FakePcs fake = fake();
    Collateral c = source(fake.source()).fetch(TDX);

    // The PCK CRL and the root CRL of the SGX set are served, so compare item by item.
    Collateral tdx = CollateralBundle.open(CollateralSets.dir(TDX_SET)).collateral();
    assertThat(c.tcbInfoJson()).isEqualTo(tdx.tcbInfoJson());
    assertThat(c.tcbInfoIssuerChain()).isEqualTo(tdx.tcbInfoIssuerChain());
    assertThat(c.qeIdentityJson()).isEqualTo(tdx.qeIdentityJson());
    assertThat(c.qeIdentityIssuerChain()).isEqualTo(tdx.qeIdentityIssuerChain());
    assertThat(c.pckCrl()).isEqualTo(tdx.pckCrl());
    assertThat(c.pckCrlIssuerChain()).isEqualTo(tdx.pckCrlIssuerChain());
    assertThat(fake.requests())
        .containsExactlyInAnyOrder(
            new FakePcs.Seen("GET", "/sgx/certification/v4/pckcrl?ca=platform&encoding=der"),
            new FakePcs.Seen("GET", "/IntelSGXRootCA.der"),
            new FakePcs.Seen("GET", "/tdx/certification/v4/tcb?fmspc=B0C06F000000"),
            new FakePcs.Seen("GET", "/tdx/certification/v4/qe/identity"));
  }

  @Test
  void aPccsServesTheRootCaCrlAsHexAtItsOwnEndpoint() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pccs = source(PcsCollateralSource.builder().baseUrl(URI.create(fake.baseUrl() + "/")));

    Collateral c = pccs.fetch(SGX);

    assertThat(pccs.rootCaCrlUrl()).isEqualTo(URI.create(fake.baseUrl() + "/sgx/certification/v4/rootcacrl"));
    assertThat(c.rootCaCrl().toByteArray()).isEqualTo(CollateralSets.file(SGX_SET, "root_ca_crl.der"));
    assertThat(fake.count("/sgx/certification/v4/rootcacrl")).isEqualTo(1);
  }

  @Test
  void intelsPcsDefaultsToIntelsRootCaCrlDistributionPoint() {
    PcsCollateralSource intel = PcsCollateralSource.intel();
    closeLater.add(intel);
    assertThat(intel.baseUrl()).isEqualTo(URI.create("https://api.trustedservices.intel.com"));
    assertThat(intel.rootCaCrlUrl())
        .isEqualTo(URI.create("https://certificates.trustedservices.intel.com/IntelSGXRootCA.der"));
  }

  @Test
  void theOlderTcbInfoChainHeaderIsAccepted() throws Exception {
    FakePcs fake = fake();
    fake.tcbChainHeader("SGX-TCB-Info-Issuer-Chain");
    Collateral c = source(fake.source()).fetch(SGX);
    assertThat(c.tcbInfoIssuerChain()).isEqualTo(CollateralSets.text(SGX_SET, "tcb_info_issuer_chain.pem"));
  }

  @Test
  void formEncodedChainsDecodeToo() throws Exception {
    FakePcs fake = fake();
    fake.formEncoding(true);
    Collateral c = source(fake.source()).fetch(SGX);
    assertThat(c).isEqualTo(CollateralBundle.open(CollateralSets.dir(SGX_SET)).collateral());
  }

  // ---- caching ----

  @Test
  void cachedUntilTheEarliestNextUpdateThenFetchedAgain() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source().maxCacheAge(Duration.ofDays(365)));
    Instant earliest = earliestNextUpdate(SGX_SET);
    assertThat(earliest).isAfter(clock.instant());

    Collateral first = pcs.fetch(SGX);
    assertThat(pcs.fetch(SGX)).isSameAs(first);
    clock.set(earliest.minusNanos(1));
    assertThat(pcs.fetch(SGX)).isSameAs(first);
    assertThat(fake.requests()).hasSize(4);
    assertThat(pcs.cacheMisses()).isEqualTo(1);
    assertThat(pcs.cacheHits()).isEqualTo(2);

    clock.set(earliest);
    Collateral second = pcs.fetch(SGX);

    assertThat(second).isNotSameAs(first).isEqualTo(first);
    assertThat(fake.requests()).hasSize(8);
    assertThat(pcs.cacheMisses()).isEqualTo(2);
    // The fake can only serve the same documents, which are stale now: never served from the cache.
    assertThat(pcs.fetch(SGX)).isNotSameAs(second);
    assertThat(pcs.cacheMisses()).isEqualTo(3);
  }

  @Test
  void cachedNoLongerThanMaxCacheAge() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source().maxCacheAge(Duration.ofHours(6)));
    Instant t0 = clock.instant();

    Collateral first = pcs.fetch(SGX);
    clock.set(t0.plus(Duration.ofHours(6)).minusSeconds(1));
    assertThat(pcs.fetch(SGX)).isSameAs(first);
    clock.set(t0.plus(Duration.ofHours(6)));
    assertThat(pcs.fetch(SGX)).isNotSameAs(first);
    assertThat(pcs.cacheMisses()).isEqualTo(2);
  }

  @Test
  void eachRequestKeyIsCachedOnItsOwn() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    // Only the CA differs from SGX: another key, so another load (with the Platform CA's CRL).
    CollateralRequest platformSgx = new CollateralRequest(TeeType.SGX, SGX.fmspc(), PckCaType.PLATFORM);

    Collateral sgx = pcs.fetch(SGX);
    Collateral tdx = pcs.fetch(TDX);
    Collateral platform = pcs.fetch(platformSgx);

    assertThat(pcs.fetch(SGX)).isSameAs(sgx);
    assertThat(pcs.fetch(TDX)).isSameAs(tdx);
    assertThat(pcs.fetch(platformSgx)).isSameAs(platform);
    assertThat(platform.pckCrl().toByteArray()).isEqualTo(CollateralSets.file(TDX_SET, "pck_crl.der"));
    assertThat(platform.tcbInfoJson()).isEqualTo(sgx.tcbInfoJson());
    assertThat(pcs.cacheMisses()).isEqualTo(3);
    assertThat(pcs.cacheHits()).isEqualTo(3);
    assertThat(fake.count("/sgx/certification/v4/tcb")).isEqualTo(2);
    assertThat(fake.count("/tdx/certification/v4/tcb")).isEqualTo(1);
  }

  @Test
  void collateralAlreadyStaleIsHandedOutButNotCached() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    clock.set(earliestNextUpdate(SGX_SET));

    Collateral first = pcs.fetch(SGX);
    Collateral second = pcs.fetch(SGX);

    assertThat(second).isNotSameAs(first).isEqualTo(first);
    assertThat(pcs.cacheMisses()).isEqualTo(2);
  }

  @Test
  void clearCacheForgetsEverything() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    Collateral first = pcs.fetch(SGX);
    pcs.clearCache();
    assertThat(pcs.fetch(SGX)).isNotSameAs(first);
  }

  // ---- concurrency ----

  @Test
  void concurrentFetchesShareOneLoad() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    CountDownLatch release = fake.hold(SGX_TCB);

    List<Future<Collateral>> results = inParallel(16, () -> pcs.fetch(SGX), fake, release);

    Collateral first = results.get(0).get();
    for (Future<Collateral> f : results) {
      assertThat(f.get()).isSameAs(first);
    }
    assertThat(fake.count(SGX_TCB)).isEqualTo(1);
    assertThat(fake.requests()).hasSize(4);
    assertThat(pcs.cacheMisses()).isEqualTo(1);
    assertThat(pcs.cacheHits()).isEqualTo(15);
  }

  @Test
  void aFailedLoadFailsEveryWaiterAndIsNotCached() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    fake.override(SGX_TCB, FakePcs.Reply.status(500, Map.of()));
    CountDownLatch release = fake.hold(SGX_TCB);

    List<Future<Collateral>> results = inParallel(8, () -> pcs.fetch(SGX), fake, release);

    for (Future<Collateral> f : results) {
      ExecutionException e = catchThrowableOfType(ExecutionException.class, f::get);
      assertThat(e.getCause()).isInstanceOf(CollateralHttpException.class);
      assertThat(((CollateralHttpException) e.getCause()).status()).isEqualTo(500);
    }
    assertThat(fake.count(SGX_TCB)).isEqualTo(1);

    fake.clearOverrides();
    assertThat(pcs.fetch(SGX)).isEqualTo(CollateralBundle.open(CollateralSets.dir(SGX_SET)).collateral());
    assertThat(fake.count(SGX_TCB)).isEqualTo(2);
    assertThat(pcs.cacheMisses()).isEqualTo(2);
  }

  /**
   * Starts {@code n} concurrent calls while {@code release} holds the server's answer, lets them all reach
   * the source, then releases it.
   */
  private <T> List<Future<T>> inParallel(int n, Callable<T> call, FakePcs fake, CountDownLatch release)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    closeLater.add(pool::shutdownNow);
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(pool.submit(() -> {
        ready.countDown();
        go.await();
        return call.call();
      }));
    }
    ready.await();
    go.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fake.count(SGX_TCB) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    Thread.sleep(200); // the other callers are now waiting on the held load (or will find its result)
    release.countDown();
    for (Future<T> f : futures) {
      try {
        f.get(20, TimeUnit.SECONDS);
      } catch (ExecutionException expectedForSome) {
        // inspected by the caller
      }
    }
    return futures;
  }

  // ---- failures ----

  @Test
  void notFoundNamesThePathTheStatusAndPcssExplanation() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    CollateralRequest unknown = new CollateralRequest(TeeType.SGX, Bytes.fromHex("00A0671100FF"), PckCaType.PROCESSOR);

    CollateralHttpException e = catchThrowableOfType(CollateralHttpException.class, () -> pcs.fetch(unknown));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.path()).isEqualTo("/sgx/certification/v4/tcb?fmspc=00A0671100FF");
    assertThat(e.getMessage())
        .isEqualTo("GET " + fake.baseUrl() + "/sgx/certification/v4/tcb?fmspc=00A0671100FF: HTTP 404, Error-Code \"NotFound\", "
            + "Error-Message \"no TCB info for 00A0671100FF\"");
  }

  @Test
  void aServerErrorNamesThePathAndStatus() throws Exception {
    FakePcs fake = fake();
    fake.override(PCK_CRL, FakePcs.Reply.status(500, Map.of("Retry-After", "30")));

    CollateralHttpException e = catchThrowableOfType(CollateralHttpException.class, () -> source(fake.source()).fetch(SGX));

    assertThat(e.status()).isEqualTo(500);
    assertThat(e.path()).isEqualTo("/sgx/certification/v4/pckcrl?ca=processor&encoding=der");
    assertThat(e.getMessage()).endsWith(": HTTP 500, Retry-After \"30\"");
  }

  @Test
  void aGarbageBodyIsAFormatErrorNamingTheRequest() throws Exception {
    FakePcs fake = fake();
    FakePcs.Reply normal = fake.normal("/sgx/certification/v4/tcb?fmspc=00A067110000");
    fake.override(SGX_TCB, normal.withBody("<html>maintenance</html>".getBytes(StandardCharsets.US_ASCII), false));

    CollateralFormatException e = catchThrowableOfType(CollateralFormatException.class, () -> source(fake.source()).fetch(SGX));

    assertThat(e.getMessage())
        .isEqualTo("GET " + fake.baseUrl() + "/sgx/certification/v4/tcb?fmspc=00A067110000: TCB info: "
            + "malformed JSON at byte 0: expected a value, found '<'");
  }

  @Test
  void aGarbageCrlIsAFormatErrorNamingTheRequest() throws Exception {
    FakePcs fake = fake();
    FakePcs.Reply normal = fake.normal("/sgx/certification/v4/pckcrl?ca=processor&encoding=der");
    fake.override(PCK_CRL, normal.withBody("not a CRL".getBytes(StandardCharsets.US_ASCII), false));

    assertThatThrownBy(() -> source(fake.source()).fetch(SGX))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("GET " + fake.baseUrl() + "/sgx/certification/v4/pckcrl?ca=processor&encoding=der: PCK CRL is not a DER X.509 CRL: CertificateList at offset 0: expected tag 0x30, found 0x6E");
  }

  @Test
  void anOversizedBodyIsRefusedWithOrWithoutContentLength() throws Exception {
    FakePcs fake = fake();
    FakePcs.Reply normal = fake.normal("/sgx/certification/v4/tcb?fmspc=00A067110000");
    byte[] big = new byte[CollateralJson.MAX_DOCUMENT_BYTES + 1];
    Arrays.fill(big, (byte) ' ');

    for (boolean chunked : new boolean[] {false, true}) {
      fake.override(SGX_TCB, normal.withBody(big, chunked));
      PcsCollateralSource pcs = source(fake.source());

      CollateralHttpException e = catchThrowableOfType(CollateralHttpException.class, () -> pcs.fetch(SGX));

      assertThat(e.status()).as("chunked %s", chunked).isEqualTo(200);
      assertThat(e.path()).isEqualTo("/sgx/certification/v4/tcb?fmspc=00A067110000");
      assertThat(e.getMessage()).endsWith("HTTP 200 but the body is over the limit of 1048576 bytes");
    }
  }

  @Test
  void aMissingIssuerChainHeaderIsNamed() throws Exception {
    FakePcs fake = fake();
    fake.override(SGX_QE, fake.normal(SGX_QE).withHeaders(Map.of()));

    CollateralHttpException e = catchThrowableOfType(CollateralHttpException.class, () -> source(fake.source()).fetch(SGX));

    assertThat(e.status()).isEqualTo(200);
    assertThat(e.path()).isEqualTo(SGX_QE);
    assertThat(e.getMessage()).endsWith(": the response has no SGX-Enclave-Identity-Issuer-Chain header");

    fake.override(SGX_TCB, fake.normal("/sgx/certification/v4/tcb?fmspc=00A067110000").withHeaders(Map.of()));
    fake.override(SGX_QE, fake.normal(SGX_QE));
    assertThatThrownBy(() -> source(fake.source()).fetch(SGX))
        .hasMessageEndingWith(": the response has no TCB-Info-Issuer-Chain or SGX-TCB-Info-Issuer-Chain header");
  }

  @Test
  void aBrokenIssuerChainHeaderIsAFormatError() throws Exception {
    FakePcs fake = fake();
    FakePcs.Reply normal = fake.normal("/sgx/certification/v4/pckcrl?ca=processor&encoding=der");

    Map<String, String> badEscape = new HashMap<>(Map.of("SGX-PCK-CRL-Issuer-Chain", "-----BEGIN%ZZ"));
    fake.override(PCK_CRL, normal.withHeaders(badEscape));
    assertThatThrownBy(() -> source(fake.source()).fetch(SGX))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageEndingWith(": the SGX-PCK-CRL-Issuer-Chain header is not URL-encoded ASCII");

    fake.override(PCK_CRL, normal.withHeaders(Map.of("SGX-PCK-CRL-Issuer-Chain", "no%20certificate")));
    assertThatThrownBy(() -> source(fake.source()).fetch(SGX))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessageEndingWith(": the SGX-PCK-CRL-Issuer-Chain header: no PEM certificate found");
  }

  @Test
  void aServerThatDoesNotAnswerTimesOut() throws Exception {
    FakePcs fake = fake();
    fake.hold(SGX_QE);
    PcsCollateralSource pcs = source(fake.source().requestTimeout(Duration.ofMillis(400)));

    long start = System.nanoTime();
    CollateralHttpException e = catchThrowableOfType(CollateralHttpException.class, () -> pcs.fetch(SGX));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(e.status()).isEqualTo(CollateralHttpException.NO_RESPONSE);
    assertThat(e.path()).isEqualTo(SGX_QE);
    assertThat(e.getMessage()).endsWith(": no complete response in time");
  }

  @Test
  void aRefusedConnectionHasNoStatus() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI dead = URI.create("http://127.0.0.1:" + port);
    PcsCollateralSource pcs = source(PcsCollateralSource.builder().baseUrl(dead).rootCaCrlUrl(URI.create(dead + "/crl")));

    CollateralHttpException e = catchThrowableOfType(CollateralHttpException.class, () -> pcs.fetch(SGX));

    assertThat(e.status()).isEqualTo(CollateralHttpException.NO_RESPONSE);
    assertThat(e.getMessage()).contains("request failed");
  }

  // ---- misuse ----

  @Test
  void aClosedSourceRefusesToFetch() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    pcs.close();
    assertThatThrownBy(() -> pcs.fetch(SGX)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void malformedRequestsAndSettingsAreProgrammingErrors() throws Exception {
    FakePcs fake = fake();
    PcsCollateralSource pcs = source(fake.source());
    assertThatThrownBy(() -> pcs.fetch(new CollateralRequest(TeeType.SGX, Bytes.fromHex("00A0671100"), PckCaType.PROCESSOR)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an FMSPC has 6 bytes, got 5");
    assertThatThrownBy(() -> pcs.fetch(new CollateralRequest(null, SGX.fmspc(), PckCaType.PROCESSOR)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PcsCollateralSource.builder().baseUrl(URI.create("ftp://pcs.example")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PcsCollateralSource.builder().baseUrl(URI.create("https://pcs.example/?x=1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PcsCollateralSource.builder().requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PcsCollateralSource.builder().maxCacheAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void percentDecodingFollowsPcsAndToleratesFormEncoding() {
    assertThat(PcsCollateralSource.percentDecode("a%2Bb%0A%20c+d")).isEqualTo("a+b\n c+d".getBytes(StandardCharsets.US_ASCII));
    assertThat(PcsCollateralSource.percentDecode("-----BEGIN+CERTIFICATE-----%0AMII%2Bx"))
        .isEqualTo("-----BEGIN CERTIFICATE-----\nMII+x".getBytes(StandardCharsets.US_ASCII));
    assertThat(PcsCollateralSource.percentDecode("%2")).isNull();
    assertThat(PcsCollateralSource.percentDecode("%G0")).isNull();
    assertThat(PcsCollateralSource.percentDecode("caf\u00e9")).isNull();
    assertThat(PcsCollateralSource.percentDecode("tab\there")).isNull();
  }

  // ---- helpers ----

  /** The earliest nextUpdate of a set's four documents, read with the JDK's CRL parser and Jackson. */
  private static Instant earliestNextUpdate(String set) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<Instant> all = new ArrayList<>();
    for (String crl : List.of("pck_crl.der", "root_ca_crl.der")) {
      all.add(((X509CRL) cf.generateCRL(new ByteArrayInputStream(CollateralSets.file(set, crl)))).getNextUpdate().toInstant());
    }
    all.add(Instant.parse(CollateralSets.json(set, "tcb_info.json").at("/tcbInfo/nextUpdate").asText()));
    all.add(Instant.parse(CollateralSets.json(set, "qe_identity.json").at("/enclaveIdentity/nextUpdate").asText()));
    return all.stream().min(Instant::compareTo).orElseThrow();
  }

  /** A clock tests set by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
