package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.quote.ReportBody;
import dev.clave.attestation.quote.TeeType;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of verifying a quote: a value, never an exception. A verified verdict says the quote is
 * genuine (chained to {@link #root()}) and how current the platform is ({@link #tcbStatus()}); whether
 * that status is acceptable is the caller's policy. A refused verdict carries a stable {@link #reason()}
 * and a sentence for people ({@link #message()}); fields learnt before the refusal are filled in.
 *
 * @param verified true when every check passed
 * @param root name of the trusted root the PCK chain reached ("intel", "simulation"); null if none
 * @param tcbStatus merged platform status (null when the TCB was not evaluated)
 * @param advisoryIds Intel security advisories of the matched levels, platform first, de-duplicated
 * @param tcbDate the matched platform TCB level's date
 * @param qeTcbStatus the quoting enclave's own TCB status
 * @param quoteVersion 3, 4 or 5 (0 when the quote did not parse)
 * @param teeType SGX or TDX (null when the quote did not parse)
 * @param fmspc from the PCK certificate
 * @param body the attested enclave or TD report (null when the quote did not parse)
 * @param platformId SHA-256 of the attestation key: the platform's identity (LAS rule)
 * @param collateralNotAfter end (exclusive) of the window in which all collateral is valid
 * @param reason why it was refused; null when verified
 * @param message what was checked and found, for people; never contains secrets
 */
public record Verdict(
    boolean verified,
    String root,
    TcbStatus tcbStatus,
    List<String> advisoryIds,
    Instant tcbDate,
    TcbStatus qeTcbStatus,
    int quoteVersion,
    TeeType teeType,
    Bytes fmspc,
    ReportBody body,
    Bytes platformId,
    Instant collateralNotAfter,
    ReasonCode reason,
    String message) {

  public Verdict {
    advisoryIds = List.copyOf(advisoryIds);
    Objects.requireNonNull(message, "message");
    if (verified != (reason == null)) {
      throw new IllegalArgumentException("a verified verdict has no reason; a refused one has one");
    }
  }

  /** True when the attested TEE runs in debug mode (unprotected memory). */
  public boolean debug() {
    return body != null && body.debug();
  }
}
