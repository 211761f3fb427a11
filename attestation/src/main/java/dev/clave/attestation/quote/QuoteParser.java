package dev.clave.attestation.quote;

/** Bounds-checked parser for DCAP quotes v3, v4 and v5. */
final class QuoteParser {
  private QuoteParser() {}

  static Quote parse(byte[] in) throws QuoteFormatException {
    throw new UnsupportedOperationException("TODO");
  }
}
