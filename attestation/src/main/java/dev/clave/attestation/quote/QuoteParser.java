package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;
import java.util.Objects;

/**
 * Bounds-checked parser for DCAP ECDSA quotes v3, v4 and v5 (layouts: shared/reference/dcap.md §2).
 *
 * <p>Stricter than Intel's QVL on purpose, because a verified quote is trusted as a whole:
 *
 * <ul>
 *   <li>Every declared size must match its contents exactly (the signature data, the type 6 certification
 *       data around the QE report, and the sizes inside it); QVL tolerates slack at some levels.
 *   <li>After the declared signature data only zero bytes may follow. Real TDX quotes arrive in zero-filled
 *       buffers (70 and 3065 bytes of padding in the shared samples), so zeros are accepted and their count
 *       reported; anything else would be unsigned data riding along with a verified quote, so it is refused
 *       (QVL silently ignores it, Oasis refuses all trailing bytes).
 * </ul>
 *
 * <p>Semantic checks that need no structure (the QE vendor ID, the certification data type being 5) are
 * the verifier's, which reports them as unsupported rather than malformed.
 *
 * <p>Every failure is a {@link QuoteFormatException}; no other exception escapes for any input.
 */
final class QuoteParser {
  static final int VERSION_3 = 3;
  static final int VERSION_4 = 4;
  static final int VERSION_5 = 5;
  static final int ECDSA_P384 = 3;

  static final int SIGNATURE_LENGTH = 64;
  static final int ATTESTATION_KEY_LENGTH = 64;
  static final int QE_VENDOR_ID_LENGTH = 16;
  static final int USER_DATA_LENGTH = 20;
  /** The QE authentication data size is a u16, so its own field bounds it. */
  static final int MAX_QE_AUTH_DATA_LENGTH = 0xFFFF;

  private QuoteParser() {}

  static Quote parse(byte[] in) throws QuoteFormatException {
    Objects.requireNonNull(in, "quote");
    if (in.length > Quote.MAX_LENGTH) {
      throw new QuoteFormatException(
          "quote", 0, "is " + in.length + " bytes, more than the " + Quote.MAX_LENGTH + " accepted"
              + " (real quotes are about 5 KB)");
    }
    QuoteReader r = QuoteReader.over(in);
    QuoteHeader header = header(r);
    int bodyType = bodyType(r, header);
    ReportBody body = body(in, r, bodyType);
    int signedLength = r.position();

    QuoteReader sig = r.u32Sized("signature data size", "the signature data", Quote.MAX_LENGTH);
    QuoteSignatureData signatureData = signatureData(in, sig, header.version());
    sig.requireConsumed();

    int length = r.position();
    requireZeroPadding(in, length);
    return new Quote(
        header, body, bodyType, signatureData, Bytes.of(in, 0, signedLength), length, in.length - length);
  }

  private static QuoteHeader header(QuoteReader r) throws QuoteFormatException {
    int at = r.position();
    int version = r.u16("version");
    if (version < VERSION_3 || version > VERSION_5) {
      throw new QuoteFormatException("version", at, "found " + version + "; expected 3, 4 or 5");
    }

    at = r.position();
    int keyType = r.u16("attestation key type");
    if (keyType != QuoteHeader.ECDSA_P256) {
      String found = keyType == ECDSA_P384 ? "3 (ECDSA-384 with P-384, which Clave does not support)" : "" + keyType;
      throw new QuoteFormatException(
          "attestation key type", at, "found " + found + "; expected 2 (ECDSA-256 with P-256)");
    }

    at = r.position();
    long teeCode = r.u32("TEE type");
    TeeType tee = TeeType.fromCode((int) teeCode);
    if (tee == null) {
      throw new QuoteFormatException(
          "TEE type", at, "found " + hex32(teeCode) + "; expected 0x00000000 (SGX) or 0x00000081 (TDX)");
    }
    if (version == VERSION_3 && tee != TeeType.SGX) {
      // In v3 this slot is att_key_data_0; QVL reads it as the TEE type and requires SGX.
      throw new QuoteFormatException(
          "TEE type", at, "found " + hex32(teeCode) + " (" + tee + ") but version 3 quotes are SGX only;"
              + " expected 0x00000000");
    }

    int qeSvn = r.u16("QE SVN");
    int pceSvn = r.u16("PCE SVN");
    Bytes qeVendorId = r.bytes("QE vendor ID", QE_VENDOR_ID_LENGTH);
    Bytes userData = r.bytes("user data", USER_DATA_LENGTH);
    return new QuoteHeader(version, keyType, tee, qeSvn, pceSvn, qeVendorId, userData);
  }

