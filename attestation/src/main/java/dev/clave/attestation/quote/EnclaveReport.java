package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * An SGX report body (384 bytes): the ISV enclave's report in an SGX quote, and the QE report in every quote.
 * Offsets are those of Intel's {@code sgx_report_body_t}.
 */
public record EnclaveReport(
    Bytes cpuSvn,
    int miscSelect,
    Bytes isvExtProdId,
    Bytes attributes,
    Bytes mrEnclave,
    Bytes mrSigner,
    Bytes configId,
    int isvProdId,
    int isvSvn,
    int configSvn,
    Bytes isvFamilyId,
    Bytes reportData,
    Bytes raw) implements ReportBody {

  public static final int LENGTH = 384;
  /** ATTRIBUTES.FLAGS bit 1: the enclave was created in debug mode. */
  public static final int FLAG_DEBUG = 0x02;

  @Override
  public boolean debug() {
    return (attributes.get(0) & FLAG_DEBUG) != 0;
  }

  /** MISCSELECT as the four bytes the report holds (little-endian), for byte-wise masking. */
  public Bytes miscSelectBytes() {
    return raw.slice(16, 4);
  }
}
