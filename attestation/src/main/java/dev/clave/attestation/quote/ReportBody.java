package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/** What the quote attests: an SGX enclave report or a TD report. */
public sealed interface ReportBody permits EnclaveReport, TdReport {

  /** The 64 bytes the TEE chose to bind (for Clave: a hash of the TLS certificate). */
  Bytes reportData();

  /** True when the TEE runs in debug mode, i.e. its memory is not protected. */
  boolean debug();

  /** The body exactly as it appears in the quote. */
  Bytes raw();
}
