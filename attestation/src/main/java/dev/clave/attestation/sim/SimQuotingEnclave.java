package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.TeeType;

/**
 * The identity of the simulated quoting enclaves (the SGX QE and the TD QE), as their QE reports carry it
 * and as the default QE identity collateral describes it. The values mirror Intel's QEs in shape
 * (ISVPRODID 1 and 2, attributes, masks) but the measurements are the simulation's own.
 */
public final class SimQuotingEnclave {
  /** MRSIGNER of both simulated QEs. */
  public static final Bytes MR_SIGNER = SimValues.labelled("clave-sim/qe/mrsigner", 32);
  public static final Bytes SGX_QE_MR_ENCLAVE = SimValues.labelled("clave-sim/qe/mrenclave", 32);
  public static final Bytes TD_QE_MR_ENCLAVE = SimValues.labelled("clave-sim/td-qe/mrenclave", 32);
  public static final int SGX_QE_ISV_PROD_ID = 1;
  public static final int TD_QE_ISV_PROD_ID = 2;

  /** The QE report's ATTRIBUTES: FLAGS INIT | MODE64BIT | PROVISIONKEY, XFRM 0xE7 (as Intel's QE). */
  public static final Bytes REPORT_ATTRIBUTES = Bytes.fromHex("1500000000000000E700000000000000");
  public static final int REPORT_MISCSELECT = 0;
  /** The QE identity's expected ATTRIBUTES and mask (Intel's values: DEBUG must be clear, XFRM ignored). */
  public static final Bytes IDENTITY_ATTRIBUTES = Bytes.fromHex("11000000000000000000000000000000");
  public static final Bytes IDENTITY_ATTRIBUTES_MASK = Bytes.fromHex("FBFFFFFFFFFFFFFF0000000000000000");
  public static final Bytes IDENTITY_MISCSELECT = Bytes.fromHex("00000000");
  public static final Bytes IDENTITY_MISCSELECT_MASK = Bytes.fromHex("FFFFFFFF");

  /** The QE authentication data: 32 bytes 00..1F, as Intel's QE sends. */
  public static final Bytes AUTH_DATA = authData();

  private SimQuotingEnclave() {}

  public static int isvProdId(TeeType tee) {
    return tee == TeeType.TDX ? TD_QE_ISV_PROD_ID : SGX_QE_ISV_PROD_ID;
  }

  public static Bytes mrEnclave(TeeType tee) {
    return tee == TeeType.TDX ? TD_QE_MR_ENCLAVE : SGX_QE_MR_ENCLAVE;
  }

  /** The QE identity id Intel uses for the TEE's QE: {@code QE} or {@code TD_QE}. */
  public static String identityId(TeeType tee) {
    return tee.qeIdentityId();
  }

  private static Bytes authData() {
    byte[] b = new byte[32];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) i;
    }
    return Bytes.wrap(b);
  }
}
