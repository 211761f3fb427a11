package dev.clave.attestation.collateral;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 JSON reader over UTF-8 bytes that records each value's byte span.
 *
 * <p>Written here rather than taken from Jackson because the signature over a PCS document covers the raw
 * bytes of one member's value, so those offsets must be exact, and because collateral comes from the
 * network: every rule is enforced (no comments, no trailing commas, no leading zeros, no duplicate keys, no
 * lone surrogates, valid UTF-8 only), nesting and input size are bounded, and every failure is a
 * {@link CollateralFormatException} naming the path and byte offset, never a runtime exception.
 */
final class StrictJson {
  /** Deep enough for any PCS document (TCB info nests 7 levels); shallow enough to keep recursion cheap. */
  static final int MAX_DEPTH = 16;

  private static final int MAX_NUMBER_LENGTH = 64;

  private final byte[] in;
  private final int limit;
  private final String document;
  private int pos;

  private StrictJson(byte[] in, String document) {
    this.in = in;
    this.limit = in.length;
    this.document = document;
  }

  /**
   * Parses {@code in} as one JSON value, optionally surrounded by whitespace.
   *
   * @param document names the document in error messages, e.g. "TCB info"
   */
  static JsonValue parse(byte[] in, String document) throws CollateralFormatException {
    StrictJson p = new StrictJson(in, document);
    p.skipWhitespace();
    if (p.pos == p.limit) {
      throw new CollateralFormatException(document, "", "empty document, expected a JSON object");
    }
    JsonValue v = p.value(JsonPath.ROOT, 0);
    p.skipWhitespace();
    if (p.pos != p.limit) {
      throw p.syntax(JsonPath.ROOT, "unexpected " + p.describeHere() + " after the end of the JSON value");
    }
    return v;
  }

  private JsonValue value(JsonPath path, int depth) throws CollateralFormatException {
    if (pos == limit) {
      throw syntax(path, "the document ends where a value was expected");
    }
    return switch (in[pos]) {
      case '{' -> object(path, depth + 1);
      case '[' -> array(path, depth + 1);
      case '"' -> {
        int start = pos;
        String s = string(path);
        yield new JsonValue.Str(s, start, pos);
      }
      case 't' -> literal(path, "true", new JsonValue.Bool(true, pos, pos + 4));
      case 'f' -> literal(path, "false", new JsonValue.Bool(false, pos, pos + 5));
      case 'n' -> literal(path, "null", new JsonValue.Null(pos, pos + 4));
      default -> {
        byte b = in[pos];
        if (b == '-' || (b >= '0' && b <= '9')) {
          yield number(path);
        }
        throw syntax(path, "expected a value, found " + describeHere());
      }
    };
  }

