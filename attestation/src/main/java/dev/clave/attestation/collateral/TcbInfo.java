package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import java.time.Instant;
import java.util.List;

/**
 * A parsed TCB info (version 2 or 3; SGX or TDX).
 *
 * @param id "SGX" or "TDX"; for version 2 (which has no id) "SGX"
 * @param fmspc 6 bytes
 * @param pceId 2 bytes
 * @param tdxModule TDX only; null for SGX
 * @param tdxModuleIdentities TDX only; empty for SGX
 * @param tcbLevels in JSON order
 */
public record TcbInfo(
    String id,
    int version,
    Instant issueDate,
    Instant nextUpdate,
    Bytes fmspc,
    Bytes pceId,
    int tcbType,
    int tcbEvaluationDataNumber,
    TdxModuleIdentity tdxModule,
    List<TdxModuleIdentity> tdxModuleIdentities,
    List<TcbLevel> tcbLevels) {

  public TcbInfo {
    tdxModuleIdentities = List.copyOf(tdxModuleIdentities);
    tcbLevels = List.copyOf(tcbLevels);
  }

  /**
   * Parses a PCS TCB info body {@code {"tcbInfo":{…},"signature":"<128 hex>"}}: the model, the exact bytes
   * of the {@code tcbInfo} value (what the signature covers) and the raw r‖s signature.
   */
  public static SignedDocument<TcbInfo> parse(Bytes body) throws CollateralFormatException {
    return CollateralJson.parseTcbInfo(body);
  }
}
