package dev.clave.attestation.sim;

import static dev.clave.attestation.sim.SimScenarios.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.quote.TdReport;
import dev.clave.attestation.quote.TeeType;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.ReasonCode;
import dev.clave.attestation.verify.Verdict;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulated root through the real verifier: every TCB status of Intel's set and every refusal reason
 * is reached with simulation collateral, by the same {@link QuoteVerifier} that checks hardware quotes.
 */
class SimVerificationTest {
  static final SimulationRoot root = SimScenarios.root();
  static final SimPlatform platform = SimScenarios.platform();
  static final SimCollateral collateral = SimScenarios.collateral();
  static final SimCollateral tdxCollateral = SimScenarios.tdxCollateral();
  static final QuoteVerifier verifier = verifier(collateral.collateral());

  static QuoteVerifier verifier(Collateral c) {
    return QuoteVerifier.builder().trustRoot(root.trustedRoot()).collateralSource(r -> c).build();
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
    SimScenarios.Scenario scenario = SimScenarios.refusals().get(reason);
    assertThat(scenario).as("a simulation scenario for " + reason).isNotNull();

    Verdict v = scenario.verifier().verify(scenario.quote(), scenario.at());

    assertThat(v.verified()).as(v.message()).isFalse();
    assertThat(v.reason()).as(v.message()).isEqualTo(reason);
    assertThat(v.message()).isNotBlank().doesNotContain("Exception");
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
}