  /**
   * The body type: declared by v5 (with a size that must match it), implied by the TEE type in v3 and v4.
   * Leaves the reader at the body.
   */
  private static int bodyType(QuoteReader r, QuoteHeader header) throws QuoteFormatException {
    if (header.version() != VERSION_5) {
      return header.teeType() == TeeType.SGX ? Quote.BODY_TYPE_SGX : Quote.BODY_TYPE_TD10;
    }
    int at = r.position();
    int type = r.u16("body type");
    if (type < Quote.BODY_TYPE_SGX || type > Quote.BODY_TYPE_TD15) {
      throw new QuoteFormatException(
          "body type", at, "found " + type + "; expected 1 (SGX enclave report), 2 (TD report 1.0) or 3"
              + " (TD report 1.5)");
    }
    TeeType bodyTee = type == Quote.BODY_TYPE_SGX ? TeeType.SGX : TeeType.TDX;
    if (bodyTee != header.teeType()) {
      throw new QuoteFormatException(
          "body type", at, "found " + type + " (" + bodyName(type) + ") but the header's TEE type is "
              + header.teeType() + "; expected " + (header.teeType() == TeeType.SGX ? "1" : "2 or 3"));
    }
    int sizeAt = r.position();
    long size = r.u32("body size");
    if (size != bodyLength(type)) {
      throw new QuoteFormatException(
          "body size", sizeAt, "found " + size + "; body type " + type + " (" + bodyName(type) + ") is "
              + bodyLength(type) + " bytes");
    }
    return type;
  }

  private static ReportBody body(byte[] in, QuoteReader r, int bodyType) throws QuoteFormatException {
    int at = r.take(bodyName(bodyType), bodyLength(bodyType));
    return switch (bodyType) {
      case Quote.BODY_TYPE_SGX -> ReportBodies.enclaveReport(in, at);
      case Quote.BODY_TYPE_TD10 -> ReportBodies.tdReport(in, at, false);
      default -> ReportBodies.tdReport(in, at, true);
    };
  }

  /**
   * The signature data. v3 holds the QE report and its certification data directly; v4 and v5 wrap them in
   * certification data of type 6, whose innermost certification data then carries the PCK chain.
   */
  private static QuoteSignatureData signatureData(byte[] in, QuoteReader sig, int version)
      throws QuoteFormatException {
    Bytes quoteSignature = sig.bytes("quote signature", SIGNATURE_LENGTH);
    Bytes attestationKey = sig.bytes("attestation key", ATTESTATION_KEY_LENGTH);
    if (version == VERSION_3) {
      QeCertification qe = qeCertification(in, sig, "certification data", version);
      return qe.toSignatureData(quoteSignature, attestationKey, qe.certificationData().type());
    }

    int at = sig.position();
    int outerType = sig.u16("certification data type");
    if (outerType != CertificationData.QE_REPORT_CERTIFICATION_DATA) {
      throw new QuoteFormatException(
          "certification data type", at, "found " + certTypeName(outerType) + "; a version " + version
              + " quote expects 6 (QE report certification data)");
    }
    QuoteReader outer =
        sig.u32Sized("certification data size", "the QE report certification data", Quote.MAX_LENGTH);
    QeCertification qe = qeCertification(in, outer, "inner certification data", version);
    outer.requireConsumed();
    return qe.toSignatureData(quoteSignature, attestationKey, outerType);
  }

