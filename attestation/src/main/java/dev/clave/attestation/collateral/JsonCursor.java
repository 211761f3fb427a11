package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A value of a parsed JSON document together with its path, offering typed reads that fail with a
 * {@link CollateralFormatException} naming that path and what was expected.
 */
final class JsonCursor {
  /** ISO-8601 in UTC with a literal 'Z', as Intel writes it; fractions of a second are tolerated. */
  private static final Pattern UTC_DATE =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z");

  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9]\\d{0,17})");

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
    if (!INTEGER.matcher(n.lexeme()).matches()) {
      throw fail("expected an integer " + min + ".." + max + ", got " + n.lexeme());
    }
    long v = Long.parseLong(n.lexeme());
    if (v < min || v > max) {
      throw fail("expected an integer " + min + ".." + max + ", got " + n.lexeme());
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

  /** An instant written as ISO-8601 UTC with a 'Z', e.g. {@code 2025-06-19T10:56:11Z}. */
  Instant date() throws CollateralFormatException {
    String s = string();
    if (UTC_DATE.matcher(s).matches()) {
      try {
        return Instant.parse(s);
      } catch (DateTimeParseException e) {
        // falls through: the shape was right but a field is out of range (month 13, Feb 30…)
      }
    }
    throw fail("expected an ISO-8601 UTC date like 2025-01-31T12:00:00Z, got " + JsonPath.quote(s));
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
