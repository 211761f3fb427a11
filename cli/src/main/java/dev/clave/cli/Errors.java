package dev.clave.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** User-facing failures: one line on stderr, never a stack trace, and the exit code 2. */
final class Errors {
  private Errors() {}

  /** A problem with the user's input (unreadable file, bad value) that stops the command. */
  static final class UserError extends RuntimeException {
    UserError(String message) {
      super(message, null, false, false);
    }
  }

  static final class Handler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
      PrintWriter err = cmd.getErr();
      if (ex instanceof UserError) {
        err.println("clave: " + ex.getMessage());
      } else {
        // Unexpected: say what broke, still without a trace; CLAVE_DEBUG=1 shows it.
        err.println("clave: internal error: " + ex);
        if (System.getenv("CLAVE_DEBUG") != null) {
          ex.printStackTrace(err);
        }
      }
      err.flush();
      return 2;
    }
  }

  static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println("clave: " + ex.getMessage());
      if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
      }
      err.flush();
      return 2;
    }
  }
}
