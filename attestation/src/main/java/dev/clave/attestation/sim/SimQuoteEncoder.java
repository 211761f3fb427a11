package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.quote.QuoteHeader;
import dev.clave.attestation.quote.TeeType;
import java.io.ByteArrayOutputStream;

/**
 * Lays out DCAP ECDSA quotes byte for byte (Intel's {@code sgx_quote_3.h} / {@code sgx_quote_4.h}; offsets
 * as in the verifier's reference): header, report body, then the signature data. Little-endian integers,
 * raw r‖s signatures, raw x‖y attestation key.
 */
final class SimQuoteEncoder {
  static final int HEADER_LENGTH = 48;
  static final int SGX_REPORT_LENGTH = 384;
  static final int TD_REPORT_10_LENGTH = 584;
  static final int ATTESTATION_KEY_TYPE_ECDSA_P256 = 2;
  static final int CERT_TYPE_PCK_CHAIN = 5;
  static final int CERT_TYPE_QE_REPORT = 6;

  private SimQuoteEncoder() {}

  /** The 48-byte header. For TDX (v4) the QE and PCE SVN slots are reserved and left zero. */
  static byte[] header(int version, TeeType tee, int qeSvn, int pceSvn, Bytes userData) {
    byte[] h = new byte[HEADER_LENGTH];
    putU16(h, 0, version);
    putU16(h, 2, ATTESTATION_KEY_TYPE_ECDSA_P256);
    putU32(h, 4, tee.code());
    putU16(h, 8, qeSvn);
    putU16(h, 10, pceSvn);
    QuoteHeader.INTEL_QE_VENDOR_ID.copyTo(h, 12);
    SimValues.exact(userData, 20, "user data").copyTo(h, 28);
    return h;
  }

  /** An SGX report body (384 bytes): the ISV enclave's report or the QE report. */
  static byte[] sgxReport(
      Bytes cpuSvn,
      int miscSelect,
      Bytes isvExtProdId,
      Bytes attributes,
      Bytes mrEnclave,
      Bytes mrSigner,
      Bytes configId,
      int isvProdId,
      int isvSvn,
      int configSvn,
      Bytes isvFamilyId,
      Bytes reportData) {
    byte[] r = new byte[SGX_REPORT_LENGTH];
    cpuSvn.copyTo(r, 0);
    putU32(r, 16, miscSelect);
    isvExtProdId.copyTo(r, 32);
    attributes.copyTo(r, 48);
    mrEnclave.copyTo(r, 64);
    mrSigner.copyTo(r, 128);
    configId.copyTo(r, 192);
    putU16(r, 256, isvProdId);
    putU16(r, 258, isvSvn);
    putU16(r, 260, configSvn);
    isvFamilyId.copyTo(r, 304);
    reportData.copyTo(r, 320);
    return r;
  }

  static byte[] enclaveReport(PlatformTcb tcb, SgxEnclaveSpec s) {
    return sgxReport(tcb.cpuSvn(), s.miscSelect(), s.isvExtProdId(), s.attributes(), s.mrEnclave(), s.mrSigner(),
        s.configId(), s.isvProdId(), s.isvSvn(), s.configSvn(), s.isvFamilyId(), s.reportData());
  }

  /** A TD report 1.0 body (584 bytes): the platform's module fields, then the TD's own. */
  static byte[] tdReport10(PlatformTcb tcb, TdSpec td) {
    byte[] r = new byte[TD_REPORT_10_LENGTH];
    tcb.teeTcbSvn().copyTo(r, 0);
    tcb.tdxModule().mrSeam().copyTo(r, 16);
    tcb.tdxModule().mrSignerSeam().copyTo(r, 64);
    // 112..119 SEAMATTRIBUTES: zero, as Intel's verifier requires.
    td.tdAttributes().copyTo(r, 120);
    td.xfam().copyTo(r, 128);
    td.mrTd().copyTo(r, 136);
    td.mrConfigId().copyTo(r, 184);
    td.mrOwner().copyTo(r, 232);
    td.mrOwnerConfig().copyTo(r, 280);
    for (int i = 0; i < 4; i++) {
      td.rtmrs().get(i).copyTo(r, 328 + 48 * i);
    }
    td.reportData().copyTo(r, 520);
    return r;
  }

  /**
   * The QE's report: its identity, the platform's CPUSVN and QE SVN, and report data binding the
   * attestation key, SHA-256(attestation key ‖ QE auth data) ‖ 32 zero bytes.
   */
  static byte[] qeReport(PlatformTcb tcb, TeeType tee, Bytes attestationKeyRaw, Bytes authData) {
    byte[] reportData = new byte[64];
    byte[] keyAndAuth = new byte[attestationKeyRaw.length() + authData.length()];
    attestationKeyRaw.copyTo(keyAndAuth, 0);
    authData.copyTo(keyAndAuth, attestationKeyRaw.length());
    System.arraycopy(EcdsaP256.sha256(keyAndAuth), 0, reportData, 0, 32);
    return sgxReport(tcb.cpuSvn(), SimQuotingEnclave.REPORT_MISCSELECT, Bytes.wrap(new byte[16]),
        SimQuotingEnclave.REPORT_ATTRIBUTES, SimQuotingEnclave.mrEnclave(tee), SimQuotingEnclave.MR_SIGNER,
        Bytes.wrap(new byte[64]), SimQuotingEnclave.isvProdId(tee), tcb.qeSvn(), 0, Bytes.wrap(new byte[16]),
        Bytes.wrap(reportData));
  }

  /**
   * Assembles a quote: {@code header ‖ body}, signed by the attestation key, then the signature data.
   * v3 puts the QE report directly in it; v4 wraps the QE report and the PCK chain in certification data
   * of type 6.
   */
  static byte[] quote(
      byte[] header, byte[] body, SimKey attestationKey, byte[] qeReport, byte[] qeReportSignature, Bytes authData,
      byte[] pckChain) {
    int version = (header[0] & 0xff) | (header[1] & 0xff) << 8;
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.writeBytes(header);
    signed.writeBytes(body);
    byte[] signedBytes = signed.toByteArray();

    ByteArrayOutputStream qeBlock = new ByteArrayOutputStream();
    qeBlock.writeBytes(qeReport);
    qeBlock.writeBytes(qeReportSignature);
    writeU16(qeBlock, authData.length());
    qeBlock.writeBytes(authData.toByteArray());
    writeU16(qeBlock, CERT_TYPE_PCK_CHAIN);
    writeU32(qeBlock, pckChain.length);
    qeBlock.writeBytes(pckChain);

    ByteArrayOutputStream sig = new ByteArrayOutputStream();
    sig.writeBytes(attestationKey.signRaw(signedBytes));
    sig.writeBytes(attestationKey.publicKeyRaw().toByteArray());
    if (version == 3) {
      sig.writeBytes(qeBlock.toByteArray());
    } else {
      writeU16(sig, CERT_TYPE_QE_REPORT);
      writeU32(sig, qeBlock.size());
      sig.writeBytes(qeBlock.toByteArray());
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(signedBytes);
    writeU32(out, sig.size());
    out.writeBytes(sig.toByteArray());
    return out.toByteArray();
  }

  static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static void putU32(byte[] b, int at, int v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putU64(byte[] b, int at, long v) {
    for (int i = 0; i < 8; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  private static void writeU16(ByteArrayOutputStream out, int v) {
    byte[] b = new byte[2];
    putU16(b, 0, v);
    out.writeBytes(b);
  }

  private static void writeU32(ByteArrayOutputStream out, int v) {
    byte[] b = new byte[4];
    putU32(b, 0, v);
    out.writeBytes(b);
  }
}
