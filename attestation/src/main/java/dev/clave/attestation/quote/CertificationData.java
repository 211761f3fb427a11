package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * Certification data: how the quote links its QE to a PCK certificate. Only type 5 (a PEM PCK certificate
 * chain, leaf first) can be verified offline; the parser keeps other types so the verifier can refuse them
 * by name.
 */
public record CertificationData(int type, Bytes data) {
  public static final int PCK_CERT_CHAIN = 5;
  public static final int QE_REPORT_CERTIFICATION_DATA = 6;
}
