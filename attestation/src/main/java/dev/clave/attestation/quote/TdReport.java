package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;
import java.util.List;

/**
 * A TDX TD report body: TD report 1.0 (584 bytes, quote v4 and v5 body type 2) or 1.5 (648 bytes, v5 body
 * type 3, which adds {@code teeTcbSvn2} and {@code mrServiceTd}).
 */
public record TdReport(
    Bytes teeTcbSvn,
    Bytes mrSeam,
    Bytes mrSignerSeam,
    Bytes seamAttributes,
    Bytes tdAttributes,
    Bytes xfam,
    Bytes mrTd,
    Bytes mrConfigId,
    Bytes mrOwner,
    Bytes mrOwnerConfig,
    List<Bytes> rtmrs,
    Bytes reportData,
    Bytes teeTcbSvn2,
    Bytes mrServiceTd,
    Bytes raw) implements ReportBody {

  public static final int LENGTH_1_0 = 584;
  public static final int LENGTH_1_5 = 648;

  public TdReport {
    rtmrs = List.copyOf(rtmrs);
  }

  /** TDATTRIBUTES bit 0 (TUD.DEBUG): the TD is debuggable. */
  @Override
  public boolean debug() {
    return (tdAttributes.get(0) & 0x01) != 0;
  }

  /** True for a TD report 1.5 body. */
  public boolean isVersion15() {
    return teeTcbSvn2 != null;
  }
}
