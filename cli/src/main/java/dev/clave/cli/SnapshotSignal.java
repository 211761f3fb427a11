package dev.clave.cli;

import dev.clave.cas.CasServer;
import dev.clave.cas.StandbyCas;
import java.util.function.Supplier;

/**
 * Signals of {@code clave cas serve}: {@code kill -USR1 <pid>} takes a snapshot now, as with the original CAS;
 * {@code kill -HUP <pid>} makes a standby ({@code --standby}) take over from the newest snapshot.
 */
final class SnapshotSignal {
  private SnapshotSignal() {}

  static void install(Supplier<CasServer> cas) {
    handle("USR1", () -> cas.get().requestSnapshot(), "snapshots follow the interval only");
  }

  static void installTakeOver(StandbyCas standby) {
    handle("HUP", () -> {
      // Not on the signal's thread: a takeover restarts listeners and opens the store.
      Thread t = new Thread(() -> {
        try {
          standby.takeOver();
        } catch (java.io.IOException | RuntimeException e) {
          org.slf4j.LoggerFactory.getLogger(SnapshotSignal.class).error("the takeover failed: {}", e.getMessage());
        }
      }, "cas-takeover");
      t.start();
    }, "a takeover needs a restart with --restore-from instead");
  }

  private static void handle(String signal, Runnable action, String otherwise) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> action.run());
    } catch (IllegalArgumentException e) {
      // The JVM reserves some signals on some platforms (or with -Xrs).
      org.slf4j.LoggerFactory.getLogger(SnapshotSignal.class)
          .warn("SIG{} cannot be used here ({}); {}", signal, e.getMessage(), otherwise);
    }
  }
}
