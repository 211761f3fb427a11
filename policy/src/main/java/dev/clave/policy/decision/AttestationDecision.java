package dev.clave.policy.decision;

import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.AttestationRules.SignerRule;
import dev.clave.policy.decision.AttestationRules.Variant;
import dev.clave.policy.decision.Decision.Code;
import dev.clave.policy.decision.Decision.Failure;
import dev.clave.attestation.TcbStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether verified {@link Evidence} satisfies a service's {@link AttestationRules}: the question a
 * CAS answers before it hands out a service's secrets. Pure, deterministic and thread-safe. A CAS decides
 * on every service start, so the allowed path stays light: no regular expressions, no string building, and
 * beyond the result only the record of the tolerations and advisories it relied on, when there are any.
 *
 * <p>Semantics (reference: SCONE session language §1.3 and §1.4):
 *
 * <ol>
 *   <li><b>Mode.</b> {@code NONE} allows without any check: the decision says attestation was disabled by
 *       the policy. Everything below applies to {@code HARDWARE}.
 *   <li><b>TEE.</b> The rules describe SGX enclaves only, so TDX evidence is always denied ({@link
 *       Code#TEE_KIND_MISMATCH}, "TDX evidence cannot match an SGX variant"); the other checks still run
 *       and are listed too.
 *   <li><b>Variants</b> are alternatives (OR). Inside a variant every present part must match (AND): the
 *       MRENCLAVE is one of {@code mrenclave}; for {@code signer}, MRSIGNER is equal, ISVPRODID is equal
 *       when set, and ISVSVN lies in [isvsvn_min, isvsvn_max]. When no variant matches, each variant's
 *       mismatches are listed with its 1-based number ("variant 2: ISVSVN 3 is below isvsvn_min 5"; without
 *       the prefix when the service has a single variant). A different MRSIGNER is reported alone: ISVPRODID
 *       and ISVSVN only mean something under the same signer. Invalid rules fail closed: no variant at all
 *       ({@link Code#NO_VARIANTS}), or a variant with neither part, which matches nothing ({@link
 *       Code#EMPTY_VARIANT}). Measurements are public, so plain {@code equals} on lowercase hex suffices.
 *   <li><b>Debug.</b> A debug enclave, or any enclave verified under a simulation root ("a simulated enclave
 *       counts as a debug enclave"), needs {@code debug-mode}.
 *   <li><b>TCB status</b> needs tolerations: UpToDate none; SWHardeningNeeded {@code
 *       software-hardening-needed}; ConfigurationNeeded {@code insecure-configuration};
 *       ConfigurationAndSWHardeningNeeded both; OutOfDate {@code outdated-tcb}; OutOfDateConfigurationNeeded
 *       {@code outdated-tcb} and {@code insecure-configuration}. Revoked is always denied ({@link
 *       Code#TCB_REVOKED}): no setting relaxes it.
 *   <li><b>Advisories.</b> Every advisory ID in the evidence, whatever the TCB status, must be ignored:
 *       listed in {@code ignore_advisories}, or covered by {@code "*"}, or by its specific toleration ({@code
 *       hyperthreading} INTEL-SA-00233, {@code insecure-igpu} INTEL-SA-00219, {@code aepic-leak}
 *       INTEL-SA-00657). Each one that is not is its own failure. The wildcard counts only when {@code
 *       debug-mode} is tolerated, as validation demands, so unvalidated rules fail closed.
 *   <li><b>Platforms.</b> When the service lists platforms, the evidence's platform ID must be one of them
 *       (same kind, same hex); evidence without a platform ID is denied ({@link Code#PLATFORM_UNKNOWN}).
 * </ol>
 *
 * A denial lists every failed check in that order, each with what failed and what would relax it (see
 * {@link Decision.Failure}). Hints name exactly the missing tolerations and advisories.
 */
public final class AttestationDecision {
  private AttestationDecision() {}

  private static final String TOLERATE = "security.attestation.tolerate";
  private static final String IGNORE = "security.attestation.ignore_advisories";

  private static final List<Tolerance> NONE = List.of();
  private static final List<Tolerance> SW = List.of(Tolerance.SOFTWARE_HARDENING_NEEDED);
  private static final List<Tolerance> CONFIG = List.of(Tolerance.INSECURE_CONFIGURATION);
  private static final List<Tolerance> CONFIG_SW =
      List.of(Tolerance.SOFTWARE_HARDENING_NEEDED, Tolerance.INSECURE_CONFIGURATION);
  private static final List<Tolerance> OUTDATED = List.of(Tolerance.OUTDATED_TCB);
  private static final List<Tolerance> OUTDATED_CONFIG =
      List.of(Tolerance.OUTDATED_TCB, Tolerance.INSECURE_CONFIGURATION);

  /** Decides; see the class documentation for the rules. Never throws for valid arguments. */
  public static Decision decide(AttestationRules rules, Evidence evidence) {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(evidence, "evidence");
    if (rules.mode() == AttestationRules.Mode.NONE) {
      return Decision.DISABLED;
    }
    Set<Tolerance> tolerate = rules.tolerate();
    List<Failure> failures = null;
    EnumSet<Tolerance> used = null;
    List<String> ignored = null;

    // Identity: TEE kind and variants.
    List<Variant> variants = rules.variants();
    int matched = 0;
    if (variants.isEmpty()) {
      failures = add(failures, new Failure(Code.NO_VARIANTS, 0, "the service has no attestation variant",
          "add an attestation variant (mrenclave, signer or both) to the service", NONE, List.of()));
    }
    if (evidence.tee() == Evidence.Tee.TDX) {
      failures = add(failures, new Failure(Code.TEE_KIND_MISMATCH, 0,
          "TDX evidence cannot match an SGX variant: attestation rules describe only SGX enclaves", null, NONE,
          List.of()));
    } else if (!variants.isEmpty()) {
      for (int i = 0; i < variants.size(); i++) {
        if (matches(variants.get(i), evidence)) {
          matched = i + 1;
          break;
        }
      }
      if (matched == 0) {
        for (int i = 0; i < variants.size(); i++) {
          failures = explainMismatch(variants.get(i), i + 1, variants.size() == 1, evidence, failures);
        }
      }
    }

    // Debug.
    if (evidence.countsAsDebug()) {
      if (tolerate.contains(Tolerance.DEBUG_MODE)) {
        used = add(used, Tolerance.DEBUG_MODE);
      } else {
        String what = evidence.kind() == Evidence.Kind.SIMULATION
            ? "a simulated enclave counts as a debug enclave (the quote was verified under a simulation root)"
            : evidence.tee() == Evidence.Tee.TDX ? "the trust domain runs in debug mode" : "the enclave runs in debug mode";
        failures = add(failures, new Failure(Code.DEBUG_NOT_TOLERATED, 0, what,
            "add `debug-mode` to " + TOLERATE + " (for development only: the host can read a debug enclave's memory)",
            List.of(Tolerance.DEBUG_MODE), List.of()));
      }
    }

    // TCB status.
    TcbStatus status = evidence.tcbStatus();
    if (status == TcbStatus.REVOKED) {
      failures = add(failures, new Failure(Code.TCB_REVOKED, 0, "TCB status Revoked is never accepted", null,
          NONE, List.of()));
    } else {
      List<Tolerance> missing = null;
      for (Tolerance t : requiredTolerations(status)) {
        if (tolerate.contains(t)) {
          used = add(used, t);
        } else {
          missing = add(missing, t);
        }
      }
      if (missing != null) {
        failures = add(failures, new Failure(Code.TCB_STATUS_NOT_TOLERATED, 0,
            "TCB status " + status.jsonName() + " is not tolerated",
            "add " + backquotedNames(missing) + " to " + TOLERATE, missing, List.of()));
      }
    }

    // Advisories.
    AttestationRules.AdvisoryRule ignore = rules.ignoreAdvisories();
    boolean wildcard = ignore.all() && tolerate.contains(Tolerance.DEBUG_MODE);
    for (String id : evidence.advisoryIds()) {
      Tolerance specific = specificToleration(id);
      if (wildcard || ignore.ids().contains(id)) {
        ignored = add(ignored, id);
      } else if (specific != null && tolerate.contains(specific)) {
        used = add(used, specific);
        ignored = add(ignored, id);
      } else if (specific != null) {
        failures = add(failures, new Failure(Code.ADVISORY_NOT_IGNORED, 0, "advisory " + id + " is not ignored",
            "add `" + specific.yamlName() + "` to " + TOLERATE + ", or list " + id + " in " + IGNORE,
            List.of(specific), List.of()));
      } else {
        failures = add(failures, new Failure(Code.ADVISORY_NOT_IGNORED, 0, "advisory " + id + " is not ignored",
            "list " + id + " in " + IGNORE, NONE, List.of(id)));
      }
    }

    // Platform.
    List<PlatformId> platforms = rules.platforms();
    if (!platforms.isEmpty()) {
      PlatformId p = evidence.platformId();
      if (p == null) {
        failures = add(failures, new Failure(Code.PLATFORM_UNKNOWN, 0, "the evidence carries no platform ID",
            "remove the service's platforms list to accept any platform", NONE, List.of()));
      } else if (!platforms.contains(p)) {
        String shown = (p.kind() == PlatformId.Kind.INTEL_QE_ID ? "INTEL_QE_ID:" : "") + Ascii.abbreviate(p.hex());
        failures = add(failures, new Failure(Code.PLATFORM_NOT_ALLOWED, 0,
            "platform " + shown + " is not in the service's platforms",
            "add " + p + " to the service's platforms", NONE, List.of()));
      }
    }

    return failures == null ? Decision.allowed(matched, used, ignored) : Decision.denied(failures);
  }

  /** The tolerations a TCB status needs (Revoked is handled apart: nothing relaxes it). */
  static List<Tolerance> requiredTolerations(TcbStatus status) {
    return switch (status) {
      case UP_TO_DATE, REVOKED -> NONE;
      case SW_HARDENING_NEEDED -> SW;
      case CONFIGURATION_NEEDED -> CONFIG;
      case CONFIGURATION_AND_SW_HARDENING_NEEDED -> CONFIG_SW;
      case OUT_OF_DATE -> OUTDATED;
      case OUT_OF_DATE_CONFIGURATION_NEEDED -> OUTDATED_CONFIG;
    };
  }

  /** The toleration that names one advisory (reference §1.4), or null. IDs are upper-case already. */
  static Tolerance specificToleration(String advisoryId) {
    return switch (advisoryId) {
      case "INTEL-SA-00233" -> Tolerance.HYPERTHREADING;
      case "INTEL-SA-00219" -> Tolerance.INSECURE_IGPU;
      case "INTEL-SA-00657" -> Tolerance.AEPIC_LEAK;
      default -> null;
    };
  }

  private static boolean matches(Variant v, Evidence e) {
    SignerRule s = v.signer();
    if (v.mrenclaves().isEmpty() && s == null) {
      return false; // matches nothing rather than everything
    }
    if (!v.mrenclaves().isEmpty() && !v.mrenclaves().contains(e.mrenclave())) {
      return false;
    }
    if (s != null) {
      return e.mrsigner().equals(s.mrsigner())
          && (s.isvprodid() == null || s.isvprodid() == e.isvProdId())
          && e.isvSvn() >= s.isvsvnMin()
          && e.isvSvn() <= s.isvsvnMax();
    }
    return true;
  }

  /** Adds a failure for each part of variant {@code n} that does not match; the slow, explaining path. */
  private static List<Failure> explainMismatch(
      Variant v, int n, boolean single, Evidence e, List<Failure> failures) {
    String prefix = single ? "" : "variant " + n + ": ";
    String of = single ? "" : " of variant " + n;
    SignerRule s = v.signer();
    if (v.mrenclaves().isEmpty() && s == null) {
      return add(failures, new Failure(Code.EMPTY_VARIANT, n,
          prefix + "the variant names neither mrenclave nor signer, so it matches nothing",
          "add mrenclave or signer to " + (single ? "the variant" : "variant " + n), NONE, List.of()));
    }
    if (!v.mrenclaves().isEmpty() && !v.mrenclaves().contains(e.mrenclave())) {
      failures = add(failures, new Failure(Code.MRENCLAVE_MISMATCH, n,
          prefix + "MRENCLAVE " + Ascii.abbreviate(e.mrenclave()) + " is not listed",
          "add " + e.mrenclave() + " to the mrenclave list" + of, NONE, List.of()));
    }
    if (s != null) {
      if (!e.mrsigner().equals(s.mrsigner())) {
        String expected = s.mrsigner() == null ? "(none)" : Ascii.abbreviate(s.mrsigner());
        failures = add(failures, new Failure(Code.SIGNER_MISMATCH, n,
            prefix + "MRSIGNER " + Ascii.abbreviate(e.mrsigner()) + " is not the expected " + expected,
            "if that signer is trusted, set signer.mrsigner" + of + " to " + e.mrsigner(), NONE, List.of()));
        return failures;
      }
      if (s.isvprodid() != null && s.isvprodid() != e.isvProdId()) {
        failures = add(failures, new Failure(Code.ISVPRODID_MISMATCH, n,
            prefix + "ISVPRODID " + e.isvProdId() + " is not the expected " + s.isvprodid(),
            "set signer.isvprodid" + of + " to " + e.isvProdId(), NONE, List.of()));
      }
      if (e.isvSvn() < s.isvsvnMin()) {
        failures = add(failures, new Failure(Code.ISVSVN_OUT_OF_RANGE, n,
            prefix + "ISVSVN " + e.isvSvn() + " is below isvsvn_min " + s.isvsvnMin(),
            "lower signer.isvsvn_min" + of + " to " + e.isvSvn(), NONE, List.of()));
      } else if (e.isvSvn() > s.isvsvnMax()) {
        failures = add(failures, new Failure(Code.ISVSVN_OUT_OF_RANGE, n,
            prefix + "ISVSVN " + e.isvSvn() + " is above isvsvn_max " + s.isvsvnMax(),
            "raise signer.isvsvn_max" + of + " to " + e.isvSvn(), NONE, List.of()));
      }
    }
    return failures;
  }

  private static String backquotedNames(List<Tolerance> ts) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < ts.size(); i++) {
      if (i > 0) {
        b.append(i == ts.size() - 1 ? " and " : ", ");
      }
      b.append('`').append(ts.get(i).yamlName()).append('`');
    }
    return b.toString();
  }

  // Lazily created collections keep the common, allowed path free of allocations.

  private static <T> List<T> add(List<T> list, T item) {
    List<T> l = list == null ? new ArrayList<>(4) : list;
    l.add(item);
    return l;
  }

  private static EnumSet<Tolerance> add(EnumSet<Tolerance> set, Tolerance t) {
    EnumSet<Tolerance> s = set == null ? EnumSet.noneOf(Tolerance.class) : set;
    s.add(t);
    return s;
  }
}
