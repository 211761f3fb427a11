package dev.clave.attestation.quote;

import dev.clave.attestation.Bytes;

/**
 * A little-endian cursor over one region of the quote bytes. Every read checks the region's bounds before
 * touching the array, and a shortfall becomes a {@link QuoteFormatException} that names the field, its
 * absolute offset and the enclosing region, so that nesting errors read precisely ("certification data
 * size at offset 1048: declares 9000 bytes but only 3548 remain in the signature data").
 *
 * <p>A region opened from a size field remembers that field, so {@link #requireConsumed()} can blame it
 * when the contents do not fill the declared size exactly.
 */
final class QuoteReader {
  private final byte[] in;
  private final int start;
  private final int end;
  /** Describes the region in messages, e.g. "the signature data". */
  private final String region;
  /** The size field that declared this region, and where it sits ("quote" at 0 for the whole input). */
  private final String sizeField;
  private final int sizeOffset;
  private int pos;

  private QuoteReader(byte[] in, int start, int end, String region, String sizeField, int sizeOffset) {
    this.in = in;
    this.start = start;
    this.end = end;
    this.region = region;
    this.sizeField = sizeField;
    this.sizeOffset = sizeOffset;
    this.pos = start;
  }

  /** A reader over all of {@code in}. */
  static QuoteReader over(byte[] in) {
    return new QuoteReader(in, 0, in.length, "the input", "quote", 0);
  }

  /** The absolute offset of the next byte to read. */
  int position() {
    return pos;
  }

  /** Claims the next {@code n} bytes for {@code field} and returns their absolute offset. */
  int take(String field, int n) throws QuoteFormatException {
    if (n > end - pos) {
      throw new QuoteFormatException(
          field, pos, "needs " + count(n) + " but " + remain(end - pos) + " in " + region);
    }
    int at = pos;
    pos += n;
    return at;
  }

  int u16(String field) throws QuoteFormatException {
    return u16At(in, take(field, 2));
  }

  /** An unsigned 32-bit value; a long so that lengths above 2^31 stay positive. */
  long u32(String field) throws QuoteFormatException {
    return u32At(in, take(field, 4));
  }

  /** A copy of the next {@code n} bytes. */
  Bytes bytes(String field, int n) throws QuoteFormatException {
    return Bytes.of(in, take(field, n), n);
  }

  /**
   * Reads a u16 size field and opens a region over the bytes it declares.
   *
   * @param contents describes the region in later messages, e.g. "the QE authentication data"
   */
  QuoteReader u16Sized(String sizeField, String contents, long max) throws QuoteFormatException {
    int at = pos;
    return sized(sizeField, at, u16(sizeField), contents, max);
  }

  /** As {@link #u16Sized}, for a u32 size field. */
  QuoteReader u32Sized(String sizeField, String contents, long max) throws QuoteFormatException {
    int at = pos;
    return sized(sizeField, at, u32(sizeField), contents, max);
  }

  private QuoteReader sized(String field, int at, long declared, String contents, long max)
      throws QuoteFormatException {
    // Remaining bytes first: a hostile 4 GiB length is a truncation or a lie, and saying so is clearest.
    if (declared > end - pos) {
      throw new QuoteFormatException(
          field, at, "declares " + count(declared) + " but " + remain(end - pos) + " in " + region);
    }
    if (declared > max) {
      throw new QuoteFormatException(
          field, at, "declares " + count(declared) + " but " + contents + " may be at most " + count(max));
    }
    QuoteReader sub = new QuoteReader(in, pos, pos + (int) declared, contents, field, at);
    pos += (int) declared;
    return sub;
  }

  /** A copy of what is left of this region, consuming it. */
  Bytes rest() {
    Bytes b = Bytes.of(in, pos, end - pos);
    pos = end;
    return b;
  }

  /**
   * Requires that the fields read so far fill this region exactly. Nested sizes must agree with their
   * contents: bytes a size field covers but no structure explains are where data could be smuggled.
   */
  void requireConsumed() throws QuoteFormatException {
    if (pos != end) {
      throw new QuoteFormatException(
          sizeField,
          sizeOffset,
          "declares " + count(end - start) + " but the fields of " + region + " end after " + count(pos - start)
              + ", leaving " + count(end - pos) + " unaccounted for");
    }
  }

  /** "1 byte", "7 bytes". */
  static String count(long n) {
    return n == 1 ? "1 byte" : n + " bytes";
  }

  /** "only 1 remains", "only 7 remain". */
  private static String remain(int n) {
    return n == 1 ? "only 1 remains" : "only " + n + " remain";
  }

  static int u16At(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  static long u32At(byte[] b, int at) {
    return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
  }
}
