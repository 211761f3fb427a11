package dev.clave.attestation.collateral;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Where a value sits in a JSON document, e.g. {@code tcbInfo.tcbLevels[3].tcb.pcesvn}. Immutable and
 * linked to its parent, so building one per value is cheap and the text is rendered only for an error.
 */
final class JsonPath {
  static final JsonPath ROOT = new JsonPath(null, null, -1);

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
  private static final int MAX_QUOTED = 48;

  private final JsonPath parent;
  private final String key; // null for an array element (and for the root)
  private final int index;

  private JsonPath(JsonPath parent, String key, int index) {
    this.parent = parent;
    this.key = key;
    this.index = index;
  }

  JsonPath member(String name) {
    return new JsonPath(this, name, -1);
  }

  JsonPath element(int i) {
    return new JsonPath(this, null, i);
  }

  boolean isRoot() {
    return parent == null;
  }

  @Override
  public String toString() {
    Deque<JsonPath> chain = new ArrayDeque<>();
    for (JsonPath p = this; p.parent != null; p = p.parent) {
      chain.push(p);
    }
    StringBuilder sb = new StringBuilder();
    for (JsonPath p : chain) {
      if (p.key == null) {
        sb.append('[').append(p.index).append(']');
      } else if (PLAIN_KEY.matcher(p.key).matches()) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(p.key);
      } else {
        // Keys come from the document: quote odd ones so a message cannot be spoofed or flooded by them.
        sb.append('[').append(quote(p.key)).append(']');
      }
    }
    return sb.toString();
  }

  /**
   * Renders untrusted text for a message: quoted, escaped to printable ASCII and shortened, so that a
   * hostile document cannot inject newlines or megabytes into logs.
   */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      if (n == MAX_QUOTED) {
        sb.append("…");
        break;
      }
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
      n++;
    }
    return sb.append('"').toString();
  }
}
