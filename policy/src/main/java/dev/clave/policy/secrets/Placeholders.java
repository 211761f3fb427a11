package dev.clave.policy.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Secret placeholders {@code $$SCONE::name<suffix>$$} in commands, environment values and injection files
 * (reference §1.5, §1.6).
 *
 * <p>Syntax: the opening {@code $$SCONE::}, a body of printable ASCII characters other than '$' and space,
 * and the first {@code $$} after it closes. A {@code $$SCONE:} with one colon, a body with a space, a line
 * break or a '$', and an opening without a close are errors, as is a placeholder whose closing {@code $$}
 * starts another {@code $$SCONE::} (a nested placeholder). Offsets in messages are character offsets into
 * the text, from 0.
 *
 * <p>Body: the secret's name, then the suffix choosing a {@link SecretEncoding}. The name ends at the first
 * ':' (names cannot contain ':'). Secret names may contain '.', so the legacy suffixes {@code .hex},
 * {@code .crt}, {@code .key}, {@code .chain} apply only when the whole body is not itself a secret's name.
 * SCONE's {@code |escape(...)} and {@code self::} forms are refused as not supported yet.
 *
 * <p>Substitution happens once: rendered values are never scanned for placeholders again.
 */
public final class Placeholders {
  /** What opens a placeholder. */
  public static final String OPEN = "$$SCONE::";

  private static final String CLOSE = "$$";

  /** The longest text scanned (characters). */
  public static final int MAX_TEXT = 16 * 1024 * 1024;

  /** The largest substitution result (bytes). */
  public static final int MAX_OUTPUT = 64 * 1024 * 1024;

  /** The longest placeholder body: a name (at most 512 characters) and the longest suffix, with room. */
  static final int MAX_BODY = 1024;

  private Placeholders() {}

  /** Where a placeholder's value goes, which decides whether binary renderings are allowed. */
  public enum Context {
    /** {@code command} arguments and {@code environment} values: text only, no NUL. */
    TEXT,
    /** Injection file content: any rendering, the result is bytes. */
    FILE
  }

  /**
   * One placeholder in a text.
   *
   * @param start the offset of its first '$'
   * @param end the offset just after its closing {@code $$}
   * @param body the text between {@code $$SCONE::} and {@code $$}
   */
  public record Span(int start, int end, String body) {
    /** The placeholder as written. */
    public String text() {
      return OPEN + body + CLOSE;
    }
  }

  /**
   * What a placeholder body refers to.
   *
   * @param name the secret's name
   * @param suffix "" or the suffix as written, starting with ':' or (legacy) '.'
   */
  public record Reference(String name, String suffix) {}

  /** Whether the text contains anything that looks like the start of a placeholder. */
  public static boolean mayContain(String text) {
    return text.contains("$$SCONE:");
  }

  /**
   * The placeholders of a text, in order. Syntax only: whether the names exist is not checked.
   *
   * @throws SecretException on an unterminated, nested or malformed placeholder, with its offset
   */
  public static List<Span> find(String text) throws SecretException {
    if (text.length() > MAX_TEXT) {
      throw new SecretException("the text is longer than " + MAX_TEXT + " characters");
    }
    List<Span> spans = new ArrayList<>();
    int from = 0;
    while (true) {
      int start = text.indexOf("$$SCONE:", from);
      if (start < 0) {
        return spans;
      }
      if (!text.startsWith(OPEN, start)) {
        throw new SecretException(
            "offset " + start + ": a placeholder opens with '$$SCONE::' (two colons), found '$$SCONE:' with one");
      }
      int bodyStart = start + OPEN.length();
      int close = text.indexOf(CLOSE, bodyStart);
      if (close < 0) {
        throw new SecretException("offset " + start + ": the placeholder is not closed with '$$'");
      }
      if (text.startsWith(OPEN, close)) {
        throw new SecretException(
            "offset " + start + ": the placeholder is not closed before another placeholder opens at offset "
                + close + " (placeholders cannot be nested; adjacent placeholders are written $$SCONE::a$$$$SCONE::b$$)");
      }
      String body = text.substring(bodyStart, close);
      checkBody(body, start, bodyStart);
      spans.add(new Span(start, close + CLOSE.length(), body));
      from = close + CLOSE.length();
    }
  }

