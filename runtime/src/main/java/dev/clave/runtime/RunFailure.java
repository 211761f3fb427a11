package dev.clave.runtime;

import java.util.List;

/**
 * Why {@code clave run} stops without running the program (or could not start it): an exit code from
 * {@link ExitCodes}, a one-line message, and optional detail lines (e.g. a refusal's failed checks). Messages
 * name what failed and where, never a secret; no stack trace is kept.
 */
public final class RunFailure extends Exception {
  private final int exitCode;
  private final List<String> details;

  public RunFailure(int exitCode, String message) {
    this(exitCode, message, List.of());
  }

  public RunFailure(int exitCode, String message, List<String> details) {
    super(message, null, false, false);
    this.exitCode = exitCode;
    this.details = List.copyOf(details);
  }

  public int exitCode() {
    return exitCode;
  }

  /** Further lines for the user, already made printable. */
  public List<String> details() {
    return details;
  }
}
