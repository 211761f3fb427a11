package dev.clave.attestation.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralBundle;
import dev.clave.attestation.quote.TeeType;
import dev.clave.attestation.testing.DcapSets;
import dev.clave.attestation.testing.FixedCollateral;
import dev.clave.attestation.testing.FixedCollateral.Item;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Real Intel quotes: the verdicts their origins assert, and every way a change to them must be refused. */
class RealQuoteVerificationTest {
  private static final Map<String, String> FMSPC =
      Map.of(
          "phala-sgx-v3-2025-06", "00A067110000",
          "phala-tdx-v4-2025-06", "B0C06F000000",
          "zkdcap-sgx-v3-2025-01", "00906ED50000",
          "zkdcap-tdx-v4-2025-01", "00806F050000");

  static List<DcapSets.Set> sets() {
    return DcapSets.all();
  }

  private static QuoteVerifier verifier(Collateral c) {
    return QuoteVerifier.builder().collateralSource(new FixedCollateral(c)).build();
  }

  private static Verdict verify(DcapSets.Set set, byte[] quote, Instant at) {
    return verifier(FixedCollateral.load(set.dir())).verify(quote, at);
  }

  @ParameterizedTest
  @MethodSource("sets")
  void verifiesToTheVerdictItsOriginAsserts(DcapSets.Set set) throws Exception {
    Verdict v =
        QuoteVerifier.builder()
            .collateralSource(CollateralBundle.open(set.dir()))
            .build()
            .verify(set.quote(), set.verificationTime());

    assertThat(v.verified()).as(v.message()).isTrue();
    assertThat(v.reason()).isNull();
    assertThat(v.root()).isEqualTo("intel");
    assertThat(v.tcbStatus().jsonName()).isEqualTo(set.expectedTcbStatus());
    if (set.expectedAdvisoryIds() != null) {
      assertThat(v.advisoryIds()).containsExactlyElementsOf(set.expectedAdvisoryIds());
    }
    assertThat(v.fmspc().hexUpper()).isEqualTo(FMSPC.get(set.name()));
    assertThat(v.teeType()).isEqualTo(set.name().contains("tdx") ? TeeType.TDX : TeeType.SGX);
    assertThat(v.quoteVersion()).isEqualTo(set.name().contains("v4") ? 4 : 3);
    assertThat(v.platformId().length()).isEqualTo(32);
    assertThat(v.collateralNotAfter()).isEqualTo(set.notAfterExclusive());
  }

