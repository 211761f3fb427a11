package dev.clave.sgxplugin;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.function.Consumer;

/**
 * Watches one directory for files created or deleted and reports their names (null after lost events). It only
 * makes the plugin react at once: the periodic check finds the same changes without it.
 */
final class DirectoryWatcher implements AutoCloseable {
  private final WatchService watch;
  private final Thread thread;

  private DirectoryWatcher(WatchService watch, Thread thread) {
    this.watch = watch;
    this.thread = thread;
  }

  static DirectoryWatcher start(Path dir, Consumer<String> onChange) throws IOException {
    WatchService watch = FileSystems.getDefault().newWatchService();
    try {
      dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      watch.close();
      throw e;
    }
    Thread thread = new Thread(() -> run(watch, onChange), "sgx-plugin-watch");
    thread.setDaemon(true);
    thread.start();
    return new DirectoryWatcher(watch, thread);
  }

  private static void run(WatchService watch, Consumer<String> onChange) {
    try {
      while (true) {
        WatchKey key = watch.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            onChange.accept(null);
          } else {
            onChange.accept(event.context().toString());
          }
        }
        if (!key.reset()) {
          // The directory itself went away; the periodic check carries on alone.
          return;
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  @Override
  public void close() {
    try {
      watch.close();
    } catch (IOException e) {
      // nothing to release beyond this
    }
    thread.interrupt();
  }
}
