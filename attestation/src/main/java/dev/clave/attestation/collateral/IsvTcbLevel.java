package dev.clave.attestation.collateral;

import dev.clave.attestation.TcbStatus;
import java.time.Instant;
import java.util.List;

/** A TCB level keyed by a single ISV SVN: QE identity levels and TDX module identity levels. */
public record IsvTcbLevel(int isvSvn, Instant tcbDate, TcbStatus status, List<String> advisoryIds) {
  public IsvTcbLevel {
    advisoryIds = List.copyOf(advisoryIds);
  }
}
