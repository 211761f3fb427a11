package dev.clave.attestation.quote;

import java.io.ByteArrayOutputStream;

/**
 * Writes a quote field by field from the layouts in shared/reference/dcap.md, independently of the parser:
 * real quotes are taken apart and rebuilt (a round trip proves both sides agree on every offset), then
 * rebuilt as another version, or with one field lying. A {@code null} size means "the true size".
 */
final class QuoteAssembler {
  int version = 3;
  int attestationKeyType = QuoteHeader.ECDSA_P256;
  long teeType = 0;
  int qeSvn;
  int pceSvn;
  byte[] qeVendorId = new byte[16];
  byte[] userData = new byte[20];
  int bodyType = Quote.BODY_TYPE_SGX; // written by v5 only
  Long bodySize;
  byte[] body = new byte[EnclaveReport.LENGTH];
  Long signatureDataSize;
  byte[] quoteSignature = new byte[64];
  byte[] attestationKey = new byte[64];
  int outerCertificationDataType = CertificationData.QE_REPORT_CERTIFICATION_DATA; // v4 and v5 only
  Long outerCertificationDataSize;
  byte[] qeReport = new byte[EnclaveReport.LENGTH];
  byte[] qeReportSignature = new byte[64];
  Integer qeAuthDataSize;
  byte[] qeAuthData = new byte[32];
  int certificationDataType = CertificationData.PCK_CERT_CHAIN;
  Long certificationDataSize;
  byte[] certificationData = new byte[0];
  byte[] trailing = new byte[0];

  /** The parts of a parsed quote, ready to be written back. */
  static QuoteAssembler from(Quote q) {
    QuoteAssembler a = new QuoteAssembler();
    QuoteHeader h = q.header();
    a.version = h.version();
    a.attestationKeyType = h.attestationKeyType();
    a.teeType = h.teeType().code() & 0xFFFFFFFFL;
    a.qeSvn = h.qeSvn();
    a.pceSvn = h.pceSvn();
    a.qeVendorId = h.qeVendorId().toByteArray();
    a.userData = h.userData().toByteArray();
    a.bodyType = q.bodyType();
    a.body = q.body().raw().toByteArray();
    QuoteSignatureData s = q.signatureData();
    a.quoteSignature = s.quoteSignature().toByteArray();
    a.attestationKey = s.attestationKey().toByteArray();
    a.qeReport = s.qeReport().raw().toByteArray();
    a.qeReportSignature = s.qeReportSignature().toByteArray();
    a.qeAuthData = s.qeAuthData().toByteArray();
    a.certificationDataType = s.certificationData().type();
    a.certificationData = s.certificationData().data().toByteArray();
    a.trailing = new byte[q.paddingLength()];
    return a;
  }

  /** Rewrites this quote as {@code version}; a v5 body type follows from the body's length. */
  QuoteAssembler asVersion(int v) {
    version = v;
    if (body.length == TdReport.LENGTH_1_0) {
      bodyType = Quote.BODY_TYPE_TD10;
    } else if (body.length == TdReport.LENGTH_1_5) {
      bodyType = Quote.BODY_TYPE_TD15;
    } else {
      bodyType = Quote.BODY_TYPE_SGX;
    }
    return this;
  }

  byte[] build() {
    Out out = new Out();
    out.u16(version).u16(attestationKeyType).u32(teeType).u16(qeSvn).u16(pceSvn).raw(qeVendorId).raw(userData);
    if (version == 5) {
      out.u16(bodyType).u32(bodySize != null ? bodySize : body.length);
    }
    out.raw(body);
    byte[] sig = signatureData();
    out.u32(signatureDataSize != null ? signatureDataSize : sig.length).raw(sig).raw(trailing);
    return out.bytes();
  }

  /** The signature data: v3 holds the QE certification directly, v4 and v5 wrap it in type 6. */
  byte[] signatureData() {
    Out out = new Out().raw(quoteSignature).raw(attestationKey);
    byte[] qe = qeCertification();
    if (version == 3) {
      return out.raw(qe).bytes();
    }
    return out.u16(outerCertificationDataType)
        .u32(outerCertificationDataSize != null ? outerCertificationDataSize : qe.length)
        .raw(qe)
        .bytes();
  }

  private byte[] qeCertification() {
    return new Out()
        .raw(qeReport)
        .raw(qeReportSignature)
        .u16(qeAuthDataSize != null ? qeAuthDataSize : qeAuthData.length)
        .raw(qeAuthData)
        .u16(certificationDataType)
        .u32(certificationDataSize != null ? certificationDataSize : certificationData.length)
        .raw(certificationData)
        .bytes();
  }

  /** Little-endian writer. */
  private static final class Out {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Out u16(int v) {
      buf.write(v);
      buf.write(v >>> 8);
      return this;
    }

    Out u32(long v) {
      for (int i = 0; i < 4; i++) {
        buf.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    Out raw(byte[] b) {
      buf.writeBytes(b);
      return this;
    }

    byte[] bytes() {
      return buf.toByteArray();
    }
  }
}
