package dev.clave.backupcontroller;

/**
 * How a registration pod ended.
 *
 * @param exitCode the container's exit code (-1 when it did not finish in time)
 * @param output what it printed
 */
public record Registration(int exitCode, String output) {
  /** The line {@code clave cas register-backup} prints on success. */
  public static final String SUCCESS_LINE = "Backup CAS registered";

  /** Registered only when the command both exited 0 and said so: a 0 from a wrapper that printed nothing is not enough. */
  public boolean succeeded() {
    return exitCode == 0 && output.lines().anyMatch(l -> l.strip().equals(SUCCESS_LINE));
  }
}
