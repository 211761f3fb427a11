package dev.clave.policy.decision;

import static dev.clave.policy.decision.VerdictSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.policy.decision.AttestationRules.AdvisoryRule;
import dev.clave.policy.decision.AttestationRules.Mode;
import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.AttestationRules.SignerRule;
import dev.clave.policy.decision.AttestationRules.Variant;
import dev.clave.policy.decision.Decision.Code;
import dev.clave.policy.decision.Decision.Failure;
import dev.clave.policy.decision.Evidence.Kind;
import dev.clave.attestation.TcbStatus;
import dev.clave.policy.decision.Evidence.Tee;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class AttestationDecisionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String MRE_A = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
  static final String MRE_B = "004fa4d773287db1045504a8932b8351a30fb576d5a00ff6ca151b1d0f16544d";
  static final String SIGNER_A = "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6";
  static final String SIGNER_B = "7d1b66ab7cb67f749f2ea09380350095f048a03e3b9059e8289c7f082c082358";
  static final PlatformId PLATFORM_A =
      new PlatformId(PlatformId.Kind.LAS_KEY, "5f49f421608bd48763ccaf12928afad05483236b588b3d7b6d1f8c4943e51730");
  static final PlatformId PLATFORM_B =
      new PlatformId(PlatformId.Kind.LAS_KEY, "2c45c8294d491808aa9b2a6bca01b8e185ffc69266c833546e5dca1c676a6151");
  static final PlatformId QE_A = new PlatformId(PlatformId.Kind.INTEL_QE_ID, "85ffc69266c833546e5dca1c676a6151");
  static final PlatformId QE_B = new PlatformId(PlatformId.Kind.INTEL_QE_ID, "0123456789abcdef0123456789abcdef");

  private static final String TOLERATE = "security.attestation.tolerate";
  private static final String IGNORE = "security.attestation.ignore_advisories";

  // ---- builders ------------------------------------------------------------------------------------------

  /** Rules under test; by default one variant accepting MRE_A and nothing tolerated. */
  static final class Rules {
    Mode mode = Mode.HARDWARE;
    List<Variant> variants = List.of(mrenclaves(MRE_A));
    List<PlatformId> platforms = List.of();
    Set<Tolerance> tolerate = Set.of();
    AdvisoryRule ignore = AdvisoryRule.NONE;

    Rules variants(Variant... vs) {
      variants = List.of(vs);
      return this;
    }

    Rules platforms(PlatformId... ps) {
      platforms = List.of(ps);
      return this;
    }

    Rules tolerate(Tolerance... ts) {
      tolerate = Set.of(ts);
      return this;
    }

    Rules ignore(String... ids) {
      ignore = new AdvisoryRule(false, Set.of(ids));
      return this;
    }

    Rules ignoreAll() {
      ignore = new AdvisoryRule(true, Set.of());
      return this;
    }

    AttestationRules build() {
      return new AttestationRules(mode, variants, platforms, tolerate, ignore);
    }
  }

  /** Evidence under test; by default a production SGX enclave MRE_A by SIGNER_A, up to date, on PLATFORM_A. */
  static final class Ev {
    Kind kind = Kind.SGX_DCAP;
    Tee tee = Tee.SGX;
    String mrenclave = MRE_A;
    String mrsigner = SIGNER_A;
    int isvProdId = 1;
    int isvSvn = 5;
    boolean debug;
    TcbStatus status = TcbStatus.UP_TO_DATE;
    List<String> advisories = List.of();
    PlatformId platform = PLATFORM_A;

    Ev tdx() {
      kind = Kind.TDX_DCAP;
      tee = Tee.TDX;
      mrenclave = null;
      mrsigner = null;
      isvProdId = 0;
      isvSvn = 0;
      return this;
    }

    Ev kind(Kind k) {
      kind = k;
      return this;
    }

    Ev debug() {
      debug = true;
      return this;
    }

    Ev isvSvn(int svn) {
      isvSvn = svn;
      return this;
    }

    Ev status(TcbStatus s) {
      status = s;
      return this;
    }

    Ev advisories(String... ids) {
      advisories = List.of(ids);
      return this;
    }

    Ev platform(PlatformId p) {
      platform = p;
      return this;
    }

    Evidence build() {
      return new Evidence(kind, tee, mrenclave, mrsigner, isvProdId, isvSvn, debug, status, advisories, platform);
    }
  }

  static Rules rules() {
    return new Rules();
  }

  static Ev evidence() {
    return new Ev();
  }

  static Variant mrenclaves(String... values) {
    return new Variant(List.of(values), null);
  }

  static Variant signer(String mrsigner, Integer isvprodid, int min, int max) {
    return new Variant(List.of(), new SignerRule(mrsigner, isvprodid, min, max));
  }

  static Decision decide(Rules r, Ev e) {
    return AttestationDecision.decide(r.build(), e.build());
  }

  static Failure failure(Code code, int variant, String message, String hint) {
    return new Failure(code, variant, message, hint, List.of(), List.of());
  }

  // ---- mode ----------------------------------------------------------------------------------------------

  @Test
  void modeNoneAllowsWithoutAnyCheck() throws Exception {
    Rules r = rules().variants().platforms(PLATFORM_B);
    r.mode = Mode.NONE;

    Decision d = decide(r, evidence().tdx().kind(Kind.SIMULATION).debug().status(TcbStatus.REVOKED).advisories("X"));

    assertThat(d.allowed()).isTrue();
    assertThat(d.attestationDisabled()).isTrue();
    assertThat(d.matchedVariant()).isZero();
    assertThat(d.failures()).isEmpty();
    assertThat(d.toText()).isEqualTo("allowed: attestation is disabled by the policy (security.attestation.mode: none);"
        + " the evidence was not checked");
    assertThat(JSON.writeValueAsString(d.toJsonMap())).isEqualTo(
        "{\"allowed\":true,\"attestation\":\"disabled\",\"variant\":null,\"tolerated\":[],\"ignoredAdvisories\":[],"
            + "\"failures\":[]}");
  }

  @Test
  void hardwareModeChecksAndSaysSo() throws Exception {
    Decision d = decide(rules(), evidence());

    assertThat(d.allowed()).isTrue();
    assertThat(d.attestationDisabled()).isFalse();
    assertThat(d.matchedVariant()).isEqualTo(1);
    assertThat(d.tolerated()).isEmpty();
    assertThat(d.ignoredAdvisories()).isEmpty();
    assertThat(d.toText()).isEqualTo("allowed: the evidence matches attestation variant 1");
    assertThat(JSON.writeValueAsString(d.toJsonMap())).isEqualTo(
        "{\"allowed\":true,\"attestation\":\"checked\",\"variant\":1,\"tolerated\":[],\"ignoredAdvisories\":[],"
            + "\"failures\":[]}");
  }

  // ---- variants ------------------------------------------------------------------------------------------

  @Test
  void mrenclaveMustBeListed() {
    assertThat(decide(rules().variants(mrenclaves(MRE_B, MRE_A)), evidence()).allowed()).isTrue();

    Decision d = decide(rules().variants(mrenclaves(MRE_B)), evidence());

    assertThat(d.allowed()).isFalse();
    assertThat(d.failures()).containsExactly(failure(Code.MRENCLAVE_MISMATCH, 1,
        "MRENCLAVE 33d8736db756ed49… is not listed", "add " + MRE_A + " to the mrenclave list"));
  }

  @Test
  void variantsAreAlternatives() {
    Decision d = decide(rules().variants(mrenclaves(MRE_B), signer(SIGNER_A, null, 0, 65535)), evidence());

    assertThat(d.allowed()).isTrue();
    assertThat(d.matchedVariant()).isEqualTo(2);
    assertThat(d.toText()).isEqualTo("allowed: the evidence matches attestation variant 2");
  }

  @Test
  void theFirstMatchingVariantIsReported() {
    Decision d = decide(rules().variants(signer(SIGNER_A, 1, 0, 65535), mrenclaves(MRE_A)), evidence());

    assertThat(d.matchedVariant()).isEqualTo(1);
  }

  @Test
  void partsOfAVariantMustAllMatch() {
    Variant both = new Variant(List.of(MRE_A), new SignerRule(SIGNER_B, null, 0, 65535));

    Decision d = decide(rules().variants(both), evidence());

    assertThat(d.failures()).containsExactly(failure(Code.SIGNER_MISMATCH, 1,
        "MRSIGNER 815f42f11cf64430… is not the expected 7d1b66ab7cb67f74…",
        "if that signer is trusted, set signer.mrsigner to " + SIGNER_A));
  }

  @Test
  void anotherSignerIsReportedAloneBecauseItsVersionNumbersMeanNothing() {
    Decision d = decide(rules().variants(signer(SIGNER_B, 9, 10, 20)), evidence());

    assertThat(d.failures()).extracting(Failure::code).containsExactly(Code.SIGNER_MISMATCH);
  }

  @Test
  void isvprodidMustEqualWhenSet() {
    assertThat(decide(rules().variants(signer(SIGNER_A, null, 0, 65535)), evidence()).allowed()).isTrue();
    assertThat(decide(rules().variants(signer(SIGNER_A, 1, 0, 65535)), evidence()).allowed()).isTrue();

    Decision d = decide(rules().variants(signer(SIGNER_A, 2, 0, 65535)), evidence());

    assertThat(d.failures()).containsExactly(failure(Code.ISVPRODID_MISMATCH, 1,
        "ISVPRODID 1 is not the expected 2", "set signer.isvprodid to 1"));
  }

  @ParameterizedTest
  @CsvSource({"0, 65535, 0, true", "0, 65535, 65535, true", "5, 5, 5, true", "5, 9, 5, true", "1, 5, 5, true",
      "6, 65535, 5, false", "0, 4, 5, false"})
  void isvsvnMustLieWithinTheInclusiveBounds(int min, int max, int svn, boolean allowed) {
    assertThat(decide(rules().variants(signer(SIGNER_A, null, min, max)), evidence().isvSvn(svn)).allowed())
        .isEqualTo(allowed);
  }

  @Test
  void isvsvnOutOfRangeSaysWhichBoundAndHowToMoveIt() {
    assertThat(decide(rules().variants(signer(SIGNER_A, null, 6, 65535)), evidence()).failures())
        .containsExactly(failure(Code.ISVSVN_OUT_OF_RANGE, 1, "ISVSVN 5 is below isvsvn_min 6",
            "lower signer.isvsvn_min to 5"));
    assertThat(decide(rules().variants(signer(SIGNER_A, null, 0, 4)), evidence()).failures())
        .containsExactly(failure(Code.ISVSVN_OUT_OF_RANGE, 1, "ISVSVN 5 is above isvsvn_max 4",
            "raise signer.isvsvn_max to 5"));
  }

  @Test
  void whenNoVariantMatchesEachOneSaysWhy() {
    Variant third = new Variant(List.of(MRE_B), new SignerRule(SIGNER_B, null, 0, 65535));

    Decision d = decide(rules().variants(mrenclaves(MRE_B), signer(SIGNER_A, 2, 6, 65535), third), evidence());

    assertThat(d.failures()).containsExactly(
        failure(Code.MRENCLAVE_MISMATCH, 1, "variant 1: MRENCLAVE 33d8736db756ed49… is not listed",
            "add " + MRE_A + " to the mrenclave list of variant 1"),
        failure(Code.ISVPRODID_MISMATCH, 2, "variant 2: ISVPRODID 1 is not the expected 2",
            "set signer.isvprodid of variant 2 to 1"),
        failure(Code.ISVSVN_OUT_OF_RANGE, 2, "variant 2: ISVSVN 5 is below isvsvn_min 6",
            "lower signer.isvsvn_min of variant 2 to 5"),
        failure(Code.MRENCLAVE_MISMATCH, 3, "variant 3: MRENCLAVE 33d8736db756ed49… is not listed",
            "add " + MRE_A + " to the mrenclave list of variant 3"),
        failure(Code.SIGNER_MISMATCH, 3, "variant 3: MRSIGNER 815f42f11cf64430… is not the expected 7d1b66ab7cb67f74…",
            "if that signer is trusted, set signer.mrsigner of variant 3 to " + SIGNER_A));
  }

  @Test
  void aVariantWithNeitherPartMatchesNothing() {
    Variant empty = new Variant(List.of(), null);

    Decision alone = decide(rules().variants(empty), evidence());
    Decision beside = decide(rules().variants(empty, mrenclaves(MRE_B)), evidence());

    assertThat(alone.failures()).containsExactly(failure(Code.EMPTY_VARIANT, 1,
        "the variant names neither mrenclave nor signer, so it matches nothing", "add mrenclave or signer to the variant"));
    assertThat(beside.failures()).extracting(Failure::text).containsExactly(
        "variant 1: the variant names neither mrenclave nor signer, so it matches nothing: add mrenclave or signer"
            + " to variant 1",
        "variant 2: MRENCLAVE 33d8736db756ed49… is not listed: add " + MRE_A + " to the mrenclave list of variant 2");
    assertThat(decide(rules().variants(empty, mrenclaves(MRE_A)), evidence()).matchedVariant()).isEqualTo(2);
  }

  @Test
  void hardwareModeWithoutVariantsFailsClosed() {
    Decision d = decide(rules().variants(), evidence());

    assertThat(d.failures()).containsExactly(failure(Code.NO_VARIANTS, 0, "the service has no attestation variant",
        "add an attestation variant (mrenclave, signer or both) to the service"));
  }

  @Test
  void measurementsMatchWhateverCaseThePolicyUsed() {
    Variant upper = new Variant(List.of(MRE_A.toUpperCase()), new SignerRule(SIGNER_A.toUpperCase(), null, 0, 65535));

    assertThat(decide(rules().variants(upper), evidence()).allowed()).isTrue();
  }

  // ---- TDX -----------------------------------------------------------------------------------------------

  @Test
  void tdxEvidenceCannotMatchAnSgxVariant() {
    Decision d = decide(rules().variants(mrenclaves(MRE_A), signer(SIGNER_A, null, 0, 65535)), evidence().tdx());

    assertThat(d.failures()).containsExactly(failure(Code.TEE_KIND_MISMATCH, 0,
        "TDX evidence cannot match an SGX variant: attestation rules describe only SGX enclaves", null));
    assertThat(d.toText()).isEqualTo("denied: 1 check failed\n"
        + "- TDX evidence cannot match an SGX variant: attestation rules describe only SGX enclaves"
        + " (no policy setting relaxes this)");
  }

  @Test
  void tdxEvidenceStillGetsEveryOtherCheck() {
    Decision d = decide(rules(), evidence().tdx().kind(Kind.SIMULATION).status(TcbStatus.OUT_OF_DATE));

    assertThat(d.failures()).extracting(Failure::code)
        .containsExactly(Code.TEE_KIND_MISMATCH, Code.DEBUG_NOT_TOLERATED, Code.TCB_STATUS_NOT_TOLERATED);
    assertThat(decide(rules(), evidence().tdx().debug()).failures().get(1).message())
        .isEqualTo("the trust domain runs in debug mode");
  }

  // ---- debug ---------------------------------------------------------------------------------------------

  @Test
  void aDebugEnclaveNeedsDebugMode() {
    Decision denied = decide(rules(), evidence().debug());
    Decision allowed = decide(rules().tolerate(Tolerance.DEBUG_MODE), evidence().debug());

    assertThat(denied.failures()).containsExactly(new Failure(Code.DEBUG_NOT_TOLERATED, 0,
        "the enclave runs in debug mode",
        "add `debug-mode` to " + TOLERATE + " (for development only: the host can read a debug enclave's memory)",
        List.of(Tolerance.DEBUG_MODE), List.of()));
    assertThat(allowed.allowed()).isTrue();
    assertThat(allowed.tolerated()).containsExactly(Tolerance.DEBUG_MODE);
    assertThat(allowed.toText()).isEqualTo("allowed: the evidence matches attestation variant 1\n- tolerated: debug-mode");
  }

  @Test
  void aSimulatedEnclaveCountsAsADebugEnclave() {
    Decision denied = decide(rules(), evidence().kind(Kind.SIMULATION));

    assertThat(denied.failures()).extracting(Failure::code, Failure::message).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Code.DEBUG_NOT_TOLERATED,
            "a simulated enclave counts as a debug enclave (the quote was verified under a simulation root)"));
    assertThat(decide(rules().tolerate(Tolerance.DEBUG_MODE), evidence().kind(Kind.SIMULATION)).allowed()).isTrue();
  }

  @Test
  void debugModeIsNotUsedForAProductionEnclave() {
    Decision d = decide(rules().tolerate(Tolerance.DEBUG_MODE, Tolerance.OUTDATED_TCB), evidence());

    assertThat(d.allowed()).isTrue();
    assertThat(d.tolerated()).isEmpty();
  }

  // ---- TCB status ----------------------------------------------------------------------------------------

  static Stream<Arguments> statuses() {
    return Stream.of(
        Arguments.of(TcbStatus.UP_TO_DATE, List.of(), null),
        Arguments.of(TcbStatus.SW_HARDENING_NEEDED, List.of(Tolerance.SOFTWARE_HARDENING_NEEDED),
            "add `software-hardening-needed` to " + TOLERATE),
        Arguments.of(TcbStatus.CONFIGURATION_NEEDED, List.of(Tolerance.INSECURE_CONFIGURATION),
            "add `insecure-configuration` to " + TOLERATE),
        Arguments.of(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED,
            List.of(Tolerance.SOFTWARE_HARDENING_NEEDED, Tolerance.INSECURE_CONFIGURATION),
            "add `software-hardening-needed` and `insecure-configuration` to " + TOLERATE),
        Arguments.of(TcbStatus.OUT_OF_DATE, List.of(Tolerance.OUTDATED_TCB), "add `outdated-tcb` to " + TOLERATE),
        Arguments.of(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
            List.of(Tolerance.OUTDATED_TCB, Tolerance.INSECURE_CONFIGURATION),
            "add `outdated-tcb` and `insecure-configuration` to " + TOLERATE));
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void eachTcbStatusNeedsExactlyItsTolerations(TcbStatus status, List<Tolerance> required, String hint) {
    Decision bare = decide(rules(), evidence().status(status));
    Decision tolerated = decide(rules().tolerate(required.toArray(Tolerance[]::new)), evidence().status(status));

    if (required.isEmpty()) {
      assertThat(bare.allowed()).isTrue();
      return;
    }
    assertThat(bare.failures()).containsExactly(new Failure(Code.TCB_STATUS_NOT_TOLERATED, 0,
        "TCB status " + status.jsonName() + " is not tolerated", hint, required, List.of()));
    assertThat(tolerated.allowed()).isTrue();
    assertThat(tolerated.tolerated()).containsExactlyInAnyOrderElementsOf(required);
    // Each required toleration is needed: everything else tolerated, one missing → denied, naming just it.
    for (Tolerance missing : required) {
      EnumSet<Tolerance> others = EnumSet.allOf(Tolerance.class);
      others.remove(missing);
      Decision d = decide(rules().tolerate(others.toArray(Tolerance[]::new)), evidence().status(status));
      assertThat(d.failures()).extracting(Failure::tolerate).containsExactly(List.of(missing));
      assertThat(d.failures().get(0).hint()).isEqualTo("add `" + missing.yamlName() + "` to " + TOLERATE);
    }
  }

  @Test
  void revokedIsNeverAccepted() {
    Rules everything = rules().tolerate(Tolerance.values()).ignoreAll();

    Decision d = decide(everything, evidence().status(TcbStatus.REVOKED));

    assertThat(d.failures()).containsExactly(failure(Code.TCB_REVOKED, 0, "TCB status Revoked is never accepted", null));
    assertThat(d.toText()).isEqualTo("denied: 1 check failed\n"
        + "- TCB status Revoked is never accepted (no policy setting relaxes this)");
  }

  // ---- advisories ----------------------------------------------------------------------------------------

  @Test
  void everyAdvisoryMustBeIgnored() {
    Ev e = evidence().advisories("INTEL-SA-00289", "INTEL-SA-00615");

    Decision one = decide(rules().ignore("INTEL-SA-00615"), e);
    Decision both = decide(rules().ignore("INTEL-SA-00615", "INTEL-SA-00289", "INTEL-SA-00999"), e);

    assertThat(one.failures()).containsExactly(new Failure(Code.ADVISORY_NOT_IGNORED, 0,
        "advisory INTEL-SA-00289 is not ignored", "list INTEL-SA-00289 in " + IGNORE, List.of(),
        List.of("INTEL-SA-00289")));
    assertThat(both.allowed()).isTrue();
    assertThat(both.ignoredAdvisories()).containsExactly("INTEL-SA-00289", "INTEL-SA-00615");
    assertThat(both.toText()).isEqualTo("allowed: the evidence matches attestation variant 1\n"
        + "- ignored advisories: INTEL-SA-00289, INTEL-SA-00615");
  }

  @Test
  void advisoryIdsMatchWhateverCaseThePolicyUsed() {
    assertThat(decide(rules().ignore("intel-sa-00615"), evidence().advisories("INTEL-SA-00615")).allowed()).isTrue();
  }

  @Test
  void advisoriesCountEvenWhenTheTcbIsUpToDate() {
    Decision d = decide(rules(), evidence().advisories("INTEL-SA-00828"));

    assertThat(d.failures()).extracting(Failure::code).containsExactly(Code.ADVISORY_NOT_IGNORED);
  }

  @Test
  void theWildcardIgnoresAllAdvisoriesOnlyWithDebugMode() {
    Ev e = evidence().advisories("INTEL-SA-00289", "INTEL-SA-00233");

    Decision withDebug = decide(rules().ignoreAll().tolerate(Tolerance.DEBUG_MODE), e);
    Decision withoutDebug = decide(rules().ignoreAll(), e);

    assertThat(withDebug.allowed()).isTrue();
    assertThat(withDebug.ignoredAdvisories()).containsExactly("INTEL-SA-00289", "INTEL-SA-00233");
    assertThat(withoutDebug.failures()).extracting(Failure::code)
        .containsExactly(Code.ADVISORY_NOT_IGNORED, Code.ADVISORY_NOT_IGNORED);
  }

  @ParameterizedTest
  @CsvSource({"INTEL-SA-00233, HYPERTHREADING", "INTEL-SA-00219, INSECURE_IGPU", "INTEL-SA-00657, AEPIC_LEAK"})
  void specificTolerationsCoverTheirAdvisory(String id, Tolerance toleration) {
    Decision tolerated = decide(rules().tolerate(toleration), evidence().advisories(id));
    Decision listed = decide(rules().ignore(id), evidence().advisories(id));
    Decision neither = decide(rules(), evidence().advisories(id));
    Decision other = decide(rules().tolerate(toleration), evidence().advisories(id, "INTEL-SA-00615"));

    assertThat(tolerated.allowed()).isTrue();
    assertThat(tolerated.tolerated()).containsExactly(toleration);
    assertThat(tolerated.ignoredAdvisories()).containsExactly(id);
    assertThat(listed.allowed()).isTrue();
    assertThat(listed.tolerated()).isEmpty();
    assertThat(neither.failures()).containsExactly(new Failure(Code.ADVISORY_NOT_IGNORED, 0,
        "advisory " + id + " is not ignored",
        "add `" + toleration.yamlName() + "` to " + TOLERATE + ", or list " + id + " in " + IGNORE,
        List.of(toleration), List.of()));
    assertThat(other.failures()).extracting(Failure::message).containsExactly("advisory INTEL-SA-00615 is not ignored");
  }

  @Test
  void aSpecificTolerationCoversOnlyItsOwnAdvisory() {
    Decision d = decide(rules().tolerate(Tolerance.HYPERTHREADING, Tolerance.INSECURE_IGPU),
        evidence().advisories("INTEL-SA-00657"));

    assertThat(d.failures()).extracting(Failure::tolerate).containsExactly(List.of(Tolerance.AEPIC_LEAK));
  }

  // ---- platforms -----------------------------------------------------------------------------------------

  @Test
  void withoutPlatformsAnyPlatformIsAccepted() {
    assertThat(decide(rules(), evidence().platform(null)).allowed()).isTrue();
    assertThat(decide(rules(), evidence().platform(QE_B)).allowed()).isTrue();
  }

  @Test
  void thePlatformMustBeListed() {
    PlatformId upper = new PlatformId(PlatformId.Kind.LAS_KEY, PLATFORM_A.hex().toUpperCase());

    assertThat(decide(rules().platforms(PLATFORM_B, upper), evidence()).allowed()).isTrue();
    assertThat(decide(rules().platforms(PLATFORM_B), evidence()).failures()).containsExactly(failure(
        Code.PLATFORM_NOT_ALLOWED, 0, "platform 5f49f421608bd487… is not in the service's platforms",
        "add " + PLATFORM_A.hex() + " to the service's platforms"));
  }

  @Test
  void intelQeIdPlatformsCompareKindAndHex() {
    assertThat(decide(rules().platforms(QE_A), evidence().platform(QE_A)).allowed()).isTrue();
    assertThat(decide(rules().platforms(QE_A), evidence()).failures()).extracting(Failure::code)
        .containsExactly(Code.PLATFORM_NOT_ALLOWED);
    assertThat(decide(rules().platforms(QE_A, PLATFORM_B), evidence().platform(QE_B)).failures())
        .containsExactly(failure(Code.PLATFORM_NOT_ALLOWED, 0,
            "platform INTEL_QE_ID:0123456789abcdef… is not in the service's platforms",
            "add INTEL_QE_ID:0123456789abcdef0123456789abcdef to the service's platforms"));
  }

  @Test
  void evidenceWithoutAPlatformIdCannotMatchAPlatformList() {
    assertThat(decide(rules().platforms(PLATFORM_A), evidence().platform(null)).failures()).containsExactly(failure(
        Code.PLATFORM_UNKNOWN, 0, "the evidence carries no platform ID",
        "remove the service's platforms list to accept any platform"));
  }

  // ---- everything together -------------------------------------------------------------------------------

  @Test
  void aDenialListsEveryFailedCheckInOrder() throws Exception {
    Rules r = rules().variants(mrenclaves(MRE_B), signer(SIGNER_A, null, 6, 65535)).platforms(PLATFORM_B);
    Ev e = evidence().debug().status(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED)
        .advisories("INTEL-SA-00233", "INTEL-SA-00615");

    Decision d = decide(r, e);

    assertThat(d.allowed()).isFalse();
    assertThat(d.matchedVariant()).isZero();
    assertThat(d.toText()).isEqualTo("""
        denied: 7 checks failed
        - variant 1: MRENCLAVE 33d8736db756ed49… is not listed: add %s to the mrenclave list of variant 1
        - variant 2: ISVSVN 5 is below isvsvn_min 6: lower signer.isvsvn_min of variant 2 to 5
        - the enclave runs in debug mode: add `debug-mode` to security.attestation.tolerate (for development only: \
        the host can read a debug enclave's memory)
        - TCB status OutOfDateConfigurationNeeded is not tolerated: add `outdated-tcb` and `insecure-configuration` \
        to security.attestation.tolerate
        - advisory INTEL-SA-00233 is not ignored: add `hyperthreading` to security.attestation.tolerate, or list \
        INTEL-SA-00233 in security.attestation.ignore_advisories
        - advisory INTEL-SA-00615 is not ignored: list INTEL-SA-00615 in security.attestation.ignore_advisories
        - platform 5f49f421608bd487… is not in the service's platforms: add %s to the service's platforms"""
        .formatted(MRE_A, PLATFORM_A.hex()));
    assertThat(d.toString()).isEqualTo(d.toText());
    assertThat(JSON.writeValueAsString(d.toJsonMap().get("failures"))).startsWith("["
        + "{\"code\":\"MRENCLAVE_MISMATCH\",\"variant\":1,\"message\":\"variant 1: MRENCLAVE 33d8736db756ed49… is not"
        + " listed\",\"hint\":\"add " + MRE_A + " to the mrenclave list of variant 1\",\"tolerate\":[],"
        + "\"ignoreAdvisories\":[]},");
    assertThat(JSON.writeValueAsString(d.toJsonMap().get("failures"))).contains(
        "{\"code\":\"TCB_STATUS_NOT_TOLERATED\",\"variant\":null,\"message\":\"TCB status OutOfDateConfigurationNeeded"
            + " is not tolerated\",\"hint\":\"add `outdated-tcb` and `insecure-configuration` to"
            + " security.attestation.tolerate\",\"tolerate\":[\"outdated-tcb\",\"insecure-configuration\"],"
            + "\"ignoreAdvisories\":[]}");
    assertThat(d.toJsonMap()).containsEntry("allowed", false).containsEntry("attestation", "checked")
        .containsEntry("variant", null).containsEntry("tolerated", List.of()).containsEntry("ignoredAdvisories", List.of());
  }

  @Test
  void theMachineFormOfTheHintsRelaxesExactlyWhatTheyName() {
    Ev e = evidence().debug().status(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED)
        .advisories("INTEL-SA-00233", "INTEL-SA-00615", "INTEL-SA-00289");
    Decision d = decide(rules(), e);
    Set<Tolerance> tolerate = new HashSet<>();
    Set<String> ignore = new HashSet<>();
    for (Failure f : d.failures()) {
      tolerate.addAll(f.tolerate());
      ignore.addAll(f.ignoreAdvisories());
    }

    Decision relaxed = decide(rules().tolerate(tolerate.toArray(Tolerance[]::new)).ignore(ignore.toArray(String[]::new)), e);

    assertThat(d.failures()).hasSize(5);
    assertThat(relaxed.allowed()).isTrue();
    assertThat(relaxed.tolerated()).containsExactly(Tolerance.DEBUG_MODE, Tolerance.HYPERTHREADING,
        Tolerance.SOFTWARE_HARDENING_NEEDED, Tolerance.INSECURE_CONFIGURATION);
    assertThat(relaxed.toText()).isEqualTo("""
        allowed: the evidence matches attestation variant 1
        - tolerated: debug-mode, hyperthreading, software-hardening-needed, insecure-configuration
        - ignored advisories: INTEL-SA-00233, INTEL-SA-00615, INTEL-SA-00289""");
  }

  @Test
  void decidesOnARealIntelVerdict() throws Exception {
    Evidence e = Evidence.fromJson(bytes(VerdictSamples.INTEL_SGX));
    // The LAS log prints platform keys in upper case; policies paste them as they are.
    Rules r = rules()
        .variants(new Variant(List.of(MRE_A), new SignerRule(SIGNER_A, 0, 0, 65535)))
        .platforms(new PlatformId(PlatformId.Kind.LAS_KEY, "5F49F421608BD48763CCAF12928AFAD05483236B588B3D7B6D1F8C4943E51730"));

    Decision strict = AttestationDecision.decide(r.build(), e);
    Decision relaxed = AttestationDecision.decide(
        r.tolerate(Tolerance.SOFTWARE_HARDENING_NEEDED, Tolerance.INSECURE_CONFIGURATION)
            .ignore("INTEL-SA-00289", "INTEL-SA-00615").build(), e);

    assertThat(strict.toText()).isEqualTo("""
        denied: 3 checks failed
        - TCB status ConfigurationAndSWHardeningNeeded is not tolerated: add `software-hardening-needed` and \
        `insecure-configuration` to security.attestation.tolerate
        - advisory INTEL-SA-00289 is not ignored: list INTEL-SA-00289 in security.attestation.ignore_advisories
        - advisory INTEL-SA-00615 is not ignored: list INTEL-SA-00615 in security.attestation.ignore_advisories""");
    assertThat(relaxed.allowed()).isTrue();
  }

  @Test
  void decidesOnARealSimulationVerdict() throws Exception {
    Evidence e = Evidence.fromJson(bytes(VerdictSamples.SIMULATION_SGX));
    Rules r = rules().variants(signer(SIGNER_B, 1, 1, 65535));

    Decision d = AttestationDecision.decide(r.build(), e);

    assertThat(d.failures()).extracting(Failure::code).containsExactly(Code.DEBUG_NOT_TOLERATED,
        Code.TCB_STATUS_NOT_TOLERATED, Code.ADVISORY_NOT_IGNORED, Code.ADVISORY_NOT_IGNORED, Code.ADVISORY_NOT_IGNORED,
        Code.ADVISORY_NOT_IGNORED);
    assertThat(d.failures().get(0).message())
        .isEqualTo("a simulated enclave counts as a debug enclave (the quote was verified under a simulation root)");
    assertThat(AttestationDecision.decide(r.tolerate(Tolerance.DEBUG_MODE, Tolerance.OUTDATED_TCB).ignoreAll().build(), e)
        .allowed()).isTrue();
  }

  @Test
  void everyFailureCodeIsReachable() {
    List<Decision> decisions = List.of(
        decide(rules(), evidence().tdx()),
        decide(rules().variants(), evidence()),
        decide(rules().variants(new Variant(List.of(), null)), evidence()),
        decide(rules().variants(mrenclaves(MRE_B)), evidence()),
        decide(rules().variants(signer(SIGNER_B, null, 0, 65535)), evidence()),
        decide(rules().variants(signer(SIGNER_A, 7, 0, 65535)), evidence()),
        decide(rules().variants(signer(SIGNER_A, null, 9, 65535)), evidence()),
        decide(rules(), evidence().debug()),
        decide(rules(), evidence().status(TcbStatus.REVOKED)),
        decide(rules(), evidence().status(TcbStatus.OUT_OF_DATE)),
        decide(rules(), evidence().advisories("INTEL-SA-00615")),
        decide(rules().platforms(PLATFORM_B), evidence().platform(null)),
        decide(rules().platforms(PLATFORM_B), evidence()));
    List<Code> reached = new ArrayList<>();
    for (Decision d : decisions) {
      assertThat(d.allowed()).isFalse();
      assertThat(d.failures()).hasSize(1);
      reached.add(d.failures().get(0).code());
    }

    assertThat(reached).containsExactlyInAnyOrder(Code.values());
  }

  @ParameterizedTest
  @EnumSource(TcbStatus.class)
  void decisionsAreDeterministic(TcbStatus status) {
    Rules r = rules().variants(mrenclaves(MRE_B), signer(SIGNER_A, 2, 0, 65535)).platforms(PLATFORM_B);
    Ev e = evidence().status(status).debug().advisories("INTEL-SA-00233", "INTEL-SA-00615");

    assertThat(decide(r, e).toText()).isEqualTo(decide(r, e).toText());
    assertThat(decide(r, e).toJsonMap()).isEqualTo(decide(r, e).toJsonMap());
  }

  // ---- contracts -----------------------------------------------------------------------------------------

  @Test
  void refusesNullArguments() {
    assertThatThrownBy(() -> AttestationDecision.decide(null, evidence().build())).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> AttestationDecision.decide(rules().build(), null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aFailureNeedsAValidVariantNumber() {
    assertThatThrownBy(() -> failure(Code.MRENCLAVE_MISMATCH, -1, "m", "h"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDecisionsListsCannotBeChanged() {
    Decision allowed = decide(rules().tolerate(Tolerance.DEBUG_MODE).ignore("X"), evidence().debug().advisories("X"));
    Decision denied = decide(rules(), evidence().debug());

    assertThatThrownBy(() -> allowed.tolerated().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> allowed.ignoredAdvisories().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> denied.failures().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
