package dev.clave.cas.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files holding secrets: created owner-only (0600, directories 0700), replaced atomically (write a temporary
 * file, fsync it, rename it over the target, fsync the directory), so a crash leaves either the old or the new
 * content, never a mix. On file systems without POSIX permissions the permission steps are skipped.
 */
final class SecureFiles {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private SecureFiles() {}

  /** Creates the directory (and missing parents) owner-only if it does not exist. */
  static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
    } else {
      Files.createDirectories(dir);
    }
  }

  /** Creates an empty owner-only file if none exists; returns whether it created one. */
  static boolean createPrivateFile(Path file) throws IOException {
    try {
      Files.createFile(file, ownerOnly());
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    }
  }

  /** Replaces {@code target} atomically and durably with {@code data}, owner-only. */
  static void writeAtomically(Path target, byte[] data) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING), ownerOnly())) {
      if (POSIX) {
        // A temporary file left by a crash keeps its old mode; force it.
        Files.setPosixFilePermissions(temp, OWNER_FILE);
      }
      ByteBuffer buf = ByteBuffer.wrap(data);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    fsyncDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Creates {@code target} with {@code data}, owner-only and durably, unless it exists: of processes racing to
   * create it exactly one succeeds (written beside, then hard-linked into place) and the others get false.
   */
  static boolean createIfAbsent(Path target, byte[] data) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".new");
    try {
      writeAtomically(temp, data);
      try {
        Files.createLink(target, temp);
      } catch (UnsupportedOperationException e) {
        Files.move(temp, target); // no hard links here: refuses an existing target, though not atomically
      }
      fsyncDirectory(target.toAbsolutePath().getParent());
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes a rename or creation in {@code dir} durable. */
  static void fsyncDirectory(Path dir) throws IOException {
    if (!POSIX) {
      return; // Windows cannot open directories as channels; NTFS journals renames itself
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /**
   * Refuses a secret file that is not a regular file or that its group or others may access: a secret other
   * users could read is no longer a secret, and silently fixing the mode would hide that it leaked.
   */
  static void requireOwnerOnly(Path file, String what) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new StoreException(what + " " + file + " is not a regular file");
    }
    if (!POSIX) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
    open.addAll(perms);
    open.retainAll(GROUP_OR_OTHER);
    if (!open.isEmpty()) {
      throw new StoreException(what + " " + file + " has permissions " + PosixFilePermissions.toString(perms)
          + ", which let other users access it; it must be rw------- (0600). Check whether it leaked, then fix"
          + " the mode (chmod 600) or replace it");
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0];
  }
}
