package dev.clave.cas.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An exclusive lock on a state directory (a lock file in it), held while a store uses the directory. */
final class DirectoryLock {
  private static final Logger LOG = LoggerFactory.getLogger(DirectoryLock.class);

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} through the owner-only file {@code fileName} in it.
   *
   * @throws StoreException if this or another process holds the lock; {@code what} names the directory's use
   */
  static DirectoryLock acquire(Path dir, String fileName, String what) throws IOException {
    Path lockPath = dir.resolve(fileName);
    SecureFiles.createPrivateFile(lockPath);
    FileChannel channel = FileChannel.open(lockPath, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new StoreException(what + " in " + dir + " is already open (by this or another process); one process at"
          + " a time may use it");
    }
    return new DirectoryLock(channel, lock);
  }

  void release() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      LOG.debug("releasing the store lock failed: {}", e.getMessage());
    }
  }
}
