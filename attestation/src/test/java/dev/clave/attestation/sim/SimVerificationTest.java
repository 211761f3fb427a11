package dev.clave.attestation.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralException;
import dev.clave.attestation.collateral.CollateralSource;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.quote.TdReport;
import dev.clave.attestation.quote.TeeType;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.ReasonCode;
import dev.clave.attestation.verify.Verdict;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulated root through the real verifier: every TCB status of Intel's set and every refusal reason
 * is reached with simulation collateral, by the same {@link QuoteVerifier} that checks hardware quotes.
 */
class SimVerificationTest {
  static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  static final Instant AT = NOW.plus(Duration.ofHours(1));

  // Offsets in a v3 SGX quote (dcap.md): header 48, report body 384, signature data length 4, then the
  // ISV signature, attestation key, QE report, its signature, QE auth data (u16 length) and cert data.
  static final int QE_VENDOR_ID = 12;
  static final int REPORT_BODY = 48;
  static final int ISV_SIGNATURE = 436;
  static final int ATTESTATION_KEY = 500;
  static final int QE_REPORT = 564;
  static final int QE_REPORT_SIGNATURE = 948;
  static final int QE_AUTH_DATA = 1014;

  static SimulationRoot root;
  static SimulationRoot otherRoot;
  static SimPlatform platform;
  static SimCollateral collateral;
  static SimCollateral tdxCollateral;
  static QuoteVerifier verifier;

  @BeforeAll
  static void setUp() {
    root = SimulationRoot.create(NOW.minus(Duration.ofDays(1)));
    otherRoot = SimulationRoot.create(NOW.minus(Duration.ofDays(1)));
    platform = root.issuePlatform(PlatformTcb.ofSvn(TcbLevels.LADDER_UP_TO_DATE_SVN), NOW);
    collateral = root.collateral(options().build());
    tdxCollateral = root.collateral(options().teeType(TeeType.TDX).build());
    verifier = verifier(collateral.collateral());
  }

  static CollateralOptions.Builder options() {
    return CollateralOptions.builder().issueDate(NOW);
  }

  static QuoteVerifier verifier(Collateral c) {
    return QuoteVerifier.builder().trustRoot(root.trustedRoot()).collateralSource(r -> c).build();
  }

  static byte[] sgxQuote(SimPlatform p) {
    return p.quoteSgx(SgxEnclaveSpec.builder().build());
  }

  static SimPlatform platformWithSvn(int svn) {
    return root.reissuePlatform(platform, PlatformTcb.ofSvn(svn), NOW);
  }

  static byte[] flip(byte[] quote, int offset) {
    byte[] copy = quote.clone();
    copy[offset] ^= 0x01;
    return copy;
  }

