package dev.clave.backupcontroller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RestoreDrillTest {
  static final Duration TIMEOUT = Duration.ofMinutes(5);

  static String passed(String age) {
    return "restore drill: the CAS cas sends its newest snapshot to the backup CAS 10.1.0.10:8081\n"
        + "restore drill passed on 10.1.0.10:8081: sessions read back: 3/3; attestation: allowed (UpToDate); restored in 812 ms\n"
        + "recovery point: " + age + " (snapshot 20261123T174041Z-v5, state version 5)\n";
  }

  @Test
  void aPassedDrillGivesItsRecoveryPointAndSnapshot() {
    RestoreDrill d = new RestoreDrill(0, passed("41s"));
    assertThat(d.passed()).isTrue();
    assertThat(d.recoveryPoint()).contains("41s (snapshot 20261123T174041Z-v5, state version 5)");
    assertThat(d.recoveryPointSeconds()).hasValue(41);
    assertThat(d.snapshot()).contains("20261123T174041Z-v5");
  }

  @Test
  void recoveryPointsInTheCliesAgeFormat() {
    assertThat(new RestoreDrill(0, passed("0s")).recoveryPointSeconds()).hasValue(0);
    assertThat(new RestoreDrill(0, passed("3m12s")).recoveryPointSeconds()).hasValue(192);
    assertThat(new RestoreDrill(0, passed("2h5m")).recoveryPointSeconds()).hasValue(7500);
    assertThat(new RestoreDrill(0, passed("soon")).recoveryPointSeconds()).isEmpty();
    assertThat(new RestoreDrill(0, "restore drill passed on x: …\n").recoveryPointSeconds()).isEmpty();
  }

  @Test
  void passedNeedsExitZeroAndThePassedLine() {
    assertThat(new RestoreDrill(1, passed("41s")).passed()).isFalse();
    assertThat(new RestoreDrill(0, "").passed()).isFalse();
    assertThat(new RestoreDrill(0, "").failureReason(TIMEOUT)).isEqualTo("exit code 0 without a restore drill report");
    assertThat(new RestoreDrill(-1, null).failureReason(TIMEOUT)).isEqualTo("the restore drill pod did not finish within 300s");
  }

  @Test
  void theReasonIsTheLastFailedLineWithTheProblems() {
    RestoreDrill refused = new RestoreDrill(1, "restore drill: the CAS cas sends …\n"
        + "restore drill FAILED: this CAS has no registered backup (clave cas register-backup) to drill on (409)\n");
    assertThat(refused.passed()).isFalse();
    assertThat(refused.failureReason(TIMEOUT))
        .isEqualTo("this CAS has no registered backup (clave cas register-backup) to drill on (409)");

    RestoreDrill tooOld = new RestoreDrill(1, passed("3m12s")
        + "restore drill FAILED: the recovery point 3m12s is older than --max-age 2m: snapshots are not being taken\n");
    assertThat(tooOld.passed()).isFalse();
    assertThat(tooOld.failureReason(TIMEOUT)).startsWith("the recovery point 3m12s is older than --max-age 2m");

    RestoreDrill problems = new RestoreDrill(1, "  problem: a\n  problem: b\nrestore drill FAILED on x:8081: sessions read back: 1/3\n");
    assertThat(problems.failureReason(TIMEOUT)).isEqualTo("on x:8081: sessions read back: 1/3 (a; b)");

    assertThat(new RestoreDrill(2, "clave run: cannot reach the LAS\n").failureReason(TIMEOUT))
        .isEqualTo("exit code 2: clave run: cannot reach the LAS");
    assertThat(new RestoreDrill(1, "restore drill FAILED: " + "x".repeat(5000)).failureReason(TIMEOUT)).hasSize(1024);
  }

  @Test
  void theStatusFieldsOfBothOutcomes() {
    Instant at = Instant.parse("2026-11-23T17:41:22.987Z");
    // Nulls remove the other outcome's field in the merge patch.
    assertThat(new DrillStatus(at, true, "sgx-1", OptionalLong.of(41), "").fields()).containsExactly(
        Map.entry("restoreDrillTimestamp", "2026-11-23T17:41:22Z"), Map.entry("restoreDrillResult", "Passed"),
        Map.entry("restoreDrillNode", "sgx-1"), Map.entry("restoreDrillRecoveryPointSeconds", 41L),
        new java.util.AbstractMap.SimpleEntry<>("restoreDrillMessage", null));
    assertThat(new DrillStatus(at, false, "sgx-1", OptionalLong.empty(), "why").fields())
        .containsEntry("restoreDrillResult", "Failed").containsEntry("restoreDrillMessage", "why")
        .containsEntry("restoreDrillRecoveryPointSeconds", null);
  }

  static final Map<String, String> BASE = Map.of("SCONE_CAS_ADDR", "cas", "CLAVE_BACKUP_SESSION", "p/register", "BACKUP_CAS_IMAGE", "clave");

  private static ControllerConfig config(String... kv) {
    java.util.Map<String, String> env = new java.util.HashMap<>(BASE);
    for (int i = 0; i < kv.length; i += 2) {
      env.put(kv[i], kv[i + 1]);
    }
    return ControllerConfig.fromEnv(env);
  }

  @Test
  void drillsAreOffUnlessASessionIsGivenAndDailyUnlessTold() {
    assertThat(config().drills()).isFalse();
    assertThat(config().drillInterval()).isEqualTo(Duration.ofDays(1));
    assertThat(config("CLAVE_DRILL_SESSION", " ").drills()).isFalse();
    ControllerConfig c = config("CLAVE_DRILL_SESSION", "p/drill", "CLAVE_DRILL_INTERVAL_SECONDS", "3600");
    assertThat(c.drills()).isTrue();
    assertThat(c.drillSession()).isEqualTo("p/drill");
    assertThat(c.drillInterval()).isEqualTo(Duration.ofHours(1));
    assertThat(c.withTimings(1, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)).drillSession()).isEqualTo("p/drill");
    assertThatThrownBy(() -> config("CLAVE_DRILL_SESSION", "drill")).hasMessageContaining("CLAVE_DRILL_SESSION: expected POLICY/SERVICE");
    assertThatThrownBy(() -> config("CLAVE_DRILL_INTERVAL_SECONDS", "0")).hasMessageContaining("CLAVE_DRILL_INTERVAL_SECONDS");
  }
}
