package dev.clave.attestation.pki;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A strict reader of DER tag-length-value elements inside one byte array, for the few structures the DCAP
 * PKI parses without building an object tree (CRLs, whose revoked lists run to thousands of entries).
 *
 * <p>Only what DER allows: single-byte tags, definite lengths in their shortest form, every element inside
 * its parent. Each failure names the element and its offset. Nothing is copied; elements are offsets.
 */
final class Der {
  static final int INTEGER = 0x02;
  static final int BIT_STRING = 0x03;
  static final int OCTET_STRING = 0x04;
  static final int OID = 0x06;
  static final int UTC_TIME = 0x17;
  static final int GENERALIZED_TIME = 0x18;
  static final int SEQUENCE = 0x30;
  static final int CONTEXT_0 = 0xA0;

  private final byte[] in;
  private final String what;
  private final String kind;

  /**
   * {@code what} names the input and {@code kind} the structure it should be, in errors: "PCK CRL is not a
   * DER X.509 CRL: …".
   */
  Der(byte[] in, String what, String kind) {
    this.in = in;
    this.what = what;
    this.kind = kind;
  }

  /** One element: its tag, where its header starts, where its value starts and where it ends (exclusive). */
  record Element(int tag, int start, int valueStart, int end) {
    int valueLength() {
      return end - valueStart;
    }
  }

  byte[] bytes() {
    return in;
  }

  /**
   * The element at {@code pos}, which must end by {@code limit}; {@code name} says which element it should
   * be, for the error.
   */
  Element read(int pos, int limit, String name) throws PkiException {
    if (pos >= limit) {
      throw error(name, pos, "the input ends where it should start");
    }
    final int tag = in[pos] & 0xFF;
    if ((tag & 0x1F) == 0x1F) {
      throw error(name, pos, "multi-byte tags are not used in this structure");
    }
    if (pos + 1 >= limit) {
      throw error(name, pos, "the input ends inside its header");
    }
    int lengthByte = in[pos + 1] & 0xFF;
    int valueStart = pos + 2;
    long length;
    if (lengthByte < 0x80) {
      length = lengthByte;
    } else {
      final int count = lengthByte & 0x7F;
      if (count == 0) {
        throw error(name, pos, "indefinite lengths are not DER");
      }
      if (count > 3) {
        throw error(name, pos, "its length takes " + count + " bytes; at most 3 are accepted");
      }
      if (valueStart + count > limit) {
        throw error(name, pos, "the input ends inside its length");
      }
      length = 0;
      for (int i = 0; i < count; i++) {
        length = (length << 8) | (in[valueStart + i] & 0xFF);
      }
      if ((in[valueStart] & 0xFF) == 0 || length < 0x80) {
        throw error(name, pos, "its length is not in the shortest form DER requires");
      }
      valueStart += count;
    }
    if (length > limit - valueStart) {
      throw error(name, pos, "its length " + length + " runs past the end of its container at offset " + limit);
    }
    return new Element(tag, pos, valueStart, valueStart + (int) length);
  }

  /** Like {@link #read} and requires tag {@code tag}. */
  Element expect(int tag, int pos, int limit, String name) throws PkiException {
    // The tag first: "expected a SEQUENCE" says more about a wrong input than the length its first bytes imply.
    if (pos < limit && (in[pos] & 0xFF) != tag) {
      throw error(name, pos, String.format("expected tag 0x%02X, found 0x%02X", tag, in[pos] & 0xFF));
    }
    return read(pos, limit, name);
  }

  /** Whether the element's whole encoding equals {@code encoding}. */
  boolean encodes(Element e, byte[] encoding) {
    return java.util.Arrays.equals(in, e.start(), e.end(), encoding, 0, encoding.length);
  }

  /** A UTCTime or GeneralizedTime in the forms RFC 5280 §4.1.2.5 allows: seconds, "Z", no fraction. */
  Instant time(Element e, String name) throws PkiException {
    final int v = e.valueStart();
    final int year;
    final int rest;
    if (e.tag() == UTC_TIME && e.valueLength() == 13) {
      final int yy = digits(v, 2, name, e);
      year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280: YY ≥ 50 means 19YY
      rest = v + 2;
    } else if (e.tag() == GENERALIZED_TIME && e.valueLength() == 15) {
      year = digits(v, 4, name, e);
      rest = v + 4;
    } else {
      throw error(name, e.start(), "not a UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ)");
    }
    if (in[e.end() - 1] != 'Z') {
      throw error(name, e.start(), "the time does not end in Z (UTC)");
    }
    try {
      return LocalDateTime.of(
              year,
              digits(rest, 2, name, e),
              digits(rest + 2, 2, name, e),
              digits(rest + 4, 2, name, e),
              digits(rest + 6, 2, name, e),
              digits(rest + 8, 2, name, e))
          .toInstant(ZoneOffset.UTC);
    } catch (DateTimeException ex) {
      throw error(name, e.start(), "not a valid calendar time");
    }
  }

  private int digits(int pos, int count, String name, Element e) throws PkiException {
    int value = 0;
    for (int i = pos; i < pos + count; i++) {
      final int d = in[i] - '0';
      if (d < 0 || d > 9) {
        throw error(name, e.start(), "the time has a non-digit at offset " + i);
      }
      value = value * 10 + d;
    }
    return value;
  }

  PkiException error(String name, int offset, String why) {
    return new PkiException(what + " is not a " + kind + ": " + name + " at offset " + offset + ": " + why);
  }
}