  @Test
  void zkdcapTdxMatchesTheReferenceCheckersAdvisoriesAndQeStatus() {
    // Not asserted by the origin; the research checker found these (shared/testdata/dcap/README.md, set 4).
    DcapSets.Set set = DcapSets.set("zkdcap-tdx-v4-2025-01");
    Verdict v = verify(set, set.quote(), set.verificationTime());
    assertThat(v.tcbStatus()).isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(v.advisoryIds()).containsExactly("INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986");
    assertThat(v.qeTcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(v.tcbDate()).isEqualTo(Instant.parse("2023-08-09T00:00:00Z"));
  }

  @ParameterizedTest
  @MethodSource("sets")
  void validExactlyInsideTheCollateralWindow(DcapSets.Set set) {
    byte[] q = set.quote();
    assertThat(verify(set, q, set.notBefore()).verified()).isTrue();
    assertThat(verify(set, q, set.notAfterExclusive().minusSeconds(1)).verified()).isTrue();

    Verdict expired = verify(set, q, set.notAfterExclusive());
    assertThat(expired.reason()).isEqualTo(ReasonCode.COLLATERAL_EXPIRED);
    assertThat(expired.message()).contains("expired").contains(set.notAfterExclusive().toString());
    // The TCB status is still reported: the caller learns what the platform was, not that it is fine.
    assertThat(expired.tcbStatus()).isNotNull();

    Verdict early = verify(set, q, set.notBefore().minusSeconds(1));
    assertThat(early.reason()).isEqualTo(ReasonCode.COLLATERAL_NOT_YET_VALID);
  }

  /** Offsets of the v3 SGX and v4 TDX layouts (shared/reference/dcap.md §2.5, §2.6). */
  record Mutation(String set, String what, int offset, ReasonCode expected) {
    @Override
    public String toString() {
      return set + ": " + what + " @" + offset;
    }
  }

  static List<Mutation> mutations() {
    String sgx = "phala-sgx-v3-2025-06";
    String tdx = "phala-tdx-v4-2025-06";
    return List.of(
        new Mutation(sgx, "header QE vendor ID", 12, ReasonCode.UNSUPPORTED_QUOTE_FORMAT),
        new Mutation(sgx, "header user data", 30, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(sgx, "report body MRENCLAVE", 112, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(sgx, "report body REPORTDATA", 400, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(sgx, "quote signature r", 436, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(sgx, "quote signature s", 499, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(sgx, "attestation key x", 500, ReasonCode.INVALID_ATTESTATION_KEY),
        new Mutation(sgx, "attestation key y", 563, ReasonCode.INVALID_ATTESTATION_KEY),
        new Mutation(sgx, "QE report MRSIGNER", 564 + 128, ReasonCode.QE_REPORT_SIGNATURE_INVALID),
        new Mutation(sgx, "QE report signature", 948, ReasonCode.QE_REPORT_SIGNATURE_INVALID),
        new Mutation(sgx, "QE authentication data", 1014, ReasonCode.QE_REPORT_DATA_MISMATCH),
        new Mutation(tdx, "TD report MRTD", 184, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(tdx, "TD report RTMR3", 48 + 328 + 3 * 48, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(tdx, "quote signature", 636, ReasonCode.QUOTE_SIGNATURE_INVALID),
        new Mutation(tdx, "attestation key", 700, ReasonCode.INVALID_ATTESTATION_KEY),
        new Mutation(tdx, "QE report", 770 + 64, ReasonCode.QE_REPORT_SIGNATURE_INVALID),
        new Mutation(tdx, "QE report signature", 1154, ReasonCode.QE_REPORT_SIGNATURE_INVALID),
        new Mutation(tdx, "QE authentication data", 1220, ReasonCode.QE_REPORT_DATA_MISMATCH));
  }

  @ParameterizedTest
  @MethodSource("mutations")
  void aFlippedByteIsRefusedWithItsOwnReason(Mutation m) {
    DcapSets.Set set = DcapSets.set(m.set());
    QuoteVerifier verifier = verifier(FixedCollateral.load(set.dir()));
    // The genuine quote first, so the caches are warm: a cached chain must not vouch for a changed quote.
    assertThat(verifier.verify(set.quote(), set.verificationTime()).verified()).isTrue();

    byte[] q = set.quote();
    q[m.offset()] ^= 0x01;
    Verdict v = verifier.verify(q, set.verificationTime());
    assertThat(v.verified()).isFalse();
    assertThat(v.reason()).as(v.message()).isEqualTo(m.expected());
  }

  @Test
  void aTruncatedQuoteIsMalformedAtEveryLength() {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    byte[] q = set.quote();
    QuoteVerifier verifier = verifier(FixedCollateral.load(set.dir()));
    for (int len = 0; len < q.length; len++) {
      Verdict v = verifier.verify(Arrays.copyOf(q, len), set.verificationTime());
      assertThat(v.reason()).as("length %d: %s", len, v.message()).isEqualTo(ReasonCode.MALFORMED_QUOTE);
    }
  }

  @Test
  void tamperedTcbInfoIsRefused() {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    Collateral c = FixedCollateral.tamper(FixedCollateral.load(set.dir()), Item.TCB_INFO, b -> replaceFirst(b, "\"SWHardeningNeeded\"", "\"UpToDate\""));
    Verdict v = verifier(c).verify(set.quote(), set.verificationTime());
    assertThat(v.reason()).isEqualTo(ReasonCode.TCB_INFO_SIGNATURE_INVALID);
  }

  @Test
  void tamperedQeIdentityIsRefused() {
    DcapSets.Set set = DcapSets.set("phala-tdx-v4-2025-06");
    Collateral c = FixedCollateral.tamper(FixedCollateral.load(set.dir()), Item.QE_IDENTITY, b -> replaceFirst(b, "\"UpToDate\"", "\"Revoked\""));
    Verdict v = verifier(c).verify(set.quote(), set.verificationTime());
    assertThat(v.reason()).isEqualTo(ReasonCode.QE_IDENTITY_SIGNATURE_INVALID);
  }

  @Test
  void tamperedCrlsAreRefused() {
    DcapSets.Set set = DcapSets.set("zkdcap-sgx-v3-2025-01");
    Collateral good = FixedCollateral.load(set.dir());
    for (Item item : List.of(Item.PCK_CRL, Item.ROOT_CA_CRL)) {
      Collateral c = FixedCollateral.tamper(good, item, b -> { b[b.length - 1] ^= 0x01; return b; });
      Verdict v = verifier(c).verify(set.quote(), set.verificationTime());
      assertThat(v.reason()).as(item + ": " + v.message()).isEqualTo(ReasonCode.CRL_SIGNATURE_INVALID);
    }
  }

  @Test
  void theRootCrlIsNoPckCrl() {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    Collateral good = FixedCollateral.load(set.dir());
    Collateral c = FixedCollateral.tamper(good, Item.PCK_CRL, b -> good.rootCaCrl().toByteArray());
    Verdict v = verifier(c).verify(set.quote(), set.verificationTime());
    assertThat(v.reason()).isEqualTo(ReasonCode.CRL_SIGNATURE_INVALID);
    assertThat(v.message()).contains("PCK CRL");
  }

  @Test
  void tcbInfoOfAnotherPlatformIsRefusedEvenThoughIntelSignedIt() {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    DcapSets.Set other = DcapSets.set("zkdcap-sgx-v3-2025-01");
    Collateral mine = FixedCollateral.load(set.dir());
    Collateral theirs = FixedCollateral.load(other.dir());
    Collateral mixed =
        new Collateral(mine.pckCrl(), mine.pckCrlIssuerChain(), mine.rootCaCrl(), theirs.tcbInfoJson(),
            theirs.tcbInfoIssuerChain(), mine.qeIdentityJson(), mine.qeIdentityIssuerChain());
    Verdict v = verifier(mixed).verify(set.quote(), set.verificationTime());
    assertThat(v.reason()).isEqualTo(ReasonCode.TCB_INFO_MISMATCH);
    assertThat(v.message()).contains("00906ED50000").contains("00A067110000");
  }

  @Test
  void sgxCollateralForATdxQuoteIsRefused() {
    DcapSets.Set tdx = DcapSets.set("phala-tdx-v4-2025-06");
    DcapSets.Set sgx = DcapSets.set("phala-sgx-v3-2025-06");
    Collateral mine = FixedCollateral.load(tdx.dir());
    Collateral theirs = FixedCollateral.load(sgx.dir());
    Collateral mixed =
        new Collateral(mine.pckCrl(), mine.pckCrlIssuerChain(), mine.rootCaCrl(), mine.tcbInfoJson(),
            mine.tcbInfoIssuerChain(), theirs.qeIdentityJson(), theirs.qeIdentityIssuerChain());
    Verdict v = verifier(mixed).verify(tdx.quote(), tdx.verificationTime());
    assertThat(v.reason()).isEqualTo(ReasonCode.QE_IDENTITY_MISMATCH);
  }

  @Test
  void repeatVerificationGivesTheSameVerdict() {
    DcapSets.Set set = DcapSets.set("zkdcap-tdx-v4-2025-01");
    QuoteVerifier verifier = verifier(FixedCollateral.load(set.dir()));
    Verdict first = verifier.verify(set.quote(), set.verificationTime());
    Verdict again = verifier.verify(set.quote(), set.verificationTime());
    assertThat(again).isEqualTo(first);
    // The cache is per collateral and chain, never per verdict: time still matters on the second call.
    assertThat(verifier.verify(set.quote(), set.notAfterExclusive()).reason()).isEqualTo(ReasonCode.COLLATERAL_EXPIRED);
  }

  private static byte[] replaceFirst(byte[] in, String from, String to) {
    String s = new String(in, StandardCharsets.ISO_8859_1);
    int i = s.indexOf(from);
    assertThat(i).as("'%s' occurs", from).isNotNegative();
    return (s.substring(0, i) + to + s.substring(i + from.length())).getBytes(StandardCharsets.ISO_8859_1);
  }
}
