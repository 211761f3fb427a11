package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * A parsed DCAP ECDSA quote (v3 SGX, v4 SGX/TDX, v5 SGX/TDX). Parsing checks structure only; whether the
 * quote is genuine is the verifier's question.
 *
 * @param header the 48-byte header
 * @param body the attested report
 * @param bodyType v5 body type (1 SGX, 2 TD 1.0, 3 TD 1.5); for v3/v4 the equivalent implied type
 * @param signatureData the ECDSA signature data
 * @param signedBytes the bytes the quote signature covers (header and body, plus v5's type and size)
 * @param length bytes of the quote proper, up to the end of the declared signature data
 * @param paddingLength zero bytes after the quote proper (real TDX quotes carry some)
 */
public record Quote(
    QuoteHeader header,
    ReportBody body,
    int bodyType,
    QuoteSignatureData signatureData,
    Bytes signedBytes,
    int length,
    int paddingLength) {

  /** Largest input the parser accepts; real quotes are about 5 KB. */
  public static final int MAX_LENGTH = 64 * 1024;

  public static final int BODY_TYPE_SGX = 1;
  public static final int BODY_TYPE_TD10 = 2;
  public static final int BODY_TYPE_TD15 = 3;

  /**
   * Parses a quote.
   *
   * @throws QuoteFormatException naming the field, its offset and what was expected, for any malformed input
   */
  public static Quote parse(byte[] quote) throws QuoteFormatException {
    return QuoteParser.parse(quote);
  }

  public int version() {
    return header.version();
  }

  public TeeType teeType() {
    return header.teeType();
  }

  /** The SGX enclave report, or null for a TDX quote. */
  public EnclaveReport enclaveReport() {
    return body instanceof EnclaveReport r ? r : null;
  }

  /** The TD report, or null for an SGX quote. */
  public TdReport tdReport() {
    return body instanceof TdReport r ? r : null;
  }
}
