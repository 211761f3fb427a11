package dev.clave.cas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The CAS's small named state (the owner record), one file per name under {@code state/} in the state
 * directory, each replaced atomically. The encrypted, rollback-detecting store takes its place; until then
 * the state directory's permissions (0700) are its protection.
 */
final class CasState implements Provisioning.Blobs {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,63}");
  private final Path dir;

  private CasState(Path dir) {
    this.dir = dir;
  }

  static CasState open(Path stateDir) throws IOException {
    Path dir = stateDir.resolve("state");
    Files.createDirectories(dir);
    return new CasState(dir);
  }

  @Override
  public Optional<byte[]> get(String name) throws IOException {
    Path f = file(name);
    return Files.exists(f) ? Optional.of(Files.readAllBytes(f)) : Optional.empty();
  }

  @Override
  public void put(String name, byte[] value) throws IOException {
    Path f = file(name);
    Path tmp = Files.createTempFile(dir, name, ".tmp");
    Files.write(tmp, value);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true); // durable before it replaces the old value
    }
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path file(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a state name: " + name);
    }
    return dir.resolve(name);
  }
}
