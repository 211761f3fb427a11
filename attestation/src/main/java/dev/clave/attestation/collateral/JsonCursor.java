package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A value of a parsed JSON document together with its path, offering typed reads that fail with a
 * {@link CollateralFormatException} naming that path and what was expected.
 */
final class JsonCursor {
  private final String document;
  private final JsonPath path;
  private final JsonValue value;

  private JsonCursor(String document, JsonPath path, JsonValue value) {
    this.document = document;
    this.path = path;
    this.value = value;
  }

  static JsonCursor root(String document, JsonValue value) {
    return new JsonCursor(document, JsonPath.ROOT, value);
  }

  JsonValue value() {
    return value;
  }

  String path() {
    return path.toString();
  }

  /** A required member of this object. */
  JsonCursor get(String key) throws CollateralFormatException {
    JsonValue v = members().members().get(key);
    if (v == null) {
      throw new CollateralFormatException(document, path.member(key).toString(), "missing");
    }
    return new JsonCursor(document, path.member(key), v);
  }

  /** An optional member of this object; null when absent. A JSON null is not absence: it fails later. */
  JsonCursor find(String key) throws CollateralFormatException {
    JsonValue v = members().members().get(key);
    return v == null ? null : new JsonCursor(document, path.member(key), v);
  }

  boolean has(String key) throws CollateralFormatException {
    return members().members().containsKey(key);
  }

  /** Fails when this object has a member that {@code allowed} does not name. */
  void requireOnly(List<String> allowed) throws CollateralFormatException {
    for (String key : members().members().keySet()) {
      if (!allowed.contains(key)) {
        throw new CollateralFormatException(
            document, path.member(key).toString(), "unexpected member; allowed are " + String.join(", ", allowed));
      }
    }
  }

  /** Fails when this object has {@code key}; {@code why} says why it must not. */
  void forbid(String key, String why) throws CollateralFormatException {
    if (has(key)) {
      throw new CollateralFormatException(document, path.member(key).toString(), why);
    }
  }

  private JsonValue.Obj members() throws CollateralFormatException {
    if (value instanceof JsonValue.Obj o) {
      return o;
    }
    throw fail("expected an object, got " + value.kind());
  }

  /** Checks that this is an object; returns this for chaining. */
  JsonCursor object() throws CollateralFormatException {
    members();
    return this;
  }

  /** The elements of this array; {@code min..max} elements. */
  List<JsonCursor> array(int min, int max) throws CollateralFormatException {
    if (!(value instanceof JsonValue.Arr a)) {
      throw fail("expected an array, got " + value.kind());
    }
    int n = a.elements().size();
    if (n < min || n > max) {
      String want =
          min == max ? "exactly " + min : max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max;
      throw fail("expected " + want + " elements, got " + n);
    }
    List<JsonCursor> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new JsonCursor(document, path.element(i), a.elements().get(i)));
    }
    return out;
  }

  String string() throws CollateralFormatException {
    if (value instanceof JsonValue.Str s) {
      return s.value();
    }
    throw fail("expected a string, got " + value.kind());
  }

  /** A string of 1..{@code maxLength} printable ASCII characters (identifiers such as advisory IDs). */
  String token(int maxLength) throws CollateralFormatException {
    String s = string();
    if (s.isEmpty() || s.length() > maxLength) {
      throw fail("expected 1.." + maxLength + " characters, got " + s.length());
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw fail("expected printable ASCII, got " + JsonPath.quote(s));
      }
    }
    return s;
  }

  /** One of {@code allowed}, compared exactly. */
  String oneOf(List<String> allowed) throws CollateralFormatException {
    String s = string();
    if (!allowed.contains(s)) {
      throw fail("expected one of " + String.join(", ", allowed) + ", got " + JsonPath.quote(s));
    }
    return s;
  }

  /** An integer (no fraction, no exponent) in {@code min..max}. */
  int integer(int min, int max) throws CollateralFormatException {
    if (!(value instanceof JsonValue.Num n)) {
      throw fail("expected an integer " + min + ".." + max + ", got " + describe());
    }
    // The lexeme already follows the JSON grammar: an integer is an optional '-' and digits only.
    String s = n.lexeme();
    int digits = s.length() - (s.charAt(0) == '-' ? 1 : 0);
    boolean integral = digits <= 18;
    for (int i = s.length() - digits; i < s.length() && integral; i++) {
      integral = s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }
    long v = integral ? Long.parseLong(s) : 0;
    if (!integral || v < min || v > max) {
      throw fail("expected an integer " + min + ".." + max + ", got " + s);
    }
    return (int) v;
  }

  /** Exactly {@code length} bytes as hex digits, in either case. */
  Bytes hex(int length) throws CollateralFormatException {
    String s = string();
    if (s.length() != 2 * length) {
      throw fail("expected " + 2 * length + " hex digits (" + length + " bytes), got " + s.length() + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        throw fail("expected hex digits, got " + JsonPath.quote(s));
      }
    }
    return Bytes.fromHex(s);
  }

  /**
   * An instant written as ISO-8601 UTC with a literal 'Z', e.g. {@code 2025-06-19T10:56:11Z}, as Intel
   * writes it; a fraction of a second (1..9 digits) is tolerated, offsets and other forms are not.
   */
  Instant date() throws CollateralFormatException {
    String s = string();
    Instant instant = utcInstant(s);
    if (instant == null) {
      throw fail("expected an ISO-8601 UTC date like 2025-01-31T12:00:00Z, got " + JsonPath.quote(s));
    }
    return instant;
  }

  /** Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} by hand (fast, and exactly this form); null otherwise. */
  private static Instant utcInstant(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
        || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nano = 0;
    if (n > 20) {
      int fraction = n - 21; // between '.' and 'Z'
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      nano = digits(s, 20, n - 1);
      for (int i = fraction; i < 9 && nano >= 0; i++) {
        nano *= 10;
      }
    }
    if ((year | month | day | hour | minute | second | nano) < 0) {
      return null;
    }
    try {
      return LocalDateTime.of(year, month, day, hour, minute, second, nano).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      return null; // month 13, February 30, hour 24…
    }
  }

  /** The decimal value of {@code s[from, to)}, or -1 when any of it is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** A TCB status among {@code allowed}. */
  TcbStatus status(Set<TcbStatus> allowed) throws CollateralFormatException {
    String s = string();
    TcbStatus status = TcbStatus.fromJsonName(s).orElse(null);
    if (status == null || !allowed.contains(status)) {
      List<String> names = new ArrayList<>();
      for (TcbStatus t : TcbStatus.values()) {
        if (allowed.contains(t)) {
          names.add(t.jsonName());
        }
      }
      throw fail("expected one of " + String.join(", ", names) + ", got " + JsonPath.quote(s));
    }
    return status;
  }

  CollateralFormatException fail(String problem) {
    return new CollateralFormatException(document, path.toString(), problem);
  }

  private String describe() {
    return value instanceof JsonValue.Str s ? JsonPath.quote(s.value()) : value.kind();
  }
}
