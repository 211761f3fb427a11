package dev.clave.cas.audit;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The one JSON writer of the audit package: object keys sorted by UTF-16 code units (as RFC 8785 orders
 * them), no whitespace, integers in plain decimal, strings with only {@code "}, {@code \} and the control
 * characters U+0000–U+001F escaped ({@code \b \f \n \r \t} by name, the others as {@code \}{@code u00xx}
 * in lowercase hex), everything else written as UTF-8. That is RFC 8785 (JCS) for the values Clave writes
 * (no floating point), so equal values always give equal bytes.
 *
 * <p>Values: {@link String}, {@link Long}, {@link Integer}, {@link List} of values, and {@link SortedMap} with
 * {@link String} keys (sorted by {@link String#compareTo}, which is UTF-16 code-unit order).
 */
final class CanonicalJson {
  private CanonicalJson() {}

  static byte[] encode(SortedMap<String, ?> object) {
    StringBuilder out = new StringBuilder(256);
    write(out, object);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  static void write(StringBuilder out, Object value) {
    switch (value) {
      case String s -> string(out, s);
      case Long l -> out.append(l.longValue());
      case Integer i -> out.append(i.intValue());
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(out, list.get(i));
        }
        out.append(']');
      }
      case SortedMap<?, ?> map -> {
        if (map.comparator() != null) {
          throw new IllegalArgumentException("canonical objects sort keys naturally");
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          string(out, (String) e.getKey());
          out.append(':');
          write(out, e.getValue());
        }
        out.append('}');
      }
      default -> throw new IllegalArgumentException("no canonical JSON form for " + value.getClass().getName());
    }
  }

  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Refuses text that has no exact UTF-8 form (an unpaired surrogate would be replaced on encoding, so two
   * different strings could give the same bytes).
   */
  static void requireWellFormed(String s, String what) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new AuditFormatException(what + " has an unpaired surrogate at character " + (i + 1));
      }
      if (Character.isLowSurrogate(c)) {
        throw new AuditFormatException(what + " has an unpaired surrogate at character " + (i + 1));
      }
    }
  }
}
