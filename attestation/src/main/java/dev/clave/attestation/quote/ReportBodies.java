package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;
import java.util.List;

/**
 * Decodes the fixed-size report bodies at an offset the caller has already bounds-checked (with
 * {@link QuoteReader#take}). Offsets: {@code sgx_report_body_t} and {@code sgx_report2_body_t} /
 * {@code sgx_report2_body_v1_5_t} (shared/reference/dcap.md §2.2, §2.3).
 */
final class ReportBodies {
  private static final int RTMR_COUNT = 4;
  private static final int MEASUREMENT_48 = 48;

  private ReportBodies() {}

  /** An SGX report body: the ISV enclave report or the QE report. Reserved bytes stay only in {@code raw}. */
  static EnclaveReport enclaveReport(byte[] in, int at) {
    return new EnclaveReport(
        Bytes.of(in, at, 16), // CPUSVN
        (int) QuoteReader.u32At(in, at + 16), // MISCSELECT
        Bytes.of(in, at + 32, 16), // ISVEXTPRODID
        Bytes.of(in, at + 48, 16), // ATTRIBUTES
        Bytes.of(in, at + 64, 32), // MRENCLAVE
        Bytes.of(in, at + 128, 32), // MRSIGNER
        Bytes.of(in, at + 192, 64), // CONFIGID
        QuoteReader.u16At(in, at + 256), // ISVPRODID
        QuoteReader.u16At(in, at + 258), // ISVSVN
        QuoteReader.u16At(in, at + 260), // CONFIGSVN
        Bytes.of(in, at + 304, 16), // ISVFAMILYID
        Bytes.of(in, at + 320, 64), // REPORTDATA
        Bytes.of(in, at, EnclaveReport.LENGTH));
  }

  /** A TD report 1.0 body, or 1.5 when {@code version15} (which appends TEE_TCB_SVN_2 and MRSERVICETD). */
  static TdReport tdReport(byte[] in, int at, boolean version15) {
    Bytes[] rtmrs = new Bytes[RTMR_COUNT];
    for (int i = 0; i < RTMR_COUNT; i++) {
      rtmrs[i] = Bytes.of(in, at + 328 + i * MEASUREMENT_48, MEASUREMENT_48);
    }
    return new TdReport(
        Bytes.of(in, at, 16), // TEE_TCB_SVN
        Bytes.of(in, at + 16, MEASUREMENT_48), // MRSEAM
        Bytes.of(in, at + 64, MEASUREMENT_48), // MRSIGNERSEAM
        Bytes.of(in, at + 112, 8), // SEAMATTRIBUTES
        Bytes.of(in, at + 120, 8), // TDATTRIBUTES
        Bytes.of(in, at + 128, 8), // XFAM
        Bytes.of(in, at + 136, MEASUREMENT_48), // MRTD
        Bytes.of(in, at + 184, MEASUREMENT_48), // MRCONFIGID
        Bytes.of(in, at + 232, MEASUREMENT_48), // MROWNER
        Bytes.of(in, at + 280, MEASUREMENT_48), // MROWNERCONFIG
        List.of(rtmrs), // RTMR0..3
        Bytes.of(in, at + 520, 64), // REPORTDATA
        version15 ? Bytes.of(in, at + 584, 16) : null, // TEE_TCB_SVN_2
        version15 ? Bytes.of(in, at + 600, MEASUREMENT_48) : null, // MRSERVICETD
        Bytes.of(in, at, version15 ? TdReport.LENGTH_1_5 : TdReport.LENGTH_1_0));
  }
}
