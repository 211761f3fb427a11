package dev.clave.cli;

import dev.clave.cas.CasServer;

/** {@code kill -USR1 <pid>} takes a snapshot now, as with the original CAS. */
final class SnapshotSignal {
  private SnapshotSignal() {}

  static void install(CasServer cas) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> cas.requestSnapshot());
    } catch (IllegalArgumentException e) {
      // The JVM reserves USR1 on some platforms (or with -Xrs); the interval still applies.
      org.slf4j.LoggerFactory.getLogger(SnapshotSignal.class)
          .warn("SIGUSR1 cannot be used here ({}); snapshots follow the interval only", e.getMessage());
    }
  }
}