  @Test
  void upToDateQuoteVerifiesAgainstTheSimulationRootWithItsIdentity() {
    Bytes reportData = Bytes.fromHex("11".repeat(64));
    byte[] quote = platform.quoteSgx(SgxEnclaveSpec.builder().reportData(reportData).build());

    Verdict v = verifier.verify(quote, AT);

    assertThat(v.verified()).as(v.message()).isTrue();
    assertThat(v.root()).isEqualTo("simulation");
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(v.qeTcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(v.advisoryIds()).isEmpty();
    assertThat(v.quoteVersion()).isEqualTo(3);
    assertThat(v.teeType()).isEqualTo(TeeType.SGX);
    assertThat(v.fmspc()).isEqualTo(PlatformTcb.DEFAULT_FMSPC);
    assertThat(v.platformId()).isEqualTo(platform.platformId());
    assertThat(v.debug()).isFalse();
    assertThat(((EnclaveReport) v.body()).reportData()).isEqualTo(reportData);
  }

  @Test
  void debugEnclaveVerifiesAndSaysDebug() {
    Verdict v = verifier.verify(platform.quoteSgx(SgxEnclaveSpec.builder().debug(true).build()), AT);
    assertThat(v.verified()).as(v.message()).isTrue();
    assertThat(v.debug()).isTrue();
  }

  @Test
  void tdxQuoteVerifiesWithTdIdentity() {
    Bytes mrTd = Bytes.fromHex("ab".repeat(48));
    byte[] quote = platform.quoteTdx(TdSpec.builder().mrTd(mrTd).build());

    Verdict v = verifier(tdxCollateral.collateral()).verify(quote, AT);

    assertThat(v.verified()).as(v.message()).isTrue();
    assertThat(v.teeType()).isEqualTo(TeeType.TDX);
    assertThat(v.quoteVersion()).isEqualTo(4);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(((TdReport) v.body()).mrTd()).isEqualTo(mrTd);
  }

  /** The default ladder: platform SVN n selects one level per status. */
  @ParameterizedTest
  @CsvSource({
    "7, UpToDate, true",
    "6, SWHardeningNeeded, true",
    "5, ConfigurationNeeded, true",
    "4, ConfigurationAndSWHardeningNeeded, true",
    "3, OutOfDate, true",
    "2, OutOfDateConfigurationNeeded, true",
    "1, Revoked, false",
  })
  void everyPlatformTcbStatusIsReachable(int svn, String status, boolean verified) {
    Verdict v = verifier.verify(sgxQuote(platformWithSvn(svn)), AT);

    assertThat(v.tcbStatus()).as(v.message()).isEqualTo(TcbStatus.fromJsonName(status).orElseThrow());
    assertThat(v.verified()).isEqualTo(verified);
    if (svn < TcbLevels.LADDER_UP_TO_DATE_SVN) {
      assertThat(v.advisoryIds()).contains(TcbLevels.ladderAdvisory(svn + 1));
    }
    if (!verified) {
      assertThat(v.reason()).isEqualTo(ReasonCode.TCB_REVOKED);
      assertThat(v.message()).contains("Revoked");
    }
  }

  @Test
  void everyStatusInIntelsSetIsCovered() {
    Set<TcbStatus> reached = EnumSet.noneOf(TcbStatus.class);
    for (int svn = 1; svn <= TcbLevels.LADDER_UP_TO_DATE_SVN; svn++) {
      reached.add(verifier.verify(sgxQuote(platformWithSvn(svn)), AT).tcbStatus());
    }
    assertThat(reached).containsExactlyInAnyOrder(TcbStatus.values());
  }

  @Test
  void outOfDateQuotingEnclaveMakesAnUpToDatePlatformOutOfDate() {
    SimPlatform oldQe = root.reissuePlatform(platform, platform.tcb().withQeSvn(2), NOW);

    Verdict v = verifier.verify(sgxQuote(oldQe), AT);

    assertThat(v.verified()).as(v.message()).isTrue();
    assertThat(v.qeTcbStatus()).isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.OUT_OF_DATE);
  }

  @Test
  void simulatedQuoteIsRefusedWhenOnlyIntelsRootIsTrusted() {
    QuoteVerifier intelOnly =
        QuoteVerifier.builder().collateralSource(r -> collateral.collateral()).build();

    Verdict v = intelOnly.verify(sgxQuote(platform), AT);

    assertThat(v.verified()).isFalse();
    assertThat(v.reason()).isEqualTo(ReasonCode.PCK_CHAIN_UNTRUSTED);
    assertThat(v.root()).isNull();
  }

  @ParameterizedTest
  @EnumSource(ReasonCode.class)
  void everyRefusalReasonIsReachable(ReasonCode reason) {
    Supplier<Verdict> scenario = SCENARIOS.get(reason);
    assertThat(scenario).as("a simulation scenario for " + reason).isNotNull();

    Verdict v = scenario.get();

    assertThat(v.verified()).as(v.message()).isFalse();
    assertThat(v.reason()).as(v.message()).isEqualTo(reason);
    assertThat(v.message()).isNotBlank().doesNotContain("Exception");
  }

  static final Map<ReasonCode, Supplier<Verdict>> SCENARIOS = new EnumMap<>(ReasonCode.class);

