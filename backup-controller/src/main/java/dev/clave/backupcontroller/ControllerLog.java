package dev.clave.backupcontroller;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Log lines in the original controller's shape ({@code 2022-07-21 22:42:16,254 INFO: message}), which operators
 * grep for; relayed registration output and the JSON map go out unprefixed, as there.
 */
public final class ControllerLog {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

  private final PrintStream out;
  private final Clock clock;

  public ControllerLog(PrintStream out, Clock clock) {
    this.out = out;
    this.clock = clock;
  }

  public void info(String message) {
    line("INFO", message);
  }

  public void warning(String message) {
    line("WARNING", message);
  }

  public void error(String message) {
    line("ERROR", message);
  }

  /** Text as it is: a registration pod's output, the JSON map. */
  public void raw(String text) {
    synchronized (out) {
      out.println(text);
      out.flush();
    }
  }

  private void line(String level, String message) {
    raw(TIME.format(clock.instant().atZone(ZoneId.systemDefault())) + " " + level + ": " + message);
  }
}
