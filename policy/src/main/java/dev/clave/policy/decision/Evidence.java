package dev.clave.policy.decision;

import dev.clave.attestation.TcbStatus;

import dev.clave.policy.decision.AttestationRules.PlatformId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Verified facts about one attested enclave: what {@link AttestationDecision} compares with a service's
 * {@link AttestationRules}. Evidence says nothing about whether the quote was genuine — it exists only
 * after a quote verified — so a refused verdict never becomes Evidence (see {@link #fromJson}).
 *
 * <p>Hex is lowercase and advisory IDs upper-case: the constructor normalizes both, so comparisons are
 * plain {@code equals}. For TDX evidence the SGX identity fields are absent: {@code mrenclave} and
 * {@code mrsigner} are null and {@code isvProdId}/{@code isvSvn} are 0.
 *
 * @param kind which trust root verified the quote, and for DCAP which TEE
 * @param tee the TEE the report describes (SGX enclave or TDX trust domain)
 * @param mrenclave the enclave measurement, 64 hex digits (null for TDX)
 * @param mrsigner the hash of the enclave signer's key, 64 hex digits (null for TDX)
 * @param isvProdId the enclave's product ID, 0..65535
 * @param isvSvn the enclave's security version, 0..65535
 * @param debug true when the enclave (or TD) runs in debug mode, i.e. its memory is not protected
 * @param tcbStatus the platform's merged TCB status
 * @param advisoryIds Intel security advisories that apply to the platform, without duplicates
 * @param platformId the platform's identity, or null when the evidence carries none
 */
public record Evidence(
    Kind kind,
    Tee tee,
    String mrenclave,
    String mrsigner,
    int isvProdId,
    int isvSvn,
    boolean debug,
    TcbStatus tcbStatus,
    List<String> advisoryIds,
    PlatformId platformId) {

  /** The largest evidence document {@link #fromJson} reads: 64 KiB. */
  public static final int MAX_JSON_BYTES = 64 * 1024;

  public Evidence {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(tee, "tee");
    Objects.requireNonNull(tcbStatus, "tcbStatus");
    if (kind == Kind.SGX_DCAP && tee != Tee.SGX || kind == Kind.TDX_DCAP && tee != Tee.TDX) {
      throw new IllegalArgumentException("kind " + kind + " does not describe a " + tee + " report");
    }
    if (tee == Tee.SGX) {
      mrenclave = Ascii.lower(mrenclave);
      mrsigner = Ascii.lower(mrsigner);
      if (!Ascii.isLowerHex(mrenclave, 64) || !Ascii.isLowerHex(mrsigner, 64)) {
        throw new IllegalArgumentException("mrenclave and mrsigner must be 64 hex digits");
      }
      if (isvProdId < 0 || isvProdId > AttestationRules.U16_MAX || isvSvn < 0 || isvSvn > AttestationRules.U16_MAX) {
        throw new IllegalArgumentException("isvProdId and isvSvn must lie in 0..65535");
      }
    } else if (mrenclave != null || mrsigner != null || isvProdId != 0 || isvSvn != 0) {
      throw new IllegalArgumentException("TDX evidence has no mrenclave, mrsigner, isvProdId or isvSvn");
    }
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (String id : advisoryIds) {
      String problem = advisoryIdProblem(Objects.requireNonNull(id, "advisoryIds element"));
      if (problem != null) {
        throw new IllegalArgumentException("advisory ID " + problem);
      }
      ids.add(Ascii.upper(id));
    }
    advisoryIds = List.copyOf(ids);
    if (platformId != null) {
      if (platformId.kind() == null || !Ascii.isLowerHex(platformId.hex(), platformId.kind().hexLength())) {
        throw new IllegalArgumentException("platformId must be 64 hex digits or INTEL_QE_ID: and 32 hex digits");
      }
    }
  }

  /** SGX evidence: the common case. */
  public static Evidence sgx(
      Kind kind,
      String mrenclave,
      String mrsigner,
      int isvProdId,
      int isvSvn,
      boolean debug,
      TcbStatus tcbStatus,
      List<String> advisoryIds,
      PlatformId platformId) {
    return new Evidence(kind, Tee.SGX, mrenclave, mrsigner, isvProdId, isvSvn, debug, tcbStatus, advisoryIds,
        platformId);
  }

  /**
   * Reads the JSON that {@code clave quote verify --json} prints, or a hand-written file with the same
   * field names, strictly:
   *
   * <ul>
   *   <li>at most {@value #MAX_JSON_BYTES} bytes of UTF-8, one JSON object, no duplicate or unknown fields;
   *   <li>{@code verified} may be absent (hand-written evidence), but {@code false} is refused with the
   *       verdict's reason and message;
   *   <li>required: {@code root} ("intel" or "simulation"), {@code tcbStatus}, {@code advisoryIds},
   *       {@code debug}, and for SGX {@code mrenclave}, {@code mrsigner}, {@code isvProdId}, {@code isvSvn};
   *   <li>optional: {@code teeType} ("SGX" or "TDX"; absent means SGX), {@code platformId} (absent or null
   *       means none; else 64 hex digits, the SHA-256 of the attestation key that verdicts print, or {@code
   *       INTEL_QE_ID:} and 32 hex digits);
   *   <li>the other fields a verdict prints ({@code tcbDate}, {@code qeTcbStatus}, {@code quoteVersion},
   *       {@code fmspc}, {@code attributes}, {@code reportData}, {@code td}, {@code collateralNotAfter},
   *       {@code verifiedAt}, {@code reason}, {@code message}) are type-checked and otherwise ignored.
   * </ul>
   *
   * Hex may be in either case. Only use this for evidence that Clave itself verified or that a person wrote
   * to dry-run a decision: the file is not authenticated.
   *
   * @throws InvalidEvidenceException naming the field and what is wrong with it
   */
  public static Evidence fromJson(byte[] json) throws InvalidEvidenceException {
    return EvidenceJson.read(json);
  }

  /**
   * True when the enclave must be treated as a debug enclave: it says so, or it was verified under a
   * simulation root (simulated hardware protects nothing).
   */
  public boolean countsAsDebug() {
    return debug || kind == Kind.SIMULATION;
  }

  /** Null when {@code id} is a plausible advisory ID (1..64 of A–Z, a–z, 0–9, '-', '_', '.'). */
  static String advisoryIdProblem(String id) {
    if (id.isEmpty() || id.length() > 64) {
      return Ascii.quote(id) + " must have 1 to 64 characters";
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
          || c == '.')) {
        return Ascii.quote(id) + " contains " + Ascii.describe(c);
      }
    }
    return null;
  }

  /** Which trust root verified the quote. */
  public enum Kind {
    /** An SGX quote chained to Intel's root. */
    SGX_DCAP,
    /** A TDX quote chained to Intel's root. */
    TDX_DCAP,
    /**
     * A quote (SGX or TDX, see {@link Evidence#tee()}) chained to a simulation root such as the one {@code
     * clave sim init} makes. It proves nothing about hardware; it always counts as a debug enclave.
     */
    SIMULATION
  }

  /** The kind of report in the quote. */
  public enum Tee {
    SGX,
    TDX
  }
}
