package dev.clave.policy;

/**
 * One thing wrong with a policy, where it is: {@code file:line:column: message}, lines and columns counted
 * from 1. The message says what is wrong and, where there is one, what would be right; it never quotes a
 * secret value.
 */
public record PolicyProblem(String file, int line, int column, String message) implements Comparable<PolicyProblem> {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }

  @Override
  public int compareTo(PolicyProblem o) {
    return line != o.line ? Integer.compare(line, o.line) : Integer.compare(column, o.column);
  }
}
