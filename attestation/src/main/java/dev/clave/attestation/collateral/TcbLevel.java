package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import java.time.Instant;
import java.util.List;

/**
 * One platform TCB level of a TCB info.
 *
 * @param sgxComponents the 16 SGX TCB component SVNs, one unsigned byte each
 * @param pceSvn the PCE SVN
 * @param tdxComponents the 16 TDX TCB component SVNs (TDX TCB info only; null for SGX)
 * @param advisoryIds in JSON order; empty when absent (TCB info v2 has none)
 */
public record TcbLevel(
    Bytes sgxComponents,
    int pceSvn,
    Bytes tdxComponents,
    Instant tcbDate,
    TcbStatus status,
    List<String> advisoryIds) {
  public TcbLevel {
    advisoryIds = List.copyOf(advisoryIds);
  }
}
