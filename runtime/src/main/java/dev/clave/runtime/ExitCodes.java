package dev.clave.runtime;

/**
 * The exit codes of {@code clave run} when it does not run the program, chosen from {@code sysexits.h} so
 * that they differ from what programs usually return (0, 1, 2, 126, 127, 128+N); whenever {@code clave run}
 * itself ends the run it also prints a line starting {@code clave run:} on stderr. When the program ran,
 * {@code clave run} exits with the program's code (128+N when a signal N ended it).
 */
public final class ExitCodes {
  private ExitCodes() {}

  /** A bad option or variable: no config ID, no program, an address or key hash that does not parse. */
  public static final int USAGE = 2;
  /** The program cannot be measured: not found through PATH, not an executable file, unreadable (EX_NOINPUT). */
  public static final int PROGRAM_UNUSABLE = 66;
  /** The LAS or the CAS cannot be reached, the TLS handshake failed (e.g. another CAS key than the pinned one), or an answer was malformed or too large (EX_UNAVAILABLE). */
  public static final int UNAVAILABLE = 69;
  /** The CAS refused: unknown session or service, quote refused, policy denied (EX_NOPERM). */
  public static final int REFUSED = 77;
  /** Hardware mode requested on a machine without SGX, or a delivered configuration that cannot be applied here (EX_CONFIG). */
  public static final int CONFIGURATION = 78;
  /** The program was attested but could not be started (as shells report it). */
  public static final int CANNOT_EXECUTE = 126;
}
