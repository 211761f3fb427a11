package dev.clave.cli;

import java.util.concurrent.CountDownLatch;

/** Running a server in the foreground: until SIGTERM or Ctrl-C, then a clean close. */
final class Foreground {
  private Foreground() {}

  /** Blocks until the JVM is asked to stop, then closes {@code server}; returns the exit code 0. */
  static int runUntilStopped(AutoCloseable server, String name) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("clave: " + name + " did not close cleanly: " + e.getMessage());
      } finally {
        stopped.countDown();
      }
    }, name + "-shutdown"));
    stopped.await();
    return 0;
  }
}