  private static void checkBody(String body, int start, int bodyStart) throws SecretException {
    if (body.isEmpty()) {
      throw new SecretException("offset " + start + ": the placeholder names no secret ($$SCONE::$$)");
    }
    if (body.length() > MAX_BODY) {
      throw new SecretException(
          "offset " + start + ": the placeholder is longer than " + MAX_BODY + " characters; is its closing '$$' missing?");
    }
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c < 0x21 || c > 0x7E || c == '$') {
        String what =
            switch (c) {
              case ' ' -> "a space";
              case '\n', '\r' -> "a line break";
              case '\t' -> "a tab";
              case '$' -> "'$'";
              default -> String.format("U+%04X", (int) c);
            };
        throw new SecretException(
            "offset " + start + ": the placeholder contains " + what + " at offset " + (bodyStart + i)
                + "; a placeholder is $$SCONE::name$$ or $$SCONE::name:suffix$$ (is its closing '$$' missing?)");
      }
    }
  }

  /**
   * Splits a placeholder body into the secret's name and the suffix.
   *
   * @param secretNames the names of the secrets the placeholder may refer to
   * @throws SecretException when it names no secret in {@code secretNames}, or uses an unsupported form
   */
  public static Reference resolve(String body, Set<String> secretNames) throws SecretException {
    String placeholder = OPEN + body + CLOSE;
    if (body.indexOf('|') >= 0) {
      throw new SecretException(
          placeholder + ": encodings after '|' (such as |escape(json)) are not supported by Clave yet");
    }
    if (secretNames.contains(body)) {
      return new Reference(body, "");
    }
    int colon = body.indexOf(':');
    if (colon == 0) {
      throw new SecretException(placeholder + ": the placeholder names no secret before ':'");
    }
    if (colon > 0) {
      String name = body.substring(0, colon);
      if (secretNames.contains(name)) {
        return new Reference(name, body.substring(colon));
      }
      if (name.equals("self") && body.startsWith("self::")) {
        throw new SecretException(placeholder + ": built-in variables (self::...) are not supported by Clave yet");
      }
      throw new SecretException(placeholder + ": there is no secret named '" + name + "'");
    }
    for (String legacy : SecretEncoding.LEGACY_SUFFIXES) {
      if (body.endsWith(legacy) && body.length() > legacy.length()) {
        String name = body.substring(0, body.length() - legacy.length());
        if (secretNames.contains(name)) {
          return new Reference(name, legacy);
        }
        throw new SecretException(
            placeholder + ": there is no secret named '" + body + "' or '" + name + "'");
      }
    }
    throw new SecretException(placeholder + ": there is no secret named '" + body + "'");
  }

  /**
   * Checks every placeholder of a text against the secrets' kinds, before any value exists (for the policy
   * parser): names resolve, suffixes fit the kinds, and text contexts use no binary rendering.
   *
   * @return the references, in order
   */
  public static List<Reference> check(String text, Map<String, SecretKind> kinds, Context context)
      throws SecretException {
    List<Reference> refs = new ArrayList<>();
    for (Span span : find(text)) {
      try {
        Reference ref = resolve(span.body(), kinds.keySet());
        SecretEncoding encoding = SecretEncoding.parse(kinds.get(ref.name()), ref.suffix());
        checkContext(encoding, ref, context);
        refs.add(ref);
      } catch (SecretException e) {
        throw located(span, e);
      }
    }
    return refs;
  }

  /**
   * Replaces every placeholder of {@code text} with the rendering of its secret's value.
   *
   * @param values the secrets the text may use, by name
   * @param context TEXT refuses binary renderings and NUL characters; FILE allows both
   * @return the result: UTF-8 text with the renderings in place (raw bytes for binary renderings)
   * @throws SecretException naming the placeholder and its offset
   */
  public static byte[] substitute(String text, Map<String, SecretValue> values, Context context)
      throws SecretException {
    List<Span> spans = find(text);
    if (spans.isEmpty()) {
      return checked(text.getBytes(UTF_8), context, null);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 64);
    int from = 0;
    for (Span span : spans) {
      append(out, text.substring(from, span.start()).getBytes(UTF_8));
      byte[] rendered;
      try {
        Reference ref = resolve(span.body(), values.keySet());
        SecretValue value = values.get(ref.name());
        SecretEncoding encoding = SecretEncoding.parse(kindOf(value), ref.suffix());
        checkContext(encoding, ref, context);
        rendered = checked(encoding.render(value), context, span);
      } catch (SecretException e) {
        throw located(span, e);
      }
      append(out, rendered);
      from = span.end();
    }
    append(out, text.substring(from).getBytes(UTF_8));
    return checked(out.toByteArray(), context, null);
  }

  /** {@link #substitute} in the TEXT context, as a string (a command argument or an environment value). */
  public static String substituteText(String text, Map<String, SecretValue> values) throws SecretException {
    return new String(substitute(text, values, Context.TEXT), UTF_8);
  }

  private static void checkContext(SecretEncoding encoding, Reference ref, Context context) throws SecretException {
    if (context == Context.TEXT && encoding.binary()) {
      String suffix = ref.suffix().isEmpty() ? "no suffix" : "'" + ref.suffix() + "'";
      String alternative = encoding.textAlternative();
      throw new SecretException(
          suffix + " renders raw bytes, which only injection files can hold, not command or environment; "
              + (alternative == null
                  ? "use it in an injection file"
                  : "use a text encoding such as $$SCONE::" + ref.name() + alternative + "$$"));
    }
  }

  private static byte[] checked(byte[] bytes, Context context, Span span) throws SecretException {
    if (context == Context.TEXT) {
      for (byte b : bytes) {
        if (b == 0) {
          throw new SecretException(
              (span == null ? "the text" : "the value") + " contains a NUL character, which command and environment cannot hold");
        }
      }
    }
    return bytes;
  }

  private static void append(ByteArrayOutputStream out, byte[] bytes) throws SecretException {
    if (out.size() > MAX_OUTPUT - bytes.length) {
      throw new SecretException("the text with its placeholders replaced is larger than " + MAX_OUTPUT + " bytes");
    }
    out.writeBytes(bytes);
  }

  private static SecretException located(Span span, SecretException e) {
    String message = e.getMessage();
    String prefix = span.text() + ": ";
    if (message.startsWith(prefix)) {
      message = message.substring(prefix.length());
    }
    return new SecretException("placeholder " + span.text() + " at offset " + span.start() + ": " + message);
  }

  /** The kind whose renderings apply to a value; certificates say x509-ca when they are CAs. */
  static SecretKind kindOf(SecretValue value) {
    return switch (value) {
      case SecretValue.Ascii a -> SecretKind.ASCII;
      case SecretValue.Binary b -> SecretKind.BINARY;
      case SecretValue.PrivateKey k -> SecretKind.PRIVATE_KEY;
      case SecretValue.PublicKey k -> SecretKind.PUBLIC_KEY;
      case SecretValue.Certificate c -> c.isCa() ? SecretKind.X509_CA : SecretKind.X509;
    };
  }
}
