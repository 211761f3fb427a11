package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import java.time.Instant;
import java.util.List;

/**
 * A parsed enclave identity (version 2; QE, TD_QE, QVE or QAE).
 *
 * @param miscSelect 4 bytes, in the report's byte order
 * @param miscSelectMask 4 bytes
 * @param attributes 16 bytes
 * @param attributesMask 16 bytes
 * @param mrSigner 32 bytes
 * @param tcbLevels in JSON order
 */
public record EnclaveIdentity(
    String id,
    int version,
    Instant issueDate,
    Instant nextUpdate,
    int tcbEvaluationDataNumber,
    Bytes miscSelect,
    Bytes miscSelectMask,
    Bytes attributes,
    Bytes attributesMask,
    Bytes mrSigner,
    int isvProdId,
    List<IsvTcbLevel> tcbLevels) {

  public EnclaveIdentity {
    tcbLevels = List.copyOf(tcbLevels);
  }

  /** Parses a PCS body {@code {"enclaveIdentity":{…},"signature":"<128 hex>"}}. */
  public static SignedDocument<EnclaveIdentity> parse(Bytes body) throws CollateralFormatException {
    return CollateralJson.parseEnclaveIdentity(body);
  }
}