  static {
    SCENARIOS.put(ReasonCode.MALFORMED_QUOTE, () -> {
      byte[] q = sgxQuote(platform);
      return verifier.verify(java.util.Arrays.copyOf(q, q.length - 100), AT);
    });
    SCENARIOS.put(ReasonCode.UNSUPPORTED_QUOTE_FORMAT,
        () -> verifier.verify(flip(sgxQuote(platform), QE_VENDOR_ID), AT));
    SCENARIOS.put(ReasonCode.INVALID_ATTESTATION_KEY, () -> {
      byte[] q = sgxQuote(platform);
      java.util.Arrays.fill(q, ATTESTATION_KEY, ATTESTATION_KEY + 64, (byte) 0); // (0,0) is not on P-256
      return verifier.verify(q, AT);
    });
    SCENARIOS.put(ReasonCode.PCK_CHAIN_INVALID,
        () -> verifier.verify(sgxQuote(pckIssuedWith(root.tcbSigningKey(), validExtension())), AT));
    SCENARIOS.put(ReasonCode.PCK_CHAIN_UNTRUSTED, () -> QuoteVerifier.builder()
        .trustRoot(otherRoot.trustedRoot()).collateralSource(r -> collateral.collateral()).build()
        .verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.PCK_EXTENSIONS_INVALID, () -> verifier.verify(
        sgxQuote(pckIssuedWith(root.pckCaKey(), new DERSequence(new DEROctetString(new byte[] {1, 2, 3})))), AT));
    SCENARIOS.put(ReasonCode.PCK_REVOKED, () -> verifier(root.collateral(options().revokePck(platform).build())
        .collateral()).verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.INTERMEDIATE_CA_REVOKED, () -> verifier(root.collateral(options().revokePckCa().build())
        .collateral()).verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.TCB_SIGNING_CERT_REVOKED, () -> verifier(root.collateral(
        options().revokeTcbSigningCert().build()).collateral()).verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.COLLATERAL_UNAVAILABLE, () -> QuoteVerifier.builder()
        .trustRoot(root.trustedRoot())
        .collateralSource(unavailable())
        .build()
        .verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.COLLATERAL_INVALID, () -> {
      Collateral c = collateral.collateral();
      byte[] json = c.tcbInfoJson().toByteArray();
      return verifier(replace(c, Part.TCB_INFO, java.util.Arrays.copyOf(json, json.length / 2))).verify(sgxQuote(platform), AT);
    });
    // Collateral parts issued under another root, next to a genuine issuer chain: signatures fail.
    SCENARIOS.put(ReasonCode.CRL_SIGNATURE_INVALID, () -> verifier(replace(collateral.collateral(), Part.ROOT_CRL,
        otherRoot.collateral(options().build()).rootCaCrlDer())).verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.TCB_INFO_SIGNATURE_INVALID, () -> verifier(replace(collateral.collateral(), Part.TCB_INFO,
        otherRoot.collateral(options().build()).tcbInfoJson().getBytes(StandardCharsets.UTF_8)))
        .verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.QE_IDENTITY_SIGNATURE_INVALID, () -> verifier(replace(collateral.collateral(),
        Part.QE_IDENTITY, otherRoot.collateral(options().build()).qeIdentityJson().getBytes(StandardCharsets.UTF_8)))
        .verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.COLLATERAL_EXPIRED,
        () -> verifier.verify(sgxQuote(platform), NOW.plus(CollateralOptions.DEFAULT_VALIDITY).plusSeconds(1)));
    SCENARIOS.put(ReasonCode.COLLATERAL_NOT_YET_VALID,
        () -> verifier.verify(sgxQuote(platform), NOW.minusSeconds(1)));
    SCENARIOS.put(ReasonCode.TCB_INFO_MISMATCH, () -> verifier(root.collateral(options().fmspc("00A065510000").build())
        .collateral()).verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.QE_IDENTITY_MISMATCH, () -> verifier(root.collateral(
        options().qeMrSigner(Bytes.fromHex("5a".repeat(32))).build()).collateral()).verify(sgxQuote(platform), AT));
    SCENARIOS.put(ReasonCode.QE_REPORT_SIGNATURE_INVALID,
        () -> verifier.verify(flip(sgxQuote(platform), QE_REPORT_SIGNATURE + 10), AT));
    SCENARIOS.put(ReasonCode.QE_REPORT_DATA_MISMATCH,
        () -> verifier.verify(flip(sgxQuote(platform), QE_AUTH_DATA), AT));
    SCENARIOS.put(ReasonCode.QUOTE_SIGNATURE_INVALID,
        () -> verifier.verify(flip(sgxQuote(platform), REPORT_BODY + 64), AT));
    SCENARIOS.put(ReasonCode.TDX_MODULE_MISMATCH, () -> verifier(root.collateral(options().teeType(TeeType.TDX)
        .tdxModuleMrSigner(Bytes.fromHex("77".repeat(48))).build()).collateral())
        .verify(platform.quoteTdx(TdSpec.builder().build()), AT));
    SCENARIOS.put(ReasonCode.TCB_NOT_SUPPORTED, () -> verifier.verify(sgxQuote(platformWithSvn(0)), AT));
    SCENARIOS.put(ReasonCode.TCB_REVOKED, () -> verifier.verify(sgxQuote(platformWithSvn(1)), AT));
  }

