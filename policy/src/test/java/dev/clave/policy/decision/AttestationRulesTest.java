package dev.clave.policy.decision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.policy.decision.AttestationRules.AdvisoryRule;
import dev.clave.policy.decision.AttestationRules.Mode;
import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.AttestationRules.SignerRule;
import dev.clave.policy.decision.AttestationRules.Variant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttestationRulesTest {
  private static final String MRE = AttestationDecisionTest.MRE_A;
  private static final String SIGNER = AttestationDecisionTest.SIGNER_A;

  private static AttestationRules rules(Mode mode, List<Variant> variants) {
    return new AttestationRules(mode, variants, List.of(), Set.of(), AdvisoryRule.NONE);
  }

  private static Variant mrenclave(String... values) {
    return new Variant(List.of(values), null);
  }

  private static Variant signer(String mrsigner, Integer isvprodid, int min, int max) {
    return new Variant(List.of(), new SignerRule(mrsigner, isvprodid, min, max));
  }

  @Test
  void validRulesHaveNoProblems() {
    AttestationRules r = new AttestationRules(Mode.HARDWARE,
        List.of(mrenclave(MRE), signer(SIGNER, 0, 0, 65535), new Variant(List.of(MRE), new SignerRule(SIGNER, null, 5, 5))),
        List.of(AttestationDecisionTest.PLATFORM_A, AttestationDecisionTest.QE_A),
        Set.of(Tolerance.DEBUG_MODE), new AdvisoryRule(true, Set.of()));

    assertThat(r.validate()).isEmpty();
    assertThat(rules(Mode.NONE, List.of()).validate()).isEmpty();
  }

  @Test
  void hardwareModeNeedsAVariant() {
    assertThat(rules(Mode.HARDWARE, List.of()).validate()).containsExactly(
        "attestation: a service needs at least one attestation variant (mrenclave, signer or both) unless"
            + " security.attestation.mode is none");
  }

  @Test
  void aVariantNeedsMrenclaveOrSigner() {
    assertThat(rules(Mode.HARDWARE, List.of(mrenclave(MRE), new Variant(List.of(), null))).validate())
        .containsExactly("attestation variant 2: needs mrenclave, signer or both");
  }

  @Test
  void measurementsAre64HexDigits() {
    AttestationRules r = rules(Mode.HARDWARE, List.of(
        mrenclave(MRE, MRE.substring(2)),
        new Variant(List.of("x".repeat(64)), new SignerRule(SIGNER + "0", null, 0, 65535)),
        signer(null, null, 0, 65535),
        mrenclave("z".repeat(100))));

    assertThat(r.validate()).containsExactly(
        "attestation variant 1: mrenclave \"" + MRE.substring(2) + "\": expected 64 hex digits, got 62 characters",
        "attestation variant 2: mrenclave \"" + "x".repeat(64) + "\": expected 64 hex digits, found 'x' at index 0",
        "attestation variant 2: signer: mrsigner \"" + SIGNER + "0\": expected 64 hex digits, got 65 characters",
        "attestation variant 3: signer: mrsigner is missing",
        "attestation variant 4: mrenclave \"" + "z".repeat(80) + "\"… (100 characters): expected 64 hex digits, got 100"
            + " characters");
  }

  @Test
  void svnBoundsAreOrderedAndSixteenBits() {
    AttestationRules r = rules(Mode.HARDWARE, List.of(
        signer(SIGNER, null, 7, 5),
        signer(SIGNER, 65536, -1, 70000),
        signer(SIGNER, -1, 5, 5)));

    assertThat(r.validate()).containsExactly(
        "attestation variant 1: signer: isvsvn_min 7 is greater than isvsvn_max 5",
        "attestation variant 2: signer: isvprodid 65536 is outside 0..65535",
        "attestation variant 2: signer: isvsvn_min -1 is outside 0..65535",
        "attestation variant 2: signer: isvsvn_max 70000 is outside 0..65535",
        "attestation variant 3: signer: isvprodid -1 is outside 0..65535");
  }

  @Test
  void platformIdsHaveTheLengthOfTheirKind() {
    AttestationRules r = new AttestationRules(Mode.HARDWARE, List.of(mrenclave(MRE)),
        List.of(new PlatformId(PlatformId.Kind.LAS_KEY, "abcd"),
            new PlatformId(PlatformId.Kind.INTEL_QE_ID, MRE),
            new PlatformId(PlatformId.Kind.INTEL_QE_ID, "0123456789abcdef0123456789abcdeg")),
        Set.of(), AdvisoryRule.NONE);

    assertThat(r.validate()).containsExactly(
        "platforms: \"abcd\": expected 64 hex digits, got 4 characters",
        "platforms: \"INTEL_QE_ID:" + MRE + "\": expected 32 hex digits, got 64 characters",
        "platforms: \"INTEL_QE_ID:0123456789abcdef0123456789abcdeg\": expected 32 hex digits, found 'g' at index 31");
  }

  @Test
  void theAdvisoryWildcardNeedsDebugMode() {
    AttestationRules r = new AttestationRules(Mode.HARDWARE, List.of(mrenclave(MRE)), List.of(),
        Set.of(Tolerance.OUTDATED_TCB), new AdvisoryRule(true, Set.of()));

    assertThat(r.validate()).containsExactly("ignore_advisories: \"*\" is allowed only when debug-mode is tolerated");
  }

  @Test
  void everyProblemIsReportedTogether() {
    AttestationRules r = new AttestationRules(Mode.HARDWARE, List.of(new Variant(List.of(), null), signer(SIGNER, null, 9, 1)),
        List.of(new PlatformId(PlatformId.Kind.LAS_KEY, "00")), Set.of(), new AdvisoryRule(true, Set.of()));

    assertThat(r.validate()).hasSize(4);
  }

  @Test
  void hexIsLowerCasedAndAdvisoryIdsUpperCasedByConstruction() {
    Variant v = new Variant(List.of(MRE.toUpperCase()), new SignerRule(SIGNER.toUpperCase(), null, 0, 65535));
    PlatformId p = new PlatformId(PlatformId.Kind.INTEL_QE_ID, "85FFC69266C833546E5DCA1C676A6151");
    AdvisoryRule a = new AdvisoryRule(false, Set.of("intel-sa-00615", "INTEL-SA-00289"));

    assertThat(v.mrenclaves()).containsExactly(MRE);
    assertThat(v.signer().mrsigner()).isEqualTo(SIGNER);
    assertThat(p.hex()).isEqualTo("85ffc69266c833546e5dca1c676a6151");
    assertThat(p).isEqualTo(AttestationDecisionTest.QE_A);
    assertThat(a.ids()).containsExactlyInAnyOrder("INTEL-SA-00615", "INTEL-SA-00289");
    assertThat(a.ignores("Intel-SA-00615")).isTrue();
    assertThat(a.ignores("INTEL-SA-00616")).isFalse();
    assertThat(new AdvisoryRule(true, Set.of()).ignores("anything")).isTrue();
    // Only ASCII letters change: no locale can turn an 'I' into a dotless 'ı'.
    assertThat(Ascii.lower("ABCDEF\u0130")).isEqualTo("abcdef\u0130");
    assertThat(Ascii.upper("intel-sa-\u0131")).isEqualTo("INTEL-SA-\u0131");
  }

  @Test
  void toleranceNamesRoundTrip() {
    for (Tolerance t : Tolerance.values()) {
      assertThat(Tolerance.byName(t.yamlName())).contains(t);
    }
    assertThat(Tolerance.byName("debug")).isEmpty();
  }
}
