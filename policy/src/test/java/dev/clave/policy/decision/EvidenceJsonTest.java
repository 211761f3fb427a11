package dev.clave.policy.decision;

import static dev.clave.policy.decision.VerdictSamples.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.Evidence.Kind;
import dev.clave.attestation.TcbStatus;
import dev.clave.policy.decision.Evidence.Tee;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EvidenceJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String MRENCLAVE = "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb";
  private static final String MRSIGNER = "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6";

  @Test
  void readsARealIntelVerdict() throws Exception {
    Evidence e = Evidence.fromJson(bytes(VerdictSamples.INTEL_SGX));

    assertThat(e).isEqualTo(new Evidence(Kind.SGX_DCAP, Tee.SGX, MRENCLAVE, MRSIGNER, 0, 0, false,
        TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED, List.of("INTEL-SA-00289", "INTEL-SA-00615"),
        new PlatformId(PlatformId.Kind.LAS_KEY, "5f49f421608bd48763ccaf12928afad05483236b588b3d7b6d1f8c4943e51730")));
    assertThat(e.platformId().hex()).isEqualTo("5f49f421608bd48763ccaf12928afad05483236b588b3d7b6d1f8c4943e51730");
    assertThat(e.countsAsDebug()).isFalse();
  }

  @Test
  void readsARealSimulationVerdict() throws Exception {
    Evidence e = Evidence.fromJson(bytes(VerdictSamples.SIMULATION_SGX));

    assertThat(e.kind()).isEqualTo(Kind.SIMULATION);
    assertThat(e.tee()).isEqualTo(Tee.SGX);
    assertThat(e.mrenclave()).isEqualTo("004fa4d773287db1045504a8932b8351a30fb576d5a00ff6ca151b1d0f16544d");
    assertThat(e.isvProdId()).isEqualTo(1);
    assertThat(e.isvSvn()).isEqualTo(1);
    assertThat(e.debug()).isTrue();
    assertThat(e.tcbStatus()).isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(e.advisoryIds()).containsExactly("INTEL-SA-SIM04", "INTEL-SA-SIM05", "INTEL-SA-SIM06", "INTEL-SA-SIM07");
    assertThat(e.countsAsDebug()).isTrue();
  }

  @Test
  void aSimulatedEnclaveCountsAsDebugEvenWhenItsReportSaysOtherwise() throws Exception {
    Evidence e = Evidence.fromJson(bytes(VerdictSamples.SIMULATION_SGX.replace("\"debug\" : true", "\"debug\" : false")));

    assertThat(e.debug()).isFalse();
    assertThat(e.countsAsDebug()).isTrue();
  }

  @Test
  void readsATdxVerdictWithoutTheSgxIdentity() throws Exception {
    Evidence sim = Evidence.fromJson(bytes(VerdictSamples.SIMULATION_TDX));
    Evidence intel = Evidence.fromJson(bytes(VerdictSamples.SIMULATION_TDX.replace("\"simulation\"", "\"intel\"")));

    assertThat(sim.kind()).isEqualTo(Kind.SIMULATION);
    assertThat(sim.tee()).isEqualTo(Tee.TDX);
    assertThat(sim.mrenclave()).isNull();
    assertThat(sim.mrsigner()).isNull();
    assertThat(sim.tcbStatus()).isEqualTo(TcbStatus.UP_TO_DATE);
    assertThat(sim.advisoryIds()).isEmpty();
    assertThat(intel.kind()).isEqualTo(Kind.TDX_DCAP);
    assertThat(intel.countsAsDebug()).isFalse();
  }

  @Test
  void aRefusedVerdictIsNotEvidence() {
    assertThatThrownBy(() -> Evidence.fromJson(bytes(VerdictSamples.INTEL_SGX_REFUSED)))
        .isInstanceOf(InvalidEvidenceException.class)
        .hasMessage("the quote was refused: COLLATERAL_EXPIRED: root CA CRL issued by \"Intel SGX Root CA\" expired:"
            + " nextUpdate 2026-04-03T11:21:57Z (checked at 2026-11-23T13:18:44.620305901Z)");
  }

  @Test
  void aRefusalWithoutDetailsStillSaysSo() {
    assertThatThrownBy(() -> Evidence.fromJson(bytes("{\"verified\": false, \"surprise\": 1}")))
        .hasMessage("the quote was refused");
  }

  @Test
  void aRefusalMessageLosesControlCharactersAndIsCut() {
    String json = "{\"verified\": false, \"reason\": \"X\\nY\", \"message\": \"" + "m".repeat(500) + "\"}";

    assertThatThrownBy(() -> Evidence.fromJson(bytes(json)))
        .hasMessage("the quote was refused: X Y: " + "m".repeat(400) + "…");
  }

  @Test
  void readsAHandWrittenFileWithOnlyTheFieldsADecisionNeeds() throws Exception {
    String json = """
        {"root": "intel", "tcbStatus": "UpToDate", "advisoryIds": ["intel-sa-00615"],
         "mrenclave": "%s", "mrsigner": "%s", "isvProdId": 7, "isvSvn": 65535, "debug": false}
        """.formatted(MRENCLAVE.toUpperCase(), MRSIGNER);

    Evidence e = Evidence.fromJson(bytes(json));

    assertThat(e).isEqualTo(Evidence.sgx(Kind.SGX_DCAP, MRENCLAVE, MRSIGNER, 7, 65535, false, TcbStatus.UP_TO_DATE,
        List.of("INTEL-SA-00615"), null));
  }

  @Test
  void readsAnIntelQeIdPlatform() throws Exception {
    Map<String, Object> m = minimal();
    m.put("platformId", "INTEL_QE_ID:85FFC69266C833546E5DCA1C676A6151");

    Evidence e = Evidence.fromJson(JSON.writeValueAsBytes(m));

    assertThat(e.platformId()).isEqualTo(new PlatformId(PlatformId.Kind.INTEL_QE_ID, "85ffc69266c833546e5dca1c676a6151"));
    assertThat(e.platformId().toString()).isEqualTo("INTEL_QE_ID:85ffc69266c833546e5dca1c676a6151");
  }

  @Test
  void nullPlatformIdMeansNone() throws Exception {
    Map<String, Object> m = minimal();
    m.put("platformId", null);

    assertThat(Evidence.fromJson(JSON.writeValueAsBytes(m)).platformId()).isNull();
  }

  @Test
  void duplicateAdvisoriesCollapseInOrder() throws Exception {
    Map<String, Object> m = minimal();
    m.put("advisoryIds", List.of("INTEL-SA-00615", "INTEL-SA-00289", "intel-sa-00615"));

    assertThat(Evidence.fromJson(JSON.writeValueAsBytes(m)).advisoryIds())
        .containsExactly("INTEL-SA-00615", "INTEL-SA-00289");
  }

  @Test
  void acceptsExactly64KiB() throws Exception {
    byte[] json = bytes(VerdictSamples.INTEL_SGX);
    byte[] padded = Arrays.copyOf(json, Evidence.MAX_JSON_BYTES);
    Arrays.fill(padded, json.length, padded.length, (byte) ' ');

    assertThat(Evidence.fromJson(padded).mrenclave()).isEqualTo(MRENCLAVE);
  }

  @Test
  void refusesMoreThan64KiB() {
    byte[] tooBig = new byte[Evidence.MAX_JSON_BYTES + 1];
    Arrays.fill(tooBig, (byte) ' ');

    assertThatThrownBy(() -> Evidence.fromJson(tooBig))
        .isInstanceOf(InvalidEvidenceException.class)
        .hasMessage("evidence is too large: 65537 bytes (the limit is 65536)");
  }

  /** A hand-written evidence file with only the fields a decision needs. */
  private static Map<String, Object> minimal() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("root", "intel");
    m.put("tcbStatus", "UpToDate");
    m.put("advisoryIds", List.of());
    m.put("mrenclave", MRENCLAVE);
    m.put("mrsigner", MRSIGNER);
    m.put("isvProdId", 1);
    m.put("isvSvn", 2);
    m.put("debug", false);
    return m;
  }

  private static String with(String field, Object value) throws Exception {
    Map<String, Object> m = minimal();
    m.put(field, value);
    return JSON.writeValueAsString(m);
  }

  private static String without(String field) throws Exception {
    Map<String, Object> m = minimal();
    m.remove(field);
    return JSON.writeValueAsString(m);
  }

  static Stream<Arguments> malformed() throws Exception {
    String tdx = VerdictSamples.SIMULATION_TDX;
    return Stream.of(
        Arguments.of("", "evidence is empty"),
        Arguments.of("  \n ", "evidence is empty"),
        Arguments.of("[]", "evidence must be a JSON object, got an array"),
        Arguments.of("\"evidence\"", "evidence must be a JSON object, got a string"),
        Arguments.of("{} {}", "evidence is not valid JSON: content after the JSON object (line 1, column 4)"),
        Arguments.of("{\"debug\": true, \"debug\": false}",
            "evidence is not valid JSON: Duplicate field 'debug' (line 1, column 24)"),
        Arguments.of(with("surprise", 1), "unknown field \"surprise\""),
        Arguments.of(with("Mrenclave", MRENCLAVE), "unknown field \"Mrenclave\""),
        Arguments.of(with("quoteVersion", "3"), "quoteVersion: expected an integer or null, got a string"),
        Arguments.of(with("td", List.of()), "td: expected an object or null, got an array"),
        Arguments.of(with("message", 5), "message: expected a string or null, got a number"),
        Arguments.of(with("verified", "yes"), "verified: expected a boolean, got a string"),
        Arguments.of(without("root"), "root: missing"),
        Arguments.of(with("root", 1), "root: expected \"intel\" or \"simulation\", got a number"),
        Arguments.of(with("root", "amd"), "root: expected \"intel\" or \"simulation\", got \"amd\""),
        Arguments.of(with("root", "Intel"), "root: expected \"intel\" or \"simulation\", got \"Intel\""),
        Arguments.of(with("teeType", "SEV"), "teeType: expected \"SGX\" or \"TDX\", got \"SEV\""),
        Arguments.of(with("teeType", null), "teeType: expected \"SGX\" or \"TDX\", got null"),
        Arguments.of(without("tcbStatus"), "tcbStatus: missing"),
        Arguments.of(with("tcbStatus", null), "tcbStatus: expected an Intel TCB status, got null"),
        Arguments.of(with("tcbStatus", "uptodate"), "tcbStatus: \"uptodate\" is not an Intel TCB status (expected one of"
            + " UpToDate, SWHardeningNeeded, ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, OutOfDate,"
            + " OutOfDateConfigurationNeeded, Revoked)"),
        Arguments.of(without("advisoryIds"), "advisoryIds: missing (write [] when there are none)"),
        Arguments.of(with("advisoryIds", "INTEL-SA-00615"), "advisoryIds: expected an array of strings, got a string"),
        Arguments.of(with("advisoryIds", List.of("INTEL-SA-00615", 7)), "advisoryIds[1]: expected a string, got a number"),
        Arguments.of(with("advisoryIds", List.of("INTEL SA")), "advisoryIds[0]: \"INTEL SA\" contains U+0020"),
        Arguments.of(with("advisoryIds", List.of("")), "advisoryIds[0]: \"\" must have 1 to 64 characters"),
        Arguments.of(without("mrenclave"), "mrenclave: missing"),
        Arguments.of(with("mrenclave", null), "mrenclave: expected 64 hex digits, got null"),
        Arguments.of(with("mrenclave", MRENCLAVE.substring(1)), "mrenclave: expected 64 hex digits, got 63 characters"),
        Arguments.of(with("mrenclave", MRENCLAVE + "00"), "mrenclave: expected 64 hex digits, got 66 characters"),
        Arguments.of(with("mrenclave", "33d87g" + MRENCLAVE.substring(6)),
            "mrenclave: expected 64 hex digits, found 'g' at index 5"),
        Arguments.of(with("mrsigner", 12), "mrsigner: expected 64 hex digits, got a number"),
        Arguments.of(with("mrsigner", " " + MRSIGNER.substring(1)),
            "mrsigner: expected 64 hex digits, found U+0020 at index 0"),
        Arguments.of(without("isvProdId"), "isvProdId: missing"),
        Arguments.of(with("isvProdId", "1"), "isvProdId: expected an integer in 0..65535, got a string"),
        Arguments.of(with("isvProdId", -1), "isvProdId: expected an integer in 0..65535, got -1"),
        Arguments.of(with("isvSvn", 65536), "isvSvn: expected an integer in 0..65535, got 65536"),
        Arguments.of(with("isvSvn", 1.5), "isvSvn: expected an integer in 0..65535, got 1.5"),
        Arguments.of(with("isvSvn", new java.math.BigInteger("99999999999999999999")),
            "isvSvn: expected an integer in 0..65535, got 99999999999999999999"),
        Arguments.of(with("isvSvn", null), "isvSvn: expected an integer in 0..65535, got null"),
        Arguments.of(without("debug"), "debug: missing"),
        Arguments.of(with("debug", "false"), "debug: expected a boolean, got a string"),
        Arguments.of(with("platformId", 5),
            "platformId: expected 64 hex digits or INTEL_QE_ID: and 32 hex digits, got a number"),
        Arguments.of(with("platformId", "5f49f421"),
            "platformId: expected 64 hex digits, got 8 characters (or INTEL_QE_ID: and 32 hex digits)"),
        Arguments.of(with("platformId", "INTEL_QE_ID:85ffc692"),
            "platformId: after INTEL_QE_ID: expected 32 hex digits, got 8 characters"),
        Arguments.of(tdx.replace("\"mrenclave\" : null", "\"mrenclave\" : \"" + MRENCLAVE + "\""),
            "mrenclave: must be null or absent in TDX evidence"),
        Arguments.of(tdx.replace("\"isvSvn\" : null", "\"isvSvn\" : 0"), "isvSvn: must be null or absent in TDX evidence"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void refusesMalformedEvidenceWithAPreciseMessage(String json, String message) {
    assertThatThrownBy(() -> Evidence.fromJson(bytes(json)))
        .isInstanceOf(InvalidEvidenceException.class)
        .hasMessage(message);
  }

  @Test
  void refusesBrokenJsonWithItsPosition() {
    assertThatThrownBy(() -> Evidence.fromJson(bytes("{\n  \"root\": \"intel\",\n  \"debug\": tru\n}")))
        .isInstanceOf(InvalidEvidenceException.class)
        .hasMessageStartingWith("evidence is not valid JSON: Unrecognized token 'tru'")
        .hasMessageEndingWith("(line 3, column 12)");
    assertThatThrownBy(() -> Evidence.fromJson(bytes("{\"root\": \"intel\"")))
        .hasMessageStartingWith("evidence is not valid JSON: Unexpected end-of-input");
    assertThatThrownBy(() -> Evidence.fromJson(bytes("{\"isvSvn\": NaN}")))
        .hasMessageStartingWith("evidence is not valid JSON: Non-standard token 'NaN'");
    assertThatThrownBy(() -> Evidence.fromJson(bytes("{\"root\": \"intel\" // comment\n}")))
        .hasMessageStartingWith("evidence is not valid JSON: Unexpected character ('/'");
  }

  @Test
  void refusesInvalidUtf8() {
    byte[] json = bytes("{\"root\": \"intel\"}");
    json[10] = (byte) 0xC3; // a lead byte followed by an ASCII letter
    assertThatThrownBy(() -> Evidence.fromJson(json))
        .isInstanceOf(InvalidEvidenceException.class)
        .hasMessageStartingWith("evidence is not valid JSON: Invalid UTF-8 middle byte");
  }

  @Test
  void refusesDeepNestingBeforeBuildingIt() {
    String deep = "{\"td\": " + "[".repeat(20) + "]".repeat(20) + "}";
    assertThatThrownBy(() -> Evidence.fromJson(deep.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(InvalidEvidenceException.class)
        .hasMessageStartingWith("evidence is not valid JSON: Document nesting depth (9) exceeds the maximum allowed (8");
  }

  @Test
  void theConstructorRefusesInconsistentEvidence() {
    assertThatThrownBy(() -> new Evidence(Kind.SGX_DCAP, Tee.TDX, null, null, 0, 0, false, TcbStatus.UP_TO_DATE,
        List.of(), null)).hasMessage("kind SGX_DCAP does not describe a TDX report");
    assertThatThrownBy(() -> Evidence.sgx(Kind.SGX_DCAP, "abc", MRSIGNER, 0, 0, false, TcbStatus.UP_TO_DATE,
        List.of(), null)).hasMessage("mrenclave and mrsigner must be 64 hex digits");
    assertThatThrownBy(() -> Evidence.sgx(Kind.SGX_DCAP, MRENCLAVE, MRSIGNER, 0, 65536, false, TcbStatus.UP_TO_DATE,
        List.of(), null)).hasMessage("isvProdId and isvSvn must lie in 0..65535");
    assertThatThrownBy(() -> new Evidence(Kind.TDX_DCAP, Tee.TDX, MRENCLAVE, null, 0, 0, false, TcbStatus.UP_TO_DATE,
        List.of(), null)).hasMessage("TDX evidence has no mrenclave, mrsigner, isvProdId or isvSvn");
    assertThatThrownBy(() -> Evidence.sgx(Kind.SGX_DCAP, MRENCLAVE, MRSIGNER, 0, 0, false, TcbStatus.UP_TO_DATE,
        List.of("a b"), null)).hasMessage("advisory ID \"a b\" contains U+0020");
    assertThatThrownBy(() -> Evidence.sgx(Kind.SGX_DCAP, MRENCLAVE, MRSIGNER, 0, 0, false, TcbStatus.UP_TO_DATE,
        List.of(), new PlatformId(PlatformId.Kind.INTEL_QE_ID, MRENCLAVE)))
        .hasMessage("platformId must be 64 hex digits or INTEL_QE_ID: and 32 hex digits");
  }

  @Test
  void tcbStatusNamesAreIntels() {
    for (TcbStatus s : TcbStatus.values()) {
      assertThat(TcbStatus.fromJsonName(s.jsonName())).contains(s);
      assertThat(s).hasToString(s.jsonName());
    }
    assertThat(TcbStatus.fromJsonName("HardeningNeeded")).isEmpty();
  }
}
