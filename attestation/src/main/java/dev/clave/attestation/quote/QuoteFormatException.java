package dev.clave.attestation.quote;

/**
 * The only exception the quote parser throws: the input is not a well-formed quote. The message says
 * which field, at which byte offset, and what was expected, e.g. {@code "QE authentication data size at
 * offset 1012: declares 4096 bytes but only 120 remain"}. It never carries a cause or a stack trace worth
 * showing a user.
 */
public final class QuoteFormatException extends Exception {
  private final String field;
  private final int offset;

  public QuoteFormatException(String field, int offset, String problem) {
    super(field + " at offset " + offset + ": " + problem, null, false, false);
    this.field = field;
    this.offset = offset;
  }

  /** The field that was malformed, e.g. {@code "certification data size"}. */
  public String field() {
    return field;
  }

  /** The byte offset of that field in the input. */
  public int offset() {
    return offset;
  }
}
