package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * The ECDSA signature data of a quote, flattened: in v3 the QE report sits directly in it, in v4/v5 inside
 * certification data type 6; the verifier needs the same pieces either way.
 *
 * @param quoteSignature raw r‖s (64 bytes) by the attestation key over {@link Quote#signedBytes()}
 * @param attestationKey raw x‖y (64 bytes) P-256 public key
 * @param qeReport the quoting enclave's report
 * @param qeReportSignature raw r‖s (64 bytes) by the PCK key over the 384 QE report bytes
 * @param qeAuthData QE authentication data (variable length; 32 bytes from Intel's QE)
 * @param certificationData the innermost certification data (type 5 for verifiable quotes)
 * @param outerCertificationDataType 5 or another type for v3; 6 for v4/v5
 */
public record QuoteSignatureData(
    Bytes quoteSignature,
    Bytes attestationKey,
    EnclaveReport qeReport,
    Bytes qeReportSignature,
    Bytes qeAuthData,
    CertificationData certificationData,
    int outerCertificationDataType) {}
