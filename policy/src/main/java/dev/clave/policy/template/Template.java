package dev.clave.policy.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SequencedSet;
import java.util.regex.Pattern;

/**
 * CLI templating of a policy file before it is parsed, signed or encrypted (reference §1.6): the {@code -e
 * VAR=VALUE} and {@code --use-env} substitution of SCONE's {@code session} commands. It is text substitution
 * only, unrelated to the {@code $$SCONE::name$$} secret placeholders that the runtime fills in later.
 *
 * <p>Rules, scanning left to right:
 *
 * <ul>
 *   <li>{@code $NAME} and {@code ${NAME}} are replaced by the value of NAME, where NAME matches {@code
 *       [A-Za-z_][A-Za-z0-9_]*} ({@code $NAME} takes the longest such run). An undefined NAME is an error;
 *       every undefined variable is reported, each with its line and column.
 *   <li>{@code \$} yields a literal {@code $} (the backslash is dropped and nothing after it is substituted).
 *       Any other backslash is kept as it is, so {@code \@\@SCONE_LAS_ADDR} passes through unchanged; {@code \\$X}
 *       gives {@code \$X}.
 *   <li>{@code $$SCONE::…$$} passes through untouched, up to and including the next {@code $$}; one without a
 *       closing {@code $$} is an error.
 *   <li>A {@code $} followed by anything else (a digit, a space, a quote, the end) stays as it is.
 *   <li>{@code ${} without a {@code }} on the same line is an error, as is {@code ${...}} whose content is not a
 *       name (no {@code ${X:-default}} forms).
 * </ul>
 *
 * Values are inserted verbatim and not scanned again. The rendered text is bounded by {@link #MAX_LENGTH}
 * characters, so a few large values repeated many times cannot exhaust memory.
 */
public final class Template {
  /** The longest template and the longest rendered text, in characters. */
  public static final int MAX_LENGTH = 1 << 20;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String SECRET_PLACEHOLDER = "$$SCONE::";

  private Template() {}

  /**
   * The result of rendering.
   *
   * @param text the rendered text
   * @param variablesUsed the variables substituted, in order of first use
   */
  public record Rendered(String text, SequencedSet<String> variablesUsed) {
    public Rendered {
      Objects.requireNonNull(text, "text");
      variablesUsed = Collections.unmodifiableSequencedSet(new LinkedHashSet<>(variablesUsed));
    }

    /** Shows the variables used, not the text, which may hold secret values. */
    @Override
    public String toString() {
      return "Rendered[" + text.length() + " characters, variables=" + variablesUsed + "]";
    }
  }

  /** Whether a string is a valid variable name. */
  public static boolean isName(String s) {
    return NAME.matcher(s).matches();
  }

  /**
   * Renders a template.
   *
   * @param values the variables' values (names not used by the template are ignored)
   * @throws TemplateException listing every undefined variable, or the first syntax error, with positions
   */
  public static Rendered render(String template, Map<String, String> values) {
    if (template.length() > MAX_LENGTH) {
      throw new TemplateException(List.of(new TemplateException.Problem(1, 1,
          "the template has " + template.length() + " characters, more than the " + MAX_LENGTH + " allowed")));
    }
    StringBuilder out = new StringBuilder(template.length());
    SequencedSet<String> used = new LinkedHashSet<>();
    List<TemplateException.Problem> missing = new ArrayList<>();
    Position pos = new Position(template);
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i);
      if (c == '\\' && i + 1 < n && template.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
      } else if (c != '$') {
        out.append(c);
        i++;
      } else if (template.startsWith(SECRET_PLACEHOLDER, i)) {
        int close = template.indexOf("$$", i + SECRET_PLACEHOLDER.length());
        if (close < 0) {
          throw syntax(pos, i, "secret placeholder $$SCONE:: has no closing $$");
        }
        out.append(template, i, close + 2);
        i = close + 2;
      } else if (i + 1 < n && template.charAt(i + 1) == '{') {
        int lineEnd = lineEnd(template, i);
        int close = template.indexOf('}', i + 2);
        if (close < 0 || close > lineEnd) {
          throw syntax(pos, i, "${ without a closing } on the same line");
        }
        String name = template.substring(i + 2, close);
        if (!isName(name)) {
          throw syntax(pos, i, "\"${" + printable(name) + "}\" does not hold a variable name ([A-Za-z_][A-Za-z0-9_]*)");
        }
        substitute(name, values, out, used, missing, pos, i);
        i = close + 1;
      } else if (i + 1 < n && isNameStart(template.charAt(i + 1))) {
        int end = i + 2;
        while (end < n && isNamePart(template.charAt(end))) {
          end++;
        }
        substitute(template.substring(i + 1, end), values, out, used, missing, pos, i);
        i = end;
      } else {
        out.append('$');
        i++;
      }
      if (out.length() > MAX_LENGTH) {
        throw syntax(pos, Math.min(i, n - 1), "the rendered text exceeds " + MAX_LENGTH + " characters");
      }
    }
    if (!missing.isEmpty()) {
      throw new TemplateException(missing);
    }
    return new Rendered(out.toString(), used);
  }

  private static void substitute(String name, Map<String, String> values, StringBuilder out, SequencedSet<String> used,
      List<TemplateException.Problem> missing, Position pos, int at) {
    String value = values.get(name);
    if (value == null) {
      int[] lc = pos.of(at);
      missing.add(new TemplateException.Problem(lc[0], lc[1], "variable " + name + " is not defined (give -e " + name
          + "=VALUE, or --use-env with it in the environment)"));
      return;
    }
    used.add(name);
    out.append(value);
  }

  private static TemplateException syntax(Position pos, int at, String message) {
    int[] lc = pos.of(at);
    return new TemplateException(List.of(new TemplateException.Problem(lc[0], lc[1], message)));
  }

  private static int lineEnd(String s, int from) {
    int nl = s.indexOf('\n', from);
    return nl < 0 ? s.length() : nl;
  }

  private static boolean isNameStart(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }

  private static String printable(String s) {
    String shown = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  /** Line and column of an index, computed on demand (errors are rare; scanning stays linear). */
  private static final class Position {
    private final String text;
    private int lastIndex;
    private int line = 1;
    private int lineStart;

    Position(String text) {
      this.text = text;
    }

    /** 1-based line and column (in code points) of index {@code at}; calls come with increasing indexes. */
    int[] of(int at) {
      if (at < lastIndex) {
        lastIndex = 0;
        line = 1;
        lineStart = 0;
      }
      for (int k = lastIndex; k < at; k++) {
        if (text.charAt(k) == '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      lastIndex = at;
      return new int[] {line, text.codePointCount(lineStart, at) + 1};
    }
  }
}
