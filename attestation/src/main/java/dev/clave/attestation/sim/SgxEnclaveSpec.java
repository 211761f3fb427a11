package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;

/**
 * What a simulated SGX enclave reports about itself: the ISV enclave report body of a quote. Build with
 * {@link #builder()}; every field has a default, so {@code SgxEnclaveSpec.builder().build()} is a valid,
 * non-debug enclave with fixed, random-looking measurements.
 *
 * @param attributes 16 bytes: FLAGS (u64 LE) ‖ XFRM (u64 LE); bit 1 of FLAGS is DEBUG
 */
public record SgxEnclaveSpec(
    Bytes mrEnclave,
    Bytes mrSigner,
    int isvProdId,
    int isvSvn,
    Bytes attributes,
    int miscSelect,
    Bytes reportData,
    Bytes isvExtProdId,
    Bytes isvFamilyId,
    Bytes configId,
    int configSvn) {

  public static final Bytes DEFAULT_MR_ENCLAVE = SimValues.labelled("clave-sim/enclave/mrenclave", 32);
  public static final Bytes DEFAULT_MR_SIGNER = SimValues.labelled("clave-sim/enclave/mrsigner", 32);
  /** FLAGS: INIT | MODE64BIT. */
  public static final long DEFAULT_FLAGS = 0x05;
  /** XFRM: x87 | SSE. */
  public static final long DEFAULT_XFRM = 0x03;
  /** ATTRIBUTES.FLAGS bit 1. */
  public static final long FLAG_DEBUG = 0x02;

  public SgxEnclaveSpec {
    SimValues.exact(mrEnclave, 32, "MRENCLAVE");
    SimValues.exact(mrSigner, 32, "MRSIGNER");
    SimValues.range(isvProdId, 0, 0xffff, "ISVPRODID");
    SimValues.range(isvSvn, 0, 0xffff, "ISVSVN");
    SimValues.exact(attributes, 16, "ATTRIBUTES");
    SimValues.exact(reportData, 64, "REPORTDATA");
    SimValues.exact(isvExtProdId, 16, "ISVEXTPRODID");
    SimValues.exact(isvFamilyId, 16, "ISVFAMILYID");
    SimValues.exact(configId, 64, "CONFIGID");
    SimValues.range(configSvn, 0, 0xffff, "CONFIGSVN");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True when ATTRIBUTES.FLAGS has the DEBUG bit. */
  public boolean debug() {
    return (attributes.get(0) & FLAG_DEBUG) != 0;
  }

  public static final class Builder {
    private Bytes mrEnclave = DEFAULT_MR_ENCLAVE;
    private Bytes mrSigner = DEFAULT_MR_SIGNER;
    private int isvProdId = 1;
    private int isvSvn = 1;
    private long flags = DEFAULT_FLAGS;
    private long xfrm = DEFAULT_XFRM;
    private Boolean debug;
    private int miscSelect;
    private Bytes reportData = Bytes.wrap(new byte[64]);
    private Bytes isvExtProdId = Bytes.wrap(new byte[16]);
    private Bytes isvFamilyId = Bytes.wrap(new byte[16]);
    private Bytes configId = Bytes.wrap(new byte[64]);
    private int configSvn;

    private Builder() {}

    public Builder mrEnclave(Bytes v) {
      mrEnclave = v;
      return this;
    }

    public Builder mrSigner(Bytes v) {
      mrSigner = v;
      return this;
    }

    public Builder isvProdId(int v) {
      isvProdId = v;
      return this;
    }

    public Builder isvSvn(int v) {
      isvSvn = v;
      return this;
    }

    /** ATTRIBUTES as FLAGS and XFRM; {@link #debug(boolean)}, when called, overrides the DEBUG bit. */
    public Builder attributes(long flagsValue, long xfrmValue) {
      flags = flagsValue;
      xfrm = xfrmValue;
      return this;
    }

    /** Sets or clears ATTRIBUTES.FLAGS.DEBUG (default clear). */
    public Builder debug(boolean v) {
      debug = v;
      return this;
    }

    public Builder miscSelect(int v) {
      miscSelect = v;
      return this;
    }

    /** Up to 64 bytes, zero-padded (e.g. a 32-byte hash of the enclave's TLS key). */
    public Builder reportData(Bytes v) {
      reportData = SimValues.padded(v, 64, "REPORTDATA");
      return this;
    }

    public Builder isvExtProdId(Bytes v) {
      isvExtProdId = v;
      return this;
    }

    public Builder isvFamilyId(Bytes v) {
      isvFamilyId = v;
      return this;
    }

    public Builder configId(Bytes v) {
      configId = v;
      return this;
    }

    public Builder configSvn(int v) {
      configSvn = v;
      return this;
    }

    public SgxEnclaveSpec build() {
      long f = flags;
      if (debug != null) {
        f = debug ? f | FLAG_DEBUG : f & ~FLAG_DEBUG;
      }
      byte[] attributes = new byte[16];
      SimQuoteEncoder.putU64(attributes, 0, f);
      SimQuoteEncoder.putU64(attributes, 8, xfrm);
      return new SgxEnclaveSpec(mrEnclave, mrSigner, isvProdId, isvSvn, Bytes.wrap(attributes), miscSelect,
          reportData, isvExtProdId, isvFamilyId, configId, configSvn);
    }
  }
}
