package dev.clave.attestation.verify;

/**
 * Why a quote was refused. The constant names are stable: they appear in JSON verdicts, audit logs and
 * policies' explanations. Each has one meaning; the verdict's message adds the specifics.
 */
public enum ReasonCode {
  /** The quote is not a well-formed DCAP quote (truncated, bad length field…). */
  MALFORMED_QUOTE,
  /** Well-formed but of a kind Clave does not verify (key type, certification data type, QE vendor). */
  UNSUPPORTED_QUOTE_FORMAT,
  /** The attestation key in the quote is not a valid P-256 point. */
  INVALID_ATTESTATION_KEY,
  /** The PCK certificate chain in the quote is malformed or does not link up. */
  PCK_CHAIN_INVALID,
  /** The PCK certificate chain does not end in a trusted root. */
  PCK_CHAIN_UNTRUSTED,
  /** The PCK certificate lacks or has malformed SGX extensions. */
  PCK_EXTENSIONS_INVALID,
  /** The PCK certificate is listed in the PCK CRL. */
  PCK_REVOKED,
  /** The PCK CA (Processor/Platform) is listed in the root CA CRL. */
  INTERMEDIATE_CA_REVOKED,
  /** The TCB signing certificate is listed in the root CA CRL. */
  TCB_SIGNING_CERT_REVOKED,
  /** Collateral could not be obtained (missing file, HTTP failure). */
  COLLATERAL_UNAVAILABLE,
  /** Collateral is malformed (bad JSON, bad DER, wrong CRL issuer, bad issuer chain). */
  COLLATERAL_INVALID,
  /** A CRL's signature does not verify under its issuer. */
  CRL_SIGNATURE_INVALID,
  /** The TCB info signature does not verify with the TCB signing key. */
  TCB_INFO_SIGNATURE_INVALID,
  /** The QE identity signature does not verify with the TCB signing key. */
  QE_IDENTITY_SIGNATURE_INVALID,
  /** A certificate, CRL, TCB info or QE identity has expired at the verification time (nextUpdate or notAfter passed). */
  COLLATERAL_EXPIRED,
  /** A certificate, CRL, TCB info or QE identity is not yet valid at the verification time. */
  COLLATERAL_NOT_YET_VALID,
  /** The TCB info is for another FMSPC, PCE-ID or TEE type than the PCK certificate / quote. */
  TCB_INFO_MISMATCH,
  /** The QE report does not match the QE identity (MRSIGNER, ISVPRODID, MISCSELECT, ATTRIBUTES). */
  QE_IDENTITY_MISMATCH,
  /** The QE report signature does not verify with the PCK key. */
  QE_REPORT_SIGNATURE_INVALID,
  /** The QE report data does not bind the attestation key and QE authentication data. */
  QE_REPORT_DATA_MISMATCH,
  /** The quote signature does not verify with the attestation key. */
  QUOTE_SIGNATURE_INVALID,
  /** The TDX module does not match the TCB info's module identity. */
  TDX_MODULE_MISMATCH,
  /** No TCB level of the TCB info (or QE identity, or TDX module identity) applies to the platform. */
  TCB_NOT_SUPPORTED,
  /** The platform's TCB level, QE or TDX module has status Revoked. */
  TCB_REVOKED
}
