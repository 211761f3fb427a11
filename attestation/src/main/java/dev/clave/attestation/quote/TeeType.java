package dev.clave.attestation.quote;

/** The TEE a quote comes from, as the header's TEE type field encodes it. */
public enum TeeType {
  SGX(0x00000000, "sgx"),
  TDX(0x00000081, "tdx");

  private final int code;
  private final String pcsName;

  TeeType(int code, String pcsName) {
    this.code = code;
    this.pcsName = pcsName;
  }

  /** The header value (little-endian u32 at offset 4). */
  public int code() {
    return code;
  }

  /** The path segment Intel's PCS uses: {@code sgx} or {@code tdx}. */
  public String pcsName() {
    return pcsName;
  }

  /** The TCB info {@code id} for this TEE. */
  public String tcbInfoId() {
    return name();
  }

  /** The QE identity {@code id} for this TEE's quoting enclave. */
  public String qeIdentityId() {
    return this == SGX ? "QE" : "TD_QE";
  }

  /** Returns null for an unknown code; the parser turns that into a precise error. */
  public static TeeType fromCode(int code) {
    for (TeeType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