  @Test
  void flippedBytesInEachSignedPartRefuseEachWithItsOwnReason() {
    byte[] q = sgxQuote(platform);
    assertThat(verifier.verify(flip(q, REPORT_BODY + 100), AT).reason()).isEqualTo(ReasonCode.QUOTE_SIGNATURE_INVALID);
    assertThat(verifier.verify(flip(q, ISV_SIGNATURE + 5), AT).reason()).isEqualTo(ReasonCode.QUOTE_SIGNATURE_INVALID);
    assertThat(verifier.verify(flip(q, QE_REPORT + 100), AT).reason())
        .isEqualTo(ReasonCode.QE_REPORT_SIGNATURE_INVALID);
    assertThat(verifier.verify(flip(q, QE_REPORT_SIGNATURE + 40), AT).reason())
        .isEqualTo(ReasonCode.QE_REPORT_SIGNATURE_INVALID);
    assertThat(verifier.verify(flip(q, QE_AUTH_DATA + 31), AT).reason()).isEqualTo(ReasonCode.QE_REPORT_DATA_MISMATCH);
    assertThat(verifier.verify(flip(q, ATTESTATION_KEY + 63), AT).reason())
        .isIn(ReasonCode.INVALID_ATTESTATION_KEY, ReasonCode.QE_REPORT_DATA_MISMATCH);
  }

  @Test
  void expiredPckCrlIsRefusedAsExpired() {
    Collateral c = root.collateral(options().pckCrlNextUpdate(NOW.plus(Duration.ofMinutes(30))).build()).collateral();

    Verdict v = verifier(c).verify(sgxQuote(platform), AT);

    assertThat(v.reason()).isEqualTo(ReasonCode.COLLATERAL_EXPIRED);
    assertThat(v.message()).contains("PCK CRL");
  }

  @Test
  void truncatedSimulatedQuoteIsMalformedAtEveryLength() {
    byte[] q = sgxQuote(platform);
    for (int len = 0; len < q.length; len++) {
      Verdict v = verifier.verify(java.util.Arrays.copyOf(q, len), AT);
      assertThat(v.reason()).as("length %d", len).isEqualTo(ReasonCode.MALFORMED_QUOTE);
    }
  }

  /** A platform whose PCK certificate is signed by {@code issuerKey} and carries {@code sgxExtension}. */
  static SimPlatform pckIssuedWith(SimKey issuerKey, ASN1Encodable sgxExtension) {
    SecureRandom random = new SecureRandom();
    SimKey pckKey = SimKey.generate(random);
    BigInteger serial = SimCertificates.newSerial(random);
    byte[] der = SimCertificates.der(SimCertificates.issue(
        SimCertificates.PCK_CERTIFICATE, pckKey, SimCertificates.PCK_PLATFORM_CA, issuerKey, serial,
        NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(365)), SimCertificates.Role.END_ENTITY,
        SimCertificates.PCK_CRL_URL, Map.<ASN1ObjectIdentifier, ASN1Encodable>of(PckExtensions.SGX_EXTENSIONS, sgxExtension)));
    return new SimPlatform(platform.tcb(), pckKey, platform.attestationKey(), der, serial, root.pckIssuerChainPem(),
        platform.ppid(), Bytes.fromHex("00".repeat(16)));
  }

  static ASN1Encodable validExtension() {
    return SgxExtension.encode(platform.tcb(), platform.ppid(), Bytes.fromHex("00".repeat(16)));
  }

  static CollateralSource unavailable() {
    return r -> {
      throw new CollateralException("PCS answered 503 for /sgx/certification/v4/tcb");
    };
  }

  enum Part { ROOT_CRL, TCB_INFO, QE_IDENTITY }

  static Collateral replace(Collateral c, Part part, byte[] value) {
    return new Collateral(
        c.pckCrl(),
        c.pckCrlIssuerChain(),
        part == Part.ROOT_CRL ? Bytes.wrap(value) : c.rootCaCrl(),
        part == Part.TCB_INFO ? Bytes.wrap(value) : c.tcbInfoJson(),
        c.tcbInfoIssuerChain(),
        part == Part.QE_IDENTITY ? Bytes.wrap(value) : c.qeIdentityJson(),
        c.qeIdentityIssuerChain());
  }
}
