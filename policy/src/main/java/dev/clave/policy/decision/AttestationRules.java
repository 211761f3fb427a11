package dev.clave.policy.decision;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a service's evidence must satisfy: the session's {@code security.attestation} settings together with
 * the service's {@code attestation}/{@code mrenclaves} variants and {@code platforms}. Built by the policy
 * parser from a valid session, with placeholders already substituted; all hex is lowercase.
 *
 * @param mode HARDWARE checks everything; NONE accepts any evidence (and no evidence)
 * @param variants alternatives (OR); empty only when mode is NONE
 * @param platforms allowed platform IDs; empty means any platform
 * @param tolerate the tolerated conditions
 * @param ignoreAdvisories the advisories to ignore
 */
public record AttestationRules(
    Mode mode, List<Variant> variants, List<PlatformId> platforms, Set<Tolerance> tolerate, AdvisoryRule ignoreAdvisories) {

  public AttestationRules {
    Objects.requireNonNull(mode, "mode");
    variants = List.copyOf(variants);
    platforms = List.copyOf(platforms);
    tolerate = Set.copyOf(tolerate);
    Objects.requireNonNull(ignoreAdvisories, "ignoreAdvisories");
  }

  /** {@code security.attestation.mode}; {@code default} is HARDWARE. MAA is refused before rules exist. */
  public enum Mode {
    HARDWARE,
    NONE
  }

  /**
   * One variant: every part present must match (AND). {@code mrenclaves} lists accepted MRENCLAVEs (any
   * one); empty means MRENCLAVE is not checked. {@code signer} is null when not checked. Never both empty.
   */
  public record Variant(List<String> mrenclaves, SignerRule signer) {
    public Variant {
      mrenclaves = List.copyOf(mrenclaves);
    }
  }

  /**
   * {@code signer:} — MRSIGNER must equal; ISVPRODID must equal when not null; ISVSVN must lie in
   * [isvsvnMin, isvsvnMax] ({@code isvsvn: N} is the same as {@code isvsvn_min: N}; absent bounds are 0 and
   * 65535).
   */
  public record SignerRule(String mrsigner, Integer isvprodid, int isvsvnMin, int isvsvnMax) {}

  /** A platform ID: a SCONE/Clave LAS key (32 bytes) or, in the 7.0 form, {@code INTEL_QE_ID:} 16 bytes. */
  public record PlatformId(Kind kind, String hex) {
    public enum Kind {
      LAS_KEY,
      INTEL_QE_ID
    }

    /** As written in a policy: 64 hex, or {@code INTEL_QE_ID:} and 32 hex (hex lowercase). */
    @Override
    public String toString() {
      return kind == Kind.LAS_KEY ? hex : "INTEL_QE_ID:" + hex;
    }
  }

  /** {@code ignore_advisories}: a list of IDs, or {@code "*"} (all; valid only with debug-mode tolerated). */
  public record AdvisoryRule(boolean all, Set<String> ids) {
    public static final AdvisoryRule NONE = new AdvisoryRule(false, Set.of());

    public AdvisoryRule {
      ids = Set.copyOf(ids);
    }

    public boolean ignores(String advisoryId) {
      return all || ids.contains(advisoryId);
    }
  }
}
