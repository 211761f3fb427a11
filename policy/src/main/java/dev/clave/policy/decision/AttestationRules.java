package dev.clave.policy.decision;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a service's evidence must satisfy: the session's {@code security.attestation} settings together with
 * the service's {@code attestation}/{@code mrenclaves} variants and {@code platforms}. Built by the policy
 * parser from a valid session, with placeholders already substituted. Hex is lowercase: the constructors of
 * {@link Variant}, {@link SignerRule} and {@link PlatformId} lower-case ASCII letters, so matching is
 * case-insensitive by construction (the docs paste upper-case LAS keys into policies). Advisory IDs are
 * upper-cased by {@link AdvisoryRule} for the same reason.
 *
 * <p>The parser calls {@link #validate()} and reports each problem at the right position; {@link
 * AttestationDecision#decide} fails closed on rules that did not validate.
 *
 * @param mode HARDWARE checks everything; NONE accepts any evidence (and no evidence)
 * @param variants alternatives (OR); empty only when mode is NONE
 * @param platforms allowed platform IDs; empty means any platform
 * @param tolerate the tolerated conditions
 * @param ignoreAdvisories the advisories to ignore
 */
public record AttestationRules(
    Mode mode, List<Variant> variants, List<PlatformId> platforms, Set<Tolerance> tolerate, AdvisoryRule ignoreAdvisories) {

  /** Largest value of a 16-bit SGX field (ISVPRODID, ISVSVN). */
  static final int U16_MAX = 65535;

  public AttestationRules {
    Objects.requireNonNull(mode, "mode");
    variants = List.copyOf(variants);
    platforms = List.copyOf(platforms);
    tolerate = Set.copyOf(tolerate);
    Objects.requireNonNull(ignoreAdvisories, "ignoreAdvisories");
  }

  /**
   * The problems that make these rules invalid, in a stable order; empty when they are valid. Messages name
   * the setting ({@code attestation variant 2: signer: isvsvn_min 7 is greater than isvsvn_max 5}) but carry
   * no file position: the parser adds it. Checked:
   *
   * <ul>
   *   <li>mode HARDWARE needs at least one variant;
   *   <li>each variant names mrenclave, signer or both;
   *   <li>mrenclave and mrsigner are 64 hex digits; a signer has an mrsigner;
   *   <li>isvprodid, isvsvn_min and isvsvn_max lie in 0..65535, and isvsvn_min ≤ isvsvn_max;
   *   <li>platform IDs are 64 hex digits (LAS key) or 32 hex digits ({@code INTEL_QE_ID:});
   *   <li>{@code ignore_advisories: "*"} only together with {@code debug-mode} tolerated.
   * </ul>
   */
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (mode == Mode.HARDWARE && variants.isEmpty()) {
      problems.add("attestation: a service needs at least one attestation variant (mrenclave, signer or both)"
          + " unless security.attestation.mode is none");
    }
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      String where = "attestation variant " + (i + 1) + ": ";
      if (v.mrenclaves().isEmpty() && v.signer() == null) {
        problems.add(where + "needs mrenclave, signer or both");
      }
      for (String mrenclave : v.mrenclaves()) {
        String problem = Ascii.hexProblem(mrenclave, 64);
        if (problem != null) {
          problems.add(where + "mrenclave " + Ascii.quote(mrenclave) + ": " + problem);
        }
      }
      SignerRule s = v.signer();
      if (s != null) {
        if (s.mrsigner() == null) {
          problems.add(where + "signer: mrsigner is missing");
        } else {
          String problem = Ascii.hexProblem(s.mrsigner(), 64);
          if (problem != null) {
            problems.add(where + "signer: mrsigner " + Ascii.quote(s.mrsigner()) + ": " + problem);
          }
        }
        if (s.isvprodid() != null && (s.isvprodid() < 0 || s.isvprodid() > U16_MAX)) {
          problems.add(where + "signer: isvprodid " + s.isvprodid() + " is outside 0.." + U16_MAX);
        }
        boolean minOk = s.isvsvnMin() >= 0 && s.isvsvnMin() <= U16_MAX;
        boolean maxOk = s.isvsvnMax() >= 0 && s.isvsvnMax() <= U16_MAX;
        if (!minOk) {
          problems.add(where + "signer: isvsvn_min " + s.isvsvnMin() + " is outside 0.." + U16_MAX);
        }
        if (!maxOk) {
          problems.add(where + "signer: isvsvn_max " + s.isvsvnMax() + " is outside 0.." + U16_MAX);
        }
        if (minOk && maxOk && s.isvsvnMin() > s.isvsvnMax()) {
          problems.add(where + "signer: isvsvn_min " + s.isvsvnMin() + " is greater than isvsvn_max "
              + s.isvsvnMax());
        }
      }
    }
    for (PlatformId p : platforms) {
      if (p.kind() == null || p.hex() == null) {
        problems.add("platforms: an entry is incomplete");
        continue;
      }
      String problem = Ascii.hexProblem(p.hex(), p.kind().hexLength());
      if (problem != null) {
        String shown = p.kind() == PlatformId.Kind.LAS_KEY ? p.hex() : "INTEL_QE_ID:" + p.hex();
        problems.add("platforms: " + Ascii.quote(shown) + ": " + problem);
      }
    }
    if (ignoreAdvisories.all() && !tolerate.contains(Tolerance.DEBUG_MODE)) {
      problems.add("ignore_advisories: \"*\" is allowed only when debug-mode is tolerated");
    }
    return List.copyOf(problems);
  }

  /** {@code security.attestation.mode}; {@code default} is HARDWARE. MAA is refused before rules exist. */
  public enum Mode {
    HARDWARE,
    NONE
  }

  /**
   * One variant: every part present must match (AND). {@code mrenclaves} lists accepted MRENCLAVEs (any
   * one); empty means MRENCLAVE is not checked. {@code signer} is null when not checked. Never both empty
   * (a variant with neither matches nothing).
   */
  public record Variant(List<String> mrenclaves, SignerRule signer) {
    public Variant {
      String[] lowered = new String[mrenclaves.size()];
      int i = 0;
      for (String m : mrenclaves) {
        lowered[i++] = Ascii.lower(Objects.requireNonNull(m, "mrenclaves element"));
      }
      mrenclaves = List.of(lowered);
    }
  }

  /**
   * {@code signer:} — MRSIGNER must equal; ISVPRODID must equal when not null; ISVSVN must lie in
   * [isvsvnMin, isvsvnMax] ({@code isvsvn: N} is the same as {@code isvsvn_min: N}; absent bounds are 0 and
   * 65535).
   */
  public record SignerRule(String mrsigner, Integer isvprodid, int isvsvnMin, int isvsvnMax) {
    public SignerRule {
      mrsigner = Ascii.lower(mrsigner);
    }
  }

  /** A platform ID: a SCONE/Clave LAS key (32 bytes) or, in the 7.0 form, {@code INTEL_QE_ID:} 16 bytes. */
  public record PlatformId(Kind kind, String hex) {
    public PlatformId {
      hex = Ascii.lower(hex);
    }

    public enum Kind {
      /** 32 bytes: a SCONE LAS key, or in Clave's verdicts the SHA-256 of the quote's attestation key. */
      LAS_KEY(64),
      /** 16 bytes, written {@code INTEL_QE_ID:} and 32 hex digits (SCONE 7.0+). */
      INTEL_QE_ID(32);

      private final int hexLength;

      Kind(int hexLength) {
        this.hexLength = hexLength;
      }

      /** How many hex digits an ID of this kind has. */
      public int hexLength() {
        return hexLength;
      }
    }

    /** As written in a policy: 64 hex, or {@code INTEL_QE_ID:} and 32 hex (hex lowercase). */
    @Override
    public String toString() {
      return kind == Kind.LAS_KEY ? hex : "INTEL_QE_ID:" + hex;
    }
  }

  /**
   * {@code ignore_advisories}: a list of IDs, or {@code "*"} (all; valid only with debug-mode tolerated).
   * IDs are upper-cased (Intel spells them {@code INTEL-SA-00615}), so matching ignores case.
   */
  public record AdvisoryRule(boolean all, Set<String> ids) {
    public static final AdvisoryRule NONE = new AdvisoryRule(false, Set.of());

    public AdvisoryRule {
      Set<String> upper = new HashSet<>();
      for (String id : ids) {
        upper.add(Ascii.upper(Objects.requireNonNull(id, "ids element")));
      }
      ids = Set.copyOf(upper);
    }

    /**
     * True when the rule ignores {@code advisoryId} (any case). The wildcard counts here whatever the
     * tolerations; {@link AttestationDecision} honours it only together with {@code debug-mode}.
     */
    public boolean ignores(String advisoryId) {
      return all || ids.contains(Ascii.upper(advisoryId));
    }
  }
}
