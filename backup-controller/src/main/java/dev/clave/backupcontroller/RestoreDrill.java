package dev.clave.backupcontroller;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a restore drill pod ({@code clave run --config-id POLICY/drill -- clave cas restore-drill --on ADDRESS}) ended,
 * read from what {@code clave cas restore-drill} prints:
 *
 * <pre>
 * restore drill passed on 10.1.0.10:8081: sessions read back: 3/3; attestation: allowed (...); restored in 812 ms
 * recovery point: 41s (snapshot 20261123T174041Z-v5, state version 5)
 * </pre>
 *
 * and on failure (exit 1) {@code restore drill FAILED…} lines, with {@code   problem: …} lines before them.
 *
 * @param exitCode the container's exit code (-1 when it did not finish in time)
 * @param output what it printed (stdout and stderr, as the pod's log has them)
 */
public record RestoreDrill(int exitCode, String output) {
  static final String PASSED_PREFIX = "restore drill passed on ";
  static final String FAILED_PREFIX = "restore drill FAILED";
  static final String RECOVERY_POINT_PREFIX = "recovery point: ";
  static final String PROBLEM_PREFIX = "problem: ";
  /** The status field has room for a reason, not for a log. */
  static final int MAX_MESSAGE = 1024;

  private static final Pattern AGE = Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  public RestoreDrill {
    output = output == null ? "" : output;
  }

  /** Passed only when the command exited 0, said so, and no FAILED line followed (as {@code --max-age} adds). */
  public boolean passed() {
    return exitCode == 0 && lines().stream().anyMatch(l -> l.startsWith(PASSED_PREFIX))
        && lines().stream().noneMatch(l -> l.startsWith(FAILED_PREFIX));
  }

  /** What follows {@code recovery point: }, e.g. {@code 41s (snapshot 20261123T174041Z-v5, state version 5)}. */
  public Optional<String> recoveryPoint() {
    return lines().stream().filter(l -> l.startsWith(RECOVERY_POINT_PREFIX))
        .map(l -> l.substring(RECOVERY_POINT_PREFIX.length()).strip()).reduce((a, b) -> b);
  }

  /** The recovery point (the snapshot's age) in seconds: {@code 41s}, {@code 3m12s}, {@code 2h5m}. */
  public OptionalLong recoveryPointSeconds() {
    Optional<String> rp = recoveryPoint();
    if (rp.isEmpty()) {
      return OptionalLong.empty();
    }
    String age = rp.get().split("\\s+", 2)[0];
    Matcher m = AGE.matcher(age);
    if (age.isEmpty() || !m.matches()) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(part(m, 1) * 3600 + part(m, 2) * 60 + part(m, 3));
  }

  /** The snapshot the drill restored, when the output names it. */
  public Optional<String> snapshot() {
    return recoveryPoint().flatMap(rp -> {
      Matcher m = Pattern.compile("\\(snapshot ([^,)]+)").matcher(rp);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    });
  }

  /**
   * Why it failed: the last {@code restore drill FAILED} line without that prefix, with the problems the backup
   * found; else what the pod's end says.
   *
   * @param timeout how long the pod was given, for the message when it did not finish
   */
  public String failureReason(java.time.Duration timeout) {
    if (exitCode == -1) {
      return cap("the restore drill pod did not finish within " + timeout.toSeconds() + "s");
    }
    List<String> problems = lines().stream().filter(l -> l.startsWith(PROBLEM_PREFIX))
        .map(l -> l.substring(PROBLEM_PREFIX.length()).strip()).toList();
    Optional<String> failed = lines().stream().filter(l -> l.startsWith(FAILED_PREFIX))
        .map(l -> l.substring(FAILED_PREFIX.length()).replaceFirst("^[:\\s]+", "").strip()).reduce((a, b) -> b);
    if (failed.isPresent()) {
      String reason = failed.get().isEmpty() ? "no reason given" : failed.get();
      return cap(problems.isEmpty() ? reason : reason + " (" + String.join("; ", problems) + ")");
    }
    Optional<String> last = lines().stream().filter(l -> !l.isEmpty()).reduce((a, b) -> b);
    return cap("exit code " + exitCode + (exitCode == 0 ? " without a restore drill report" : "")
        + last.map(l -> ": " + l).orElse(""));
  }

  private List<String> lines() {
    return output.lines().map(String::strip).toList();
  }

  private static long part(Matcher m, int group) {
    return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
  }

  private static String cap(String s) {
    return s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE - 1) + "…";
  }
}
