package dev.clave.runtime;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.sim.SgxEnclaveSpec;

/**
 * What a simulated enclave claims about its signer: MRSIGNER, ISVPRODID and ISVSVN. Without a signing key
 * these are declarations, not proofs (policies that match on them trust the host, as simulation does
 * anyway); the defaults are those of the simulation's {@link SgxEnclaveSpec}.
 */
public record EnclaveSigner(Bytes mrSigner, int isvProdId, int isvSvn) {
  /** {@link SgxEnclaveSpec#DEFAULT_MR_SIGNER}, ISVPRODID 1, ISVSVN 1 (as {@code SgxEnclaveSpec.builder()}). */
  public static final EnclaveSigner DEFAULT = new EnclaveSigner(SgxEnclaveSpec.DEFAULT_MR_SIGNER, 1, 1);

  public EnclaveSigner {
    if (mrSigner.length() != 32) {
      throw new IllegalArgumentException("MRSIGNER: expected 64 hex digits (32 bytes)");
    }
    if (isvProdId < 0 || isvProdId > 0xffff) {
      throw new IllegalArgumentException("ISVPRODID: must be 0..65535, got " + isvProdId);
    }
    if (isvSvn < 0 || isvSvn > 0xffff) {
      throw new IllegalArgumentException("ISVSVN: must be 0..65535, got " + isvSvn);
    }
  }
}
