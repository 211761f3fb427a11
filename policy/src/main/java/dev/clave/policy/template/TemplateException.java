package dev.clave.policy.template;

import java.util.List;

/**
 * A template that cannot be rendered: undefined variables (all of them are listed) or a syntax error (the first
 * one). The message names variables and positions, never values, which may be secrets.
 */
public final class TemplateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** One problem at a 1-based line and column (columns count Unicode code points). */
  public record Problem(int line, int column, String message) {
    @Override
    public String toString() {
      return "line " + line + ", column " + column + ": " + message;
    }
  }

  private final transient List<Problem> problems;

  TemplateException(List<Problem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  private static String summary(List<Problem> problems) {
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    StringBuilder b = new StringBuilder(problems.size() + " problems: ");
    int shown = Math.min(problems.size(), 10);
    for (int i = 0; i < shown; i++) {
      b.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    if (shown < problems.size()) {
      b.append("; and ").append(problems.size() - shown).append(" more");
    }
    return b.toString();
  }
}
