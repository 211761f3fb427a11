package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import java.util.List;

/**
 * What a simulated TD reports about itself: the TD-specific fields of a TD report 1.0 body (the TDX
 * module's fields come from the platform's {@link PlatformTcb}). Build with {@link #builder()}; every
 * field has a default, so {@code TdSpec.builder().build()} is a valid, non-debug TD.
 *
 * @param tdAttributes 8 bytes (u64 LE); bit 0 is TUD.DEBUG
 * @param xfam 8 bytes (u64 LE)
 * @param rtmrs RTMR0..3, 48 bytes each
 */
public record TdSpec(
    Bytes mrTd,
    Bytes mrConfigId,
    Bytes mrOwner,
    Bytes mrOwnerConfig,
    List<Bytes> rtmrs,
    Bytes tdAttributes,
    Bytes xfam,
    Bytes reportData) {

  public static final Bytes DEFAULT_MR_TD = SimValues.labelled("clave-sim/td/mrtd", 48);
  /** TDATTRIBUTES: SEPT_VE_DISABLE (bit 28), as real TDs have it. */
  public static final long DEFAULT_TD_ATTRIBUTES = 0x10000000L;
  /** XFAM: x87, SSE, AVX, AVX-512 state, PK, as in real TDs (bytes e7 02 06 00 …). */
  public static final long DEFAULT_XFAM = 0x602e7L;
  /** TDATTRIBUTES bit 0. */
  public static final long TD_ATTRIBUTE_DEBUG = 0x01;

  public TdSpec {
    SimValues.exact(mrTd, 48, "MRTD");
    SimValues.exact(mrConfigId, 48, "MRCONFIGID");
    SimValues.exact(mrOwner, 48, "MROWNER");
    SimValues.exact(mrOwnerConfig, 48, "MROWNERCONFIG");
    rtmrs = List.copyOf(rtmrs);
    if (rtmrs.size() != 4) {
      throw new IllegalArgumentException("a TD has 4 RTMRs, got " + rtmrs.size());
    }
    for (int i = 0; i < 4; i++) {
      SimValues.exact(rtmrs.get(i), 48, "RTMR" + i);
    }
    SimValues.exact(tdAttributes, 8, "TDATTRIBUTES");
    SimValues.exact(xfam, 8, "XFAM");
    SimValues.exact(reportData, 64, "REPORTDATA");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when TDATTRIBUTES has TUD.DEBUG. */
  public boolean debug() {
    return (tdAttributes.get(0) & TD_ATTRIBUTE_DEBUG) != 0;
  }

  public static final class Builder {
    private Bytes mrTd = DEFAULT_MR_TD;
    private Bytes mrConfigId = Bytes.wrap(new byte[48]);
    private Bytes mrOwner = Bytes.wrap(new byte[48]);
    private Bytes mrOwnerConfig = Bytes.wrap(new byte[48]);
    private final Bytes[] rtmrs = {
      SimValues.labelled("clave-sim/td/rtmr0", 48),
      SimValues.labelled("clave-sim/td/rtmr1", 48),
      SimValues.labelled("clave-sim/td/rtmr2", 48),
      Bytes.wrap(new byte[48])
    };
    private long tdAttributes = DEFAULT_TD_ATTRIBUTES;
    private Boolean debug;
    private long xfam = DEFAULT_XFAM;
    private Bytes reportData = Bytes.wrap(new byte[64]);

    private Builder() {}

    public Builder mrTd(Bytes v) {
      mrTd = v;
      return this;
    }

    public Builder mrConfigId(Bytes v) {
      mrConfigId = v;
      return this;
    }

    public Builder mrOwner(Bytes v) {
      mrOwner = v;
      return this;
    }

    public Builder mrOwnerConfig(Bytes v) {
      mrOwnerConfig = v;
      return this;
    }

    /** RTMR{@code index} (0..3). */
    public Builder rtmr(int index, Bytes v) {
      SimValues.range(index, 0, 3, "RTMR index");
      rtmrs[index] = SimValues.exact(v, 48, "RTMR" + index);
      return this;
    }

    /** TDATTRIBUTES; {@link #debug(boolean)}, when called, overrides the DEBUG bit. */
    public Builder tdAttributes(long v) {
      tdAttributes = v;
      return this;
    }

    /** Sets or clears TDATTRIBUTES.DEBUG (default clear). */
    public Builder debug(boolean v) {
      debug = v;
      return this;
    }

    public Builder xfam(long v) {
      xfam = v;
      return this;
    }

    /** Up to 64 bytes, zero-padded. */
    public Builder reportData(Bytes v) {
      reportData = SimValues.padded(v, 64, "REPORTDATA");
      return this;
    }

    public TdSpec build() {
      long attrs = tdAttributes;
      if (debug != null) {
        attrs = debug ? attrs | TD_ATTRIBUTE_DEBUG : attrs & ~TD_ATTRIBUTE_DEBUG;
      }
      byte[] a = new byte[8];
      SimQuoteEncoder.putU64(a, 0, attrs);
      byte[] x = new byte[8];
      SimQuoteEncoder.putU64(x, 0, xfam);
      return new TdSpec(mrTd, mrConfigId, mrOwner, mrOwnerConfig, List.of(rtmrs), Bytes.wrap(a), Bytes.wrap(x), reportData);
    }
  }
}
