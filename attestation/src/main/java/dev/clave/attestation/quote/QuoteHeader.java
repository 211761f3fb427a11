package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * The 48-byte header shared by quote versions 3, 4 and 5.
 *
 * @param version 3, 4 or 5
 * @param attestationKeyType 2 = ECDSA-256 with P-256, the only type Clave accepts
 * @param teeType SGX or TDX
 * @param qeSvn QE security version (v3; reserved in TDX quotes)
 * @param pceSvn PCE security version (v3; reserved in TDX quotes)
 * @param qeVendorId 16 bytes; Intel's QE is {@link #INTEL_QE_VENDOR_ID}
 * @param userData 20 bytes; for Intel's QE the first 16 identify the QE (SCONE 7's {@code INTEL_QE_ID})
 */
public record QuoteHeader(
    int version,
    int attestationKeyType,
    TeeType teeType,
    int qeSvn,
    int pceSvn,
    Bytes qeVendorId,
    Bytes userData) {

  public static final int LENGTH = 48;
  public static final int ECDSA_P256 = 2;
  public static final Bytes INTEL_QE_VENDOR_ID = Bytes.fromHex("939A7233F79C4CA9940A0DB3957F0607");
}
