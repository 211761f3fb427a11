package dev.clave.runtime;

import dev.clave.policy.ServiceEvaluation.InjectedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The private directory the injected files live in while the program runs: created with mode 0700 (in
 * {@code /dev/shm} where it exists, so secrets stay in memory; else in the temporary directory), each file at
 * its policy path below it ({@code /etc/app.conf} at {@code ROOT/etc/app.conf}), directories 0700, and
 * removed with everything in it by {@link #close()}, which may be called more than once and from a shutdown
 * hook.
 */
final class PrivateRoot implements AutoCloseable {
  /** Largest file taken from the host file system ({@code fromFileSystem}). */
  static final long MAX_HOST_FILE = 16 * 1024 * 1024;
  static final Path MEMORY_FS = Path.of("/dev/shm");
  private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> WRITING = PosixFilePermissions.fromString("rw-------");
  private static final String TEMPLATE_MARK = "$$SCONE::";

  private final Path root;
  private final List<String> placed = new ArrayList<>();
  private boolean closed;

  private PrivateRoot(Path root) {
    this.root = root;
  }

  /** A new private root in {@code parent}, or in {@code /dev/shm} or the temporary directory when null. */
  static PrivateRoot create(Path parent) throws RunFailure {
    Path dir = parent != null ? parent
        : Files.isDirectory(MEMORY_FS) && Files.isWritable(MEMORY_FS) ? MEMORY_FS : Path.of(System.getProperty("java.io.tmpdir"));
    try {
      return new PrivateRoot(Files.createTempDirectory(dir, "clave-run-", PosixFilePermissions.asFileAttribute(DIR)).toRealPath());
    } catch (IOException | UnsupportedOperationException e) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "cannot create a private directory for the injected files in "
          + dir + ": " + e.getMessage());
    }
  }

  Path root() {
    return root;
  }

  /** The policy paths placed so far, as the policy writes them. */
  List<String> placed() {
    return List.copyOf(placed);
  }

  /**
   * Where a policy path lies below the root; {@code .} and empty segments are dropped, {@code ..} refused
   * (nothing may land outside the root).
   */
  Path map(String policyPath) throws RunFailure {
    if (!policyPath.startsWith("/") || policyPath.indexOf('\0') >= 0) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(policyPath) + ": not an absolute path");
    }
    Path p = root;
    for (String segment : policyPath.split("/")) {
      if (segment.equals("..")) {
        throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(policyPath) + ": .. is not allowed");
      }
      if (!segment.isEmpty() && !segment.equals(".")) {
        p = p.resolve(segment);
      }
    }
    return p;
  }

  /** Writes one delivered file at its mapped path. */
  void place(InjectedFile f) throws RunFailure {
    Path target = map(f.path());
    if (target.equals(root)) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(f.path()) + ": names the root directory");
    }
    byte[] content = f.fromFileSystem() ? hostFile(f.path()) : f.content();
    try {
      makeDirectories(target.getParent());
      Files.createFile(target, PosixFilePermissions.asFileAttribute(WRITING));
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
          LinkOption.NOFOLLOW_LINKS)) {
        out.write(content);
      }
      Files.setPosixFilePermissions(target, permissions(f.permission()));
    } catch (FileAlreadyExistsException e) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(f.path())
          + ": another injected file already occupies this path or one of its directories");
    } catch (IOException e) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "cannot write injected file " + show(f.path()) + " below " + root
          + ": " + e.getClass().getSimpleName());
    }
    placed.add(f.path());
  }

  /**
   * A file the policy takes from the host file system. The CAS sends no secret values for it, so a file that
   * still holds placeholders cannot be completed here and is refused rather than handed over unsubstituted.
   */
  private static byte[] hostFile(String path) throws RunFailure {
    byte[] content;
    try (InputStream in = Files.newInputStream(Path.of(path))) {
      content = in.readNBytes((int) MAX_HOST_FILE + 1);
    } catch (NoSuchFileException e) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(path)
          + ": the policy takes it from the file system, but there is no such file here");
    } catch (IOException e) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(path) + ": cannot read it from the file system: "
          + e.getClass().getSimpleName());
    }
    if (content.length > MAX_HOST_FILE) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(path) + ": larger than " + MAX_HOST_FILE + " bytes");
    }
    if (new String(content, StandardCharsets.ISO_8859_1).contains(TEMPLATE_MARK)) {
      throw new RunFailure(ExitCodes.CONFIGURATION, "injected file " + show(path) + ": the file on this host holds $$SCONE::"
          + " placeholders, which clave run cannot fill (the CAS delivers no secret values for file-system templates);"
          + " give the file's content in the policy instead");
    }
    return content;
  }

  private void makeDirectories(Path dir) throws IOException {
    if (dir.equals(root)) {
      return;
    }
    makeDirectories(dir.getParent());
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
  }

  /** The rwx bits of a Unix mode; setuid, setgid and sticky bits are not applied. */
  static Set<PosixFilePermission> permissions(int mode) {
    StringBuilder s = new StringBuilder();
    String rwx = "rwx";
    for (int bit = 8; bit >= 0; bit--) {
      s.append((mode & (1 << bit)) != 0 ? rwx.charAt(2 - bit % 3) : '-');
    }
    return PosixFilePermissions.fromString(s.toString());
  }

  private static String show(String path) {
    return "`" + Printable.line(path, 300) + "`";
  }

  /** Removes the root and everything below it, without following links. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    delete(root);
    closed = true;
  }

  private static void delete(Path p) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException gone) {
      return;
    }
    if (a.isDirectory()) {
      // The program may have made a directory unreadable or unwritable; it is ours, so take access back.
      Files.setPosixFilePermissions(p, DIR);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
        for (Path e : entries) {
          delete(e);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
