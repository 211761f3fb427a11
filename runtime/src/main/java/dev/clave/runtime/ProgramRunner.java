package dev.clave.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the attested program and waits for it; the program inherits stdin, stdout and stderr. From before
 * the injected files are written until {@code clave run} ends, a JVM shutdown hook stands by: when {@code
 * clave run} gets SIGTERM, SIGINT or SIGHUP it sends SIGTERM to the program, gives it {@link #GRACE_SECONDS}
 * to end (then SIGKILL), removes the injected files, and ends with the program's exit code. (A Ctrl-C in a
 * terminal also reaches the program directly: it is in the same process group.) Exit codes: the program's,
 * or 128+N when signal N ended it.
 */
final class ProgramRunner implements AutoCloseable {
  static final int GRACE_SECONDS = 10;

  private final Runnable cleanup;
  private final Thread hook;
  private Process process;
  private boolean stopping;
  private boolean cleaned;

  /** Stands by from now on: a shutdown runs {@code cleanup} (once), after stopping the program if it runs. */
  ProgramRunner(Runnable cleanup) {
    this.cleanup = cleanup;
    this.hook = new Thread(this::onShutdown, "clave-run-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Runs the plan and returns the program's exit code; the cleanup has run when this returns.
   *
   * @throws RunFailure ({@link ExitCodes#CANNOT_EXECUTE}) when the program cannot be started
   */
  int run(LaunchPlan plan) throws RunFailure {
    List<String> command = new ArrayList<>();
    command.add(plan.executable().toString());
    command.addAll(plan.arguments());
    ProcessBuilder pb = new ProcessBuilder(command).directory(plan.workingDirectory().toFile()).inheritIO();
    pb.environment().clear();
    pb.environment().putAll(plan.environment());
    Process p;
    synchronized (this) {
      if (stopping) {
        throw new RunFailure(ExitCodes.CANNOT_EXECUTE, "stopped before the program was started");
      }
      try {
        p = pb.start();
      } catch (IOException e) {
        // The JDK's message names the file and the system's reason; no argument or variable appears in it.
        throw new RunFailure(ExitCodes.CANNOT_EXECUTE, "cannot start " + plan.executable() + ": "
            + Printable.line(e.getMessage(), 300));
      }
      process = p;
    }
    int code = waitUninterruptibly(p);
    cleanOnce();
    return code;
  }

  private void onShutdown() {
    Process p;
    synchronized (this) {
      stopping = true;
      p = process;
    }
    if (p == null) {
      cleanOnce();
      return; // the JVM ends with its own code for the signal
    }
    int code = stop(p);
    cleanOnce();
    Runtime.getRuntime().halt(code);
  }

  private void cleanOnce() {
    synchronized (cleanup) {
      if (!cleaned) {
        cleaned = true;
        cleanup.run();
      }
    }
  }

  /** SIGTERM, a grace period, SIGKILL; the exit code. */
  private static int stop(Process process) {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
    }
    return waitUninterruptibly(process);
  }

  private static int waitUninterruptibly(Process process) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Runs the cleanup if it has not run, and stands down. */
  @Override
  public void close() {
    cleanOnce();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: it stops the program and ends the JVM with its code
    }
  }
}