  /** The QE report, its PCK signature, the QE authentication data and the certification data after them. */
  private record QeCertification(
      EnclaveReport report, Bytes reportSignature, Bytes authData, CertificationData certificationData) {

    QuoteSignatureData toSignatureData(Bytes quoteSignature, Bytes attestationKey, int outerType) {
      return new QuoteSignatureData(
          quoteSignature, attestationKey, report, reportSignature, authData, certificationData, outerType);
    }
  }

  private static QeCertification qeCertification(byte[] in, QuoteReader r, String certField, int version)
      throws QuoteFormatException {
    EnclaveReport report = ReportBodies.enclaveReport(in, r.take("QE report", EnclaveReport.LENGTH));
    Bytes reportSignature = r.bytes("QE report signature", SIGNATURE_LENGTH);
    Bytes authData =
        r.u16Sized("QE authentication data size", "the QE authentication data", MAX_QE_AUTH_DATA_LENGTH).rest();

    int at = r.position();
    int type = r.u16(certField + " type");
    if (type < CertificationData.PPID_CLEARTEXT || type > CertificationData.PCK_CERT_CHAIN) {
      String where =
          type == CertificationData.QE_REPORT_CERTIFICATION_DATA
              ? version == VERSION_3 ? ", which only version 4 and 5 quotes use" : ", which cannot nest inside itself"
              : "";
      throw new QuoteFormatException(
          certField + " type", at, "found " + certTypeName(type) + where
              + "; expected 1 to 5 (5 = PCK certificate chain)");
    }
    Bytes data = r.u32Sized(certField + " size", "the certification data", CertificationData.MAX_LENGTH).rest();
    return new QeCertification(report, reportSignature, authData, new CertificationData(type, data));
  }

  private static void requireZeroPadding(byte[] in, int from) throws QuoteFormatException {
    for (int i = from; i < in.length; i++) {
      if (in[i] != 0) {
        throw new QuoteFormatException(
            "padding", i, String.format(
                "found byte 0x%02X; the quote ends at offset %d, and only zero padding may follow it", in[i], from));
      }
    }
  }

  private static int bodyLength(int bodyType) {
    return switch (bodyType) {
      case Quote.BODY_TYPE_SGX -> EnclaveReport.LENGTH;
      case Quote.BODY_TYPE_TD10 -> TdReport.LENGTH_1_0;
      default -> TdReport.LENGTH_1_5;
    };
  }

  private static String bodyName(int bodyType) {
    return switch (bodyType) {
      case Quote.BODY_TYPE_SGX -> "SGX enclave report";
      case Quote.BODY_TYPE_TD10 -> "TD report 1.0";
      default -> "TD report 1.5";
    };
  }

  /** The type with its meaning, for messages (sgx_ql_cert_key_type_t). */
  private static String certTypeName(int type) {
    String name =
        switch (type) {
          case CertificationData.PPID_CLEARTEXT -> "PPID in clear text";
          case CertificationData.PPID_RSA2048_ENCRYPTED -> "PPID encrypted with RSA-2048-OAEP";
          case CertificationData.PPID_RSA3072_ENCRYPTED -> "PPID encrypted with RSA-3072-OAEP";
          case CertificationData.PCK_LEAF_CERT -> "PCK leaf certificate";
          case CertificationData.PCK_CERT_CHAIN -> "PCK certificate chain";
          case CertificationData.QE_REPORT_CERTIFICATION_DATA -> "QE report certification data";
          default -> "unknown";
        };
    return type + " (" + name + ")";
  }

  private static String hex32(long v) {
    return String.format("0x%08X", v);
  }
}
