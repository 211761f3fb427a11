package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;

/** Parses PCS JSON documents, keeping the exact signed bytes. */
final class CollateralJson {
  private CollateralJson() {}

  static SignedDocument<TcbInfo> parseTcbInfo(Bytes body) throws CollateralFormatException {
    throw new UnsupportedOperationException("TODO");
  }

  static SignedDocument<EnclaveIdentity> parseEnclaveIdentity(Bytes body) throws CollateralFormatException {
    throw new UnsupportedOperationException("TODO");
  }
}
