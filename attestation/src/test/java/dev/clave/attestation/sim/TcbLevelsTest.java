package dev.clave.attestation.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.TcbLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TcbLevelsTest {

  @Test
  void theLadderHasOneLevelPerStatusHighestFirst() {
    List<TcbLevel> levels = TcbLevels.platformLadder().levels();
    assertThat(levels).extracting(TcbLevel::status).containsExactly(
        TcbStatus.UP_TO_DATE, TcbStatus.SW_HARDENING_NEEDED, TcbStatus.CONFIGURATION_NEEDED,
        TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED, TcbStatus.OUT_OF_DATE,
        TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED, TcbStatus.REVOKED);
    assertThat(levels).extracting(TcbLevel::pceSvn).containsExactly(7, 6, 5, 4, 3, 2, 1);
    assertThat(levels.get(0).sgxComponents()).isEqualTo(Bytes.fromHex("07".repeat(16)));
    assertThat(levels.get(0).advisoryIds()).isEmpty();
    assertThat(levels.get(2).advisoryIds()).containsExactly("INTEL-SA-SIM06", "INTEL-SA-SIM07");
    assertThat(levels.get(0).tcbDate()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(levels.get(6).tcbDate()).isEqualTo(Instant.parse("2018-01-01T00:00:00Z"));
    assertThat(levels.get(3).tdxComponents()).isEqualTo(TcbLevels.tdxComponentsForSvn(4));
    assertThat(TcbLevels.platformLadder().highestTcb()).isEqualTo(PlatformTcb.ofSvn(7));
  }

  @Test
  void jsonLevelsAreSortedAndDefaulted() {
    TcbLevels levels = TcbLevels.fromJson("""
        [ {"sgxSvn": 2, "status": "OutOfDate", "advisoryIds": ["INTEL-SA-00615"]},
          {"sgxSvn": 4, "pceSvn": 13, "tdxSvn": 1, "status": "UpToDate", "date": "2025-05-01T00:00:00Z"},
          {"sgxComponents": [9,9,0,0,0,0,0,0,0,0,0,0,0,0,0,0], "pceSvn": 1, "status": "Revoked"} ]
        """);
    List<TcbLevel> l = levels.levels();
    // QVL's order: lexicographic on the components, so [9,9,0…] sorts first.
    assertThat(l).extracting(TcbLevel::status)
        .containsExactly(TcbStatus.REVOKED, TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE);
    assertThat(l.get(0).tdxComponents().isAllZero()).isTrue();
    assertThat(l.get(1).pceSvn()).isEqualTo(13);
    assertThat(l.get(1).tdxComponents()).isEqualTo(TcbLevels.tdxComponentsForSvn(1));
    assertThat(l.get(1).tcbDate()).isEqualTo(Instant.parse("2025-05-01T00:00:00Z"));
    assertThat(l.get(2).pceSvn()).isEqualTo(2);
    assertThat(l.get(2).tdxComponents()).isEqualTo(TcbLevels.tdxComponentsForSvn(2));
    assertThat(l.get(2).tcbDate()).isEqualTo(TcbLevels.DEFAULT_DATE);
    assertThat(l.get(2).advisoryIds()).containsExactly("INTEL-SA-00615");
    assertThat(levels.highestTcb().sgxComponents()).isEqualTo(l.get(0).sgxComponents());
  }

  @Test
  void objectFormAndToJsonRoundTrip(@TempDir Path dir) throws Exception {
    TcbLevels ladder = TcbLevels.platformLadder();
    assertThat(TcbLevels.fromJson(ladder.toJson())).isEqualTo(ladder);
    TcbLevels custom = TcbLevels.fromJson("""
        {"tcbLevels": [{"sgxComponents": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,255], "pceSvn": 70,
                        "tdxComponents": [1,0,3,0,0,0,0,0,0,0,0,0,0,0,0,0], "status": "SWHardeningNeeded"}]}
        """);
    assertThat(TcbLevels.fromJson(custom.toJson())).isEqualTo(custom);
    Path file = dir.resolve("levels.json");
    Files.writeString(file, custom.toJson());
    assertThat(TcbLevels.load(file)).isEqualTo(custom);
  }

  @Test
  void errorsNameTheLevelAndField() {
    assertError("{", "TCB levels: not valid JSON");
    assertError("[]", "TCB levels: at least one level is required");
    assertError("{\"levels\": []}", "TCB levels: unknown field \"levels\" (expected only \"tcbLevels\")");
    assertError("{}", "TCB levels: missing \"tcbLevels\"");
    assertError("7", "TCB levels: expected an array of levels or {\"tcbLevels\": [...]}");
    assertError("[1]", "TCB levels: [0]: expected an object");
    assertError("[{\"status\": \"UpToDate\"}]", "TCB levels: [0]: give exactly one of \"sgxSvn\" and \"sgxComponents\"");
    assertError("[{\"sgxSvn\": 1, \"status\": \"UpToDate\"}, {\"sgxSvn\": 256, \"status\": \"UpToDate\"}]",
        "TCB levels: [1].sgxSvn: expected an integer 0..255, got 256");
    assertError("[{\"sgxSvn\": \"7\", \"status\": \"UpToDate\"}]", "TCB levels: [0].sgxSvn: expected an integer 0..255, got \"7\"");
    assertError("[{\"sgxSvn\": 1.5, \"status\": \"UpToDate\"}]", "TCB levels: [0].sgxSvn: expected an integer 0..255, got 1.5");
    assertError("[{\"sgxSvn\": 1, \"pceSvn\": 70000, \"status\": \"UpToDate\"}]",
        "TCB levels: [0].pceSvn: expected an integer 0..65535, got 70000");
    assertError("[{\"sgxSvn\": 1, \"status\": \"Uptodate\"}]",
        "TCB levels: [0].status: expected one of UpToDate, SWHardeningNeeded, ConfigurationNeeded, "
            + "ConfigurationAndSWHardeningNeeded, OutOfDate, OutOfDateConfigurationNeeded, Revoked, got \"Uptodate\"");
    assertError("[{\"sgxSvn\": 1}]", "TCB levels: [0]: \"status\" is required");
    assertError("[{\"sgxSvn\": 1, \"status\": \"UpToDate\", \"pcesvn\": 1}]", "TCB levels: [0]: unknown field \"pcesvn\"");
    assertError("[{\"sgxComponents\": [1,2], \"pceSvn\": 1, \"status\": \"UpToDate\"}]",
        "TCB levels: [0].sgxComponents: expected an array of 16 integers 0..255, got 2 elements");
    assertError("[{\"sgxComponents\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,-1], \"pceSvn\": 1, \"status\": \"UpToDate\"}]",
        "TCB levels: [0].sgxComponents[15]: expected an integer 0..255, got -1");
    assertError("[{\"sgxComponents\": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0], \"status\": \"UpToDate\"}]",
        "TCB levels: [0]: \"pceSvn\" is required with \"sgxComponents\"");
    assertError("[{\"sgxSvn\": 1, \"tdxSvn\": 1, \"tdxComponents\": [], \"status\": \"UpToDate\"}]",
        "TCB levels: [0]: give at most one of \"tdxSvn\" and \"tdxComponents\"");
    assertError("[{\"sgxSvn\": 1, \"status\": \"UpToDate\", \"date\": \"2024-01-01\"}]",
        "TCB levels: [0].date: expected an ISO-8601 UTC instant such as \"2024-06-01T00:00:00Z\", got \"2024-01-01\"");
    assertError("[{\"sgxSvn\": 1, \"status\": \"UpToDate\", \"advisoryIds\": \"INTEL-SA-1\"}]",
        "TCB levels: [0].advisoryIds: expected an array of strings");
    assertError("[{\"sgxSvn\": 1, \"status\": \"UpToDate\", \"advisoryIds\": [\"\"]}]",
        "TCB levels: [0].advisoryIds[0]: expected a non-empty string");
    assertError("[{\"sgxSvn\": 3, \"status\": \"UpToDate\"}, {\"sgxSvn\": 3, \"status\": \"Revoked\"}]",
        "TCB levels: [1] has the same TCB as [0]");
    assertError("[{\"sgxSvn\": 1, \"sgxSvn\": 2, \"status\": \"UpToDate\"}]", "TCB levels: not valid JSON: Duplicate field 'sgxSvn'");
  }

  @Test
  void loadPrefixesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "[{\"sgxSvn\": 1}]");
    assertThatThrownBy(() -> TcbLevels.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": TCB levels: [0]: \"status\" is required");
  }

  private static void assertError(String json, String messageStart) {
    assertThatThrownBy(() -> TcbLevels.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .startsWith(messageStart);
  }
}
