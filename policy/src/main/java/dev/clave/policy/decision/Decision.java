package dev.clave.policy.decision;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The outcome of {@link AttestationDecision#decide}: allowed, or denied with every failed check. Only
 * {@link AttestationDecision} creates decisions, so an allowed decision always comes from a real check.
 *
 * <p>Two stable forms: {@link #toJsonMap()} for machines (codes from {@link Code}, the relaxation as
 * tolerations and advisory IDs) and {@link #toText()} for people. Both are unauthenticated explanations of
 * a policy; when a CAS sends them to the attested party it tells that party what the policy accepts, which
 * the policy's readers can see anyway.
 */
public final class Decision {

  /** Why a check failed. The names are stable: they appear in JSON, audit logs and tests. */
  public enum Code {
    /** The evidence is from a TEE the rules cannot describe (TDX: the rules describe SGX enclaves). */
    TEE_KIND_MISMATCH,
    /** Mode HARDWARE, but the service has no variant (invalid rules; fails closed). */
    NO_VARIANTS,
    /** A variant names neither mrenclave nor signer (invalid rules; it matches nothing). */
    EMPTY_VARIANT,
    /** The MRENCLAVE is not in the variant's list. */
    MRENCLAVE_MISMATCH,
    /** The MRSIGNER differs from the variant's signer. */
    SIGNER_MISMATCH,
    /** The signer matches but the ISVPRODID differs. */
    ISVPRODID_MISMATCH,
    /** The signer matches but the ISVSVN lies outside [isvsvn_min, isvsvn_max]. */
    ISVSVN_OUT_OF_RANGE,
    /** A debug (or simulated) enclave, and {@code debug-mode} is not tolerated. */
    DEBUG_NOT_TOLERATED,
    /** The TCB status is Revoked: never accepted. */
    TCB_REVOKED,
    /** The TCB status needs tolerations the policy does not have. */
    TCB_STATUS_NOT_TOLERATED,
    /** An advisory in the evidence is neither ignored nor covered by a toleration. */
    ADVISORY_NOT_IGNORED,
    /** The service restricts platforms, and the evidence has no platform ID. */
    PLATFORM_UNKNOWN,
    /** The evidence's platform ID is not in the service's platforms. */
    PLATFORM_NOT_ALLOWED
  }

  /**
   * One failed check.
   *
   * @param code what kind of check failed
   * @param variant the variant (1-based) the check belongs to; 0 when it concerns the whole evidence
   * @param message what failed, one line, e.g. "TCB status OutOfDate is not tolerated"
   * @param hint what would relax the check, one line; null when no policy setting can (e.g. Revoked)
   * @param tolerate tolerations whose addition relaxes the check (machine form of the hint); may be empty
   * @param ignoreAdvisories advisory IDs whose addition to {@code ignore_advisories} relaxes it; may be empty
   */
  public record Failure(
      Code code, int variant, String message, String hint, List<Tolerance> tolerate, List<String> ignoreAdvisories) {
    public Failure {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      if (variant < 0) {
        throw new IllegalArgumentException("variant must be 0 or a 1-based index");
      }
      tolerate = List.copyOf(tolerate);
      ignoreAdvisories = List.copyOf(ignoreAdvisories);
    }

    /** The message and the hint on one line, e.g. "… is not tolerated: add `outdated-tcb` to …". */
    public String text() {
      return hint == null ? message + " (no policy setting relaxes this)" : message + ": " + hint;
    }

    /** The machine form; every key is always present. */
    public Map<String, Object> toJsonMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", code.name());
      m.put("variant", variant == 0 ? null : variant);
      m.put("message", message);
      m.put("hint", hint);
      m.put("tolerate", yamlNames(tolerate));
      m.put("ignoreAdvisories", ignoreAdvisories);
      return m;
    }

    @Override
    public String toString() {
      return code + ": " + text();
    }
  }

  static final Decision DISABLED = new Decision(true, 0, Set.of(), List.of(), List.of());

  private final boolean attestationDisabled;
  private final int matchedVariant;
  private final Set<Tolerance> tolerated;
  private final List<String> ignoredAdvisories;
  private final List<Failure> failures;

  private Decision(
      boolean attestationDisabled,
      int matchedVariant,
      Set<Tolerance> tolerated,
      List<String> ignoredAdvisories,
      List<Failure> failures) {
    this.attestationDisabled = attestationDisabled;
    this.matchedVariant = matchedVariant;
    this.tolerated = tolerated;
    this.ignoredAdvisories = ignoredAdvisories;
    this.failures = failures;
  }

  /** Allowed after checks. {@code tolerated} may be null (none); it is owned by the decision afterwards. */
  static Decision allowed(int matchedVariant, EnumSet<Tolerance> tolerated, List<String> ignoredAdvisories) {
    return new Decision(
        false,
        matchedVariant,
        tolerated == null ? Set.of() : Collections.unmodifiableSet(tolerated),
        ignoredAdvisories == null ? List.of() : Collections.unmodifiableList(ignoredAdvisories),
        List.of());
  }

  static Decision denied(List<Failure> failures) {
    if (failures.isEmpty()) {
      throw new IllegalArgumentException("a denial needs at least one failure");
    }
    return new Decision(false, 0, Set.of(), List.of(), List.copyOf(failures));
  }

  /** True when the evidence may receive the service's secrets. */
  public boolean allowed() {
    return failures.isEmpty();
  }

  /** True when the policy disabled attestation ({@code mode: none}): allowed without any check. */
  public boolean attestationDisabled() {
    return attestationDisabled;
  }

  /** The variant (1-based) the evidence matched; 0 when denied or when attestation is disabled. */
  public int matchedVariant() {
    return matchedVariant;
  }

  /** The tolerations an allowed decision relied on (for audit logs); empty when denied. */
  public Set<Tolerance> tolerated() {
    return tolerated;
  }

  /** The evidence's advisories an allowed decision ignored, in evidence order; empty when denied. */
  public List<String> ignoredAdvisories() {
    return ignoredAdvisories;
  }

  /** Every failed check, in a stable order; empty when allowed. */
  public List<Failure> failures() {
    return failures;
  }

  /**
   * The machine form, for JSON. Keys, always present: {@code allowed} (boolean), {@code attestation}
   * ("disabled" or "checked"), {@code variant} (matched variant or null), {@code tolerated} (toleration
   * names), {@code ignoredAdvisories}, {@code failures} (see {@link Failure#toJsonMap()}).
   */
  public Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("allowed", allowed());
    m.put("attestation", attestationDisabled ? "disabled" : "checked");
    m.put("variant", matchedVariant == 0 ? null : matchedVariant);
    m.put("tolerated", yamlNames(tolerated));
    m.put("ignoredAdvisories", ignoredAdvisories);
    List<Map<String, Object>> fs = new ArrayList<>(failures.size());
    for (Failure f : failures) {
      fs.add(f.toJsonMap());
    }
    m.put("failures", fs);
    return m;
  }

  /**
   * The human form: a first line "allowed: …" or "denied: N checks failed", then one line per tolerance
   * relied on or per failure ({@code - } and {@link Failure#text()}).
   */
  public String toText() {
    if (attestationDisabled) {
      return "allowed: attestation is disabled by the policy (security.attestation.mode: none);"
          + " the evidence was not checked";
    }
    StringBuilder b = new StringBuilder();
    if (allowed()) {
      b.append("allowed: the evidence matches attestation variant ").append(matchedVariant);
      if (!tolerated.isEmpty()) {
        b.append("\n- tolerated: ").append(String.join(", ", yamlNames(tolerated)));
      }
      if (!ignoredAdvisories.isEmpty()) {
        b.append("\n- ignored advisories: ").append(String.join(", ", ignoredAdvisories));
      }
      return b.toString();
    }
    b.append("denied: ").append(failures.size()).append(failures.size() == 1 ? " check failed" : " checks failed");
    for (Failure f : failures) {
      b.append("\n- ").append(f.text());
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return toText();
  }

  private static List<String> yamlNames(Iterable<Tolerance> ts) {
    List<String> names = new ArrayList<>();
    for (Tolerance t : ts) {
      names.add(t.yamlName());
    }
    return names;
  }
}
