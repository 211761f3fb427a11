package dev.clave.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy that is not valid: every problem found, in document order. No stack trace is recorded. */
public final class PolicyException extends Exception {
  private final List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(problems.stream().sorted().map(PolicyProblem::toString).collect(Collectors.joining("\n")), null, false, false);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a PolicyException needs at least one problem");
    }
    this.problems = problems.stream().sorted().toList();
  }

  public List<PolicyProblem> problems() {
    return problems;
  }
}
