package dev.clave.backupcontroller;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The last restore drill, as the CAS resource's status reports it.
 *
 * @param timestamp when it ran
 * @param passed whether it passed
 * @param node the node whose backup CAS it ran on
 * @param recoveryPointSeconds the restored snapshot's age, when it passed
 * @param message why it failed; empty when it passed
 */
public record DrillStatus(Instant timestamp, boolean passed, String node, OptionalLong recoveryPointSeconds, String message) {
  public static final String PASSED = "Passed";
  public static final String FAILED = "Failed";

  /**
   * The status fields, for a JSON merge patch: the fields of the other outcome are {@code null}, so that a passed
   * drill removes the last failure's message and a failed one the last recovery point.
   */
  public Map<String, Object> fields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("restoreDrillTimestamp", timestamp.truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("restoreDrillResult", passed ? PASSED : FAILED);
    m.put("restoreDrillNode", node);
    m.put("restoreDrillRecoveryPointSeconds",
        passed && recoveryPointSeconds.isPresent() ? (Object) recoveryPointSeconds.getAsLong() : null);
    m.put("restoreDrillMessage", passed ? null : message);
    return m;
  }
}