  private JsonValue.Obj object(JsonPath path, int depth) throws CollateralFormatException {
    checkDepth(path, depth);
    int start = pos++;
    Map<String, JsonValue> members = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return new JsonValue.Obj(Collections.unmodifiableMap(members), start, pos);
    }
    while (true) {
      if (peek() != '"') {
        throw syntax(path, "expected a member name in quotes, found " + describeHere());
      }
      String key = string(path);
      JsonPath memberPath = path.member(key);
      if (members.containsKey(key)) {
        // A duplicate would let two readers of the same signed bytes see different values.
        throw new CollateralFormatException(document, memberPath.toString(), "duplicate member name");
      }
      skipWhitespace();
      expect(path, ':', "':' after the member name");
      skipWhitespace();
      members.put(key, value(memberPath, depth));
      skipWhitespace();
      int c = peek();
      pos++;
      if (c == '}') {
        return new JsonValue.Obj(Collections.unmodifiableMap(members), start, pos);
      }
      if (c != ',') {
        pos--;
        throw syntax(path, "expected ',' or '}' after a member, found " + describeHere());
      }
      skipWhitespace();
    }
  }

  private JsonValue.Arr array(JsonPath path, int depth) throws CollateralFormatException {
    checkDepth(path, depth);
    int start = pos++;
    List<JsonValue> elements = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return new JsonValue.Arr(List.of(), start, pos);
    }
    while (true) {
      elements.add(value(path.element(elements.size()), depth));
      skipWhitespace();
      int c = peek();
      pos++;
      if (c == ']') {
        return new JsonValue.Arr(Collections.unmodifiableList(elements), start, pos);
      }
      if (c != ',') {
        pos--;
        throw syntax(path, "expected ',' or ']' after an element, found " + describeHere());
      }
      skipWhitespace();
    }
  }

  private void checkDepth(JsonPath path, int depth) throws CollateralFormatException {
    if (depth > MAX_DEPTH) {
      throw syntax(path, "nesting deeper than " + MAX_DEPTH + " levels");
    }
  }

  /** Reads a string starting at the opening quote; leaves {@code pos} after the closing quote. */
  private String string(JsonPath path) throws CollateralFormatException {
    pos++; // opening quote
    // Fast path for what PCS documents hold: printable ASCII without escapes.
    for (int i = pos; i < limit; i++) {
      int b = in[i] & 0xff;
      if (b == '"') {
        String s = new String(in, pos, i - pos, StandardCharsets.ISO_8859_1);
        pos = i + 1;
        return s;
      }
      if (b == '\\' || b < 0x20 || b >= 0x80) {
        break;
      }
    }
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos == limit) {
        throw syntax(path, "unterminated string");
      }
      int b = in[pos] & 0xff;
      if (b == '"') {
        pos++;
        return sb.toString();
      } else if (b == '\\') {
        escape(path, sb);
      } else if (b < 0x20) {
        throw syntax(path, String.format("unescaped control character 0x%02x in a string", b));
      } else if (b < 0x80) {
        sb.append((char) b);
        pos++;
      } else {
        sb.appendCodePoint(utf8(path, b));
      }
    }
  }

  private void escape(JsonPath path, StringBuilder sb) throws CollateralFormatException {
    if (pos + 1 >= limit) {
      throw syntax(path, "unterminated escape sequence");
    }
    byte e = in[pos + 1];
    pos += 2;
    switch (e) {
      case '"' -> sb.append('"');
      case '\\' -> sb.append('\\');
      case '/' -> sb.append('/');
      case 'b' -> sb.append('\b');
      case 'f' -> sb.append('\f');
      case 'n' -> sb.append('\n');
      case 'r' -> sb.append('\r');
      case 't' -> sb.append('\t');
      case 'u' -> {
        char c = hex4(path);
        if (Character.isHighSurrogate(c)) {
          if (pos + 1 < limit && in[pos] == '\\' && in[pos + 1] == 'u') {
            pos += 2;
            char low = hex4(path);
            if (Character.isLowSurrogate(low)) {
              sb.append(c).append(low);
              return;
            }
          }
          throw syntax(path, "a \\u escape encodes an unpaired surrogate");
        }
        if (Character.isLowSurrogate(c)) {
          throw syntax(path, "a \\u escape encodes an unpaired surrogate");
        }
        sb.append(c);
      }
      default -> {
        pos -= 1;
        throw syntax(path, "invalid escape sequence \\" + describeHere());
      }
    }
  }

  private char hex4(JsonPath path) throws CollateralFormatException {
    if (pos + 4 > limit) {
      throw syntax(path, "truncated \\u escape");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(in[pos + i] & 0xff, 16);
      if (d < 0 || (in[pos + i] & 0x80) != 0) {
        pos += i;
        throw syntax(path, "a \\u escape needs 4 hex digits");
      }
      v = (v << 4) | d;
    }
    pos += 4;
    return (char) v;
  }

  /** Decodes one UTF-8 sequence whose lead byte is {@code b0} (≥ 0x80), rejecting every malformed form. */
  private int utf8(JsonPath path, int b0) throws CollateralFormatException {
    int n;
    int cp;
    int min;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      n = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      n = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      n = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      throw syntax(path, String.format("invalid UTF-8 byte 0x%02x", b0));
    }
    if (pos + n >= limit) {
      throw syntax(path, "truncated UTF-8 sequence");
    }
    for (int i = 1; i <= n; i++) {
      int b = in[pos + i] & 0xff;
      if ((b & 0xc0) != 0x80) {
        throw syntax(path, String.format("invalid UTF-8 continuation byte 0x%02x", b));
      }
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw syntax(path, "overlong or out-of-range UTF-8 sequence");
    }
    pos += n + 1;
    return cp;
  }

  private JsonValue.Num number(JsonPath path) throws CollateralFormatException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
      if (isDigit(peek())) {
        throw syntax(path, "a number has a leading zero");
      }
    } else if (isDigit(peek())) {
      while (isDigit(peek())) {
        pos++;
      }
    } else {
      throw syntax(path, "a '-' is not followed by a digit");
    }
    if (peek() == '.') {
      pos++;
      requireDigits(path, "a digit after the decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      requireDigits(path, "a digit in the exponent");
    }
    if (pos - start > MAX_NUMBER_LENGTH) {
      throw syntax(path, "a number longer than " + MAX_NUMBER_LENGTH + " characters");
    }
    // Only ASCII was consumed, so ISO-8859-1 decoding is exact and cheap.
    String lexeme = new String(in, start, pos - start, StandardCharsets.ISO_8859_1);
    return new JsonValue.Num(lexeme, start, pos);
  }

  private void requireDigits(JsonPath path, String what) throws CollateralFormatException {
    if (!isDigit(peek())) {
      throw syntax(path, "expected " + what + ", found " + describeHere());
    }
    while (isDigit(peek())) {
      pos++;
    }
  }

  private JsonValue literal(JsonPath path, String word, JsonValue v) throws CollateralFormatException {
    for (int i = 0; i < word.length(); i++) {
      if (pos + i >= limit || in[pos + i] != word.charAt(i)) {
        throw syntax(path, "expected a value, found " + describeHere());
      }
    }
    pos += word.length();
    return v;
  }

  private void expect(JsonPath path, char c, String what) throws CollateralFormatException {
    if (peek() != c) {
      throw syntax(path, "expected " + what + ", found " + describeHere());
    }
    pos++;
  }

  /** The byte at {@code pos}, or -1 at the end. */
  private int peek() {
    return pos < limit ? in[pos] & 0xff : -1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private void skipWhitespace() {
    while (pos < limit) {
      byte b = in[pos];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return;
      }
      pos++;
    }
  }

  private String describeHere() {
    if (pos >= limit) {
      return "the end of the document";
    }
    int b = in[pos] & 0xff;
    return b > 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("byte 0x%02x", b);
  }

  private CollateralFormatException syntax(JsonPath path, String problem) {
    return new CollateralFormatException(document, path.toString(), "malformed JSON at byte " + pos + ": " + problem);
  }
}
