package dev.clave.policy;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The session hash: SHA-256 over the canonical form of a parsed {@link Session}, 64 lowercase hex.
 *
 * <p>The canonical form is computed from the validated model, not from the YAML text, so it does not depend
 * on key order, quoting or block/flow style, comments, hex case, or defaults written out or left implicit
 * ({@code mode: hardware}, {@code key_type: P-256}, {@code read: [CREATOR]}, …); every semantic change
 * changes it. It is the UTF-8 bytes of {@value #DOMAIN} followed by one JSON value:
 *
 * <ul>
 *   <li>a record (each model type) is an object of its components, keys sorted by UTF-16 code units;
 *       sealed alternatives get a {@code "@type"} key with the simple class name;
 *   <li>a list is an array in order; a set is an array sorted by its elements' canonical text; a map is an
 *       object with sorted keys;
 *   <li>a string is a JSON string escaping only {@code "}, {@code \} and control characters (as
 *       {@code \}{@code uXXXX}); integers are decimal; booleans and null as in JSON; an enum is its name; a
 *       duration is its length in seconds.
 * </ul>
 *
 * No whitespace. The domain prefix keeps a session hash from ever equalling a hash of other Clave data.
 */
public final class SessionHash {
  static final String DOMAIN = "clave-session-v1\n";

  private SessionHash() {}

  public static String of(Session session) {
    return HexFormat.of().formatHex(sha256(canonicalForm(session)));
  }

  /** The exact bytes hashed (for tests and for users who want to reproduce a hash). */
  public static byte[] canonicalForm(Session session) {
    StringBuilder out = new StringBuilder(4096).append(DOMAIN);
    write(out, session);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder out, Object v) {
    switch (v) {
      case null -> out.append("null");
      case String s -> string(out, s);
      case Boolean b -> out.append(b);
      case Integer i -> out.append(i);
      case Long l -> out.append(l);
      case Enum<?> e -> string(out, e.name());
      case Duration d -> out.append(d.toSeconds());
      case Record r -> record(out, r);
      case List<?> list -> array(out, list);
      case Set<?> set -> {
        List<String> items = new ArrayList<>(set.size());
        for (Object o : set) {
          StringBuilder one = new StringBuilder();
          write(one, o);
          items.add(one.toString());
        }
        items.sort(null);
        out.append('[').append(String.join(",", items)).append(']');
      }
      case Map<?, ?> map -> {
        TreeMap<String, Object> sorted = new TreeMap<>();
        map.forEach((k, val) -> sorted.put((String) k, val));
        object(out, sorted);
      }
      case byte[] bytes -> string(out, HexFormat.of().formatHex(bytes));
      default -> throw new IllegalStateException("no canonical form for " + v.getClass().getName());
    }
  }

  private static void record(StringBuilder out, Record r) {
    TreeMap<String, Object> fields = new TreeMap<>();
    for (Accessor a : ACCESSORS.get(r.getClass())) {
      fields.put(a.name(), a.get(r));
    }
    if (r.getClass().getInterfaces().length > 0 && r.getClass().getInterfaces()[0].isSealed()) {
      fields.put("@type", r.getClass().getSimpleName());
    }
    object(out, fields);
  }

  /** A record component's name and accessor, looked up once per class (reflection per call is slow). */
  private record Accessor(String name, MethodHandle getter) {
    Object get(Record r) {
      try {
        return getter.invoke(r);
      } catch (Throwable e) {
        throw new IllegalStateException("cannot read " + name + " of " + r.getClass().getSimpleName(), e);
      }
    }
  }

  private static final ClassValue<List<Accessor>> ACCESSORS = new ClassValue<>() {
    @Override
    protected List<Accessor> computeValue(Class<?> type) {
      List<Accessor> out = new ArrayList<>();
      for (RecordComponent c : type.getRecordComponents()) {
        try {
          out.add(new Accessor(c.getName(), MethodHandles.publicLookup().unreflect(c.getAccessor())));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + c, e);
        }
      }
      return List.copyOf(out);
    }
  };

  private static void object(StringBuilder out, TreeMap<String, Object> fields) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      if (!first) {
        out.append(',');
      }
      first = false;
      string(out, e.getKey());
      out.append(':');
      write(out, e.getValue());
    }
    out.append('}');
  }

  private static void array(StringBuilder out, Collection<?> items) {
    out.append('[');
    boolean first = true;
    for (Object o : items) {
      if (!first) {
        out.append(',');
      }
      first = false;
      write(out, o);
    }
    out.append(']');
  }

  /** A JSON string: escapes only the quote, the backslash and control characters (shared with {@link Fragments}). */
  static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
