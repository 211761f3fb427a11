package dev.clave.attestation.verify;

import java.time.Instant;

/**
 * The period in which one piece of evidence (a certificate, a CRL, a TCB info…) may be used:
 * {@code [from, until)}. Verification fails closed outside it.
 */
record Validity(String item, String untilField, Instant from, Instant until) {

  /** Null when {@code at} is inside the period, else the refusal naming the item and the bound. */
  Refusal check(Instant at) {
    if (at.isBefore(from)) {
      return new Refusal(
          ReasonCode.COLLATERAL_NOT_YET_VALID, item + " is not valid before " + from + " (checked at " + at + ")");
    }
    if (!at.isBefore(until)) {
      return new Refusal(
          ReasonCode.COLLATERAL_EXPIRED, item + " expired: " + untilField + " " + until + " (checked at " + at + ")");
    }
    return null;
  }
}
