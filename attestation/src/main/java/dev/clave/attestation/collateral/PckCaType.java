package dev.clave.attestation.collateral;

/** The intermediate CA that issued a PCK certificate; PCS serves one PCK CRL per CA. */
public enum PckCaType {
  PROCESSOR("processor"),
  PLATFORM("platform");

  private final String pcsName;

  PckCaType(String pcsName) {
    this.pcsName = pcsName;
  }

  /** The {@code ca=} value of the PCS PCK CRL request. */
  public String pcsName() {
    return pcsName;
  }

  /** From the issuing CA's common name ("Intel SGX PCK Processor CA" / "… Platform CA"); null otherwise. */
  public static PckCaType fromIssuerCommonName(String cn) {
    if (cn == null) {
      return null;
    }
    if (cn.contains("Processor CA")) {
      return PROCESSOR;
    }
    if (cn.contains("Platform CA")) {
      return PLATFORM;
    }
    return null;
  }
}
