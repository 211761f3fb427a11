package dev.clave.las;

import dev.clave.attestation.sim.PlatformTcb;
import dev.clave.attestation.sim.SimPlatform;
import dev.clave.attestation.sim.SimulationRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A LAS's state directory: the simulated platform it quotes with and that platform's ID.
 *
 * <pre>
 * STATE/              0700
 * STATE/platform/     0700, {@link SimPlatform#save}: attestation and PCK keys (0600), PCK certificate, TCB
 * STATE/platform-id   0600, the platform ID: 64 uppercase hex digits and a newline, for readers without the root
 * </pre>
 *
 * <p>The platform ID is SHA-256 of the quoting enclave's attestation public key, exactly what verifiers
 * (the CAS, {@code QuoteVerifier}) report as a quote's platform ID. It stays the same as long as the
 * platform does: every start with the same simulation root and TCB loads the saved platform. A start with
 * another TCB replaces the platform with a new one (new attestation key, so a new platform ID), as a
 * re-provisioned machine would get; a start with another simulation root is refused, since the saved
 * platform would not verify under it.
 */
public final class PlatformState {
  static final String PLATFORM_DIR = "platform";
  static final String PLATFORM_ID_FILE = "platform-id";
  private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  private static final Pattern ID = Pattern.compile("[0-9A-F]{64}");

  private PlatformState() {}

  /**
   * The platform the LAS serves with.
   *
   * @param issued true when this start issued it (first start, or the TCB changed)
   * @param replaced true when it replaced a saved platform of another TCB
   */
  public record Opened(SimPlatform platform, boolean issued, boolean replaced) {
    /** The platform ID, 64 uppercase hex digits. */
    public String platformId() {
      return platform.platformId().hexUpper();
    }
  }

  /** Loads the platform saved in {@code stateDir}, or issues one under {@code root} at {@code tcb} and saves it. */
  public static Opened openOrIssue(Path stateDir, SimulationRoot root, PlatformTcb tcb) throws IOException {
    ownerOnlyDir(stateDir);
    Path dir = stateDir.resolve(PLATFORM_DIR);
    boolean replaced = false;
    if (SimPlatform.exists(dir)) {
      SimPlatform saved;
      try {
        saved = SimPlatform.load(dir, root);
      } catch (IOException e) {
        throw new IOException("cannot load the saved platform (" + e.getMessage() + "); if the simulation root"
            + " changed, remove " + dir + " to issue a new platform (its platform ID changes)");
      }
      if (saved.tcb().equals(tcb)) {
        writeId(stateDir, saved);
        return new Opened(saved, false, false);
      }
      deletePlatformFiles(dir);
      replaced = true;
    }
    SimPlatform platform = root.issuePlatform(tcb);
    ownerOnlyDir(dir);
    platform.save(dir);
    writeId(stateDir, platform);
    return new Opened(platform, true, replaced);
  }

  /** The platform ID saved in {@code stateDir}, 64 uppercase hex digits; empty when no LAS has started there. */
  public static Optional<String> savedPlatformId(Path stateDir) throws IOException {
    Path file = stateDir.resolve(PLATFORM_ID_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    if (Files.size(file) > 128) {
      throw new IOException(file + ": not a platform ID (larger than 128 bytes)");
    }
    String id = Files.readString(file, StandardCharsets.US_ASCII).strip();
    if (!ID.matcher(id).matches()) {
      throw new IOException(file + ": not a platform ID (expected 64 uppercase hex digits)");
    }
    return Optional.of(id);
  }

  private static void writeId(Path stateDir, SimPlatform platform) throws IOException {
    Path file = stateDir.resolve(PLATFORM_ID_FILE);
    Path tmp = stateDir.resolve(PLATFORM_ID_FILE + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(FILE_MODE));
    Files.writeString(tmp, platform.platformId().hexUpper() + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Creates {@code dir} 0700, or narrows an existing one to 0700: it holds private keys. */
  private static void ownerOnlyDir(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try {
        if (!Files.getPosixFilePermissions(dir).equals(DIR_MODE)) {
          Files.setPosixFilePermissions(dir, DIR_MODE);
        }
      } catch (AccessDeniedException e) {
        throw new IOException(dir + ": cannot restrict to its owner (mode 0700): permission denied");
      }
      return;
    }
    if (Files.exists(dir)) {
      throw new IOException(dir + ": exists and is not a directory");
    }
    Files.createDirectories(dir.toAbsolutePath().getParent());
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
  }

  /** Removes the old platform's files (keys included) so the new platform's save does not see another's keys. */
  private static void deletePlatformFiles(Path dir) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          Files.delete(f);
        }
      }
    } catch (NoSuchFileException e) {
      // already gone
    }
  }
}
