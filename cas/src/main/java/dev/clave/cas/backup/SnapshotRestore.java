package dev.clave.cas.backup;

import dev.clave.cas.store.ProvisioningState;
import dev.clave.cas.store.Sealer;
import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.SqliteCasStore;
import dev.clave.cas.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cas serve --restore-from DIR} (issue #7): before the store opens, puts the newest intact snapshot's
 * database into the state directory, where the store opens it if this CAS is a registered backup of it. Done only
 * when the state directory holds no store, or an unprovisioned one without sessions (a backup CAS that ran
 * before, waiting to take over), which is moved aside, never deleted. A CAS with state of its own ignores the
 * option, so a restarting pod that keeps the option restores once.
 */
public final class SnapshotRestore {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotRestore.class);
  private static final List<String> STORE_FILES = List.of(SqliteCasStore.DATABASE_FILE,
      SqliteCasStore.DATABASE_FILE + "-wal", SqliteCasStore.DATABASE_FILE + "-shm", SqliteCasStore.KEY_STORE_FILE);

  private SnapshotRestore() {}

  /**
   * Prepares the restore; the snapshot whose database was copied in, or empty if nothing was restored. The
   * snapshot is the newest intact one whose manifest lists a registration for {@code keyHash} (this CAS's): a
   * newer one taken before this CAS was registered cannot open here, and choosing it would leave an unusable copy
   * behind. (The registration itself is checked when the copy opens.)
   *
   * @throws StoreException if {@code from} holds no intact snapshot registered for this CAS, or the copy fails
   */
  public static Optional<Snapshot> prepare(Path stateDir, Path from, Sealer sealer, String keyHash, Clock clock) {
    try {
      boolean hasStore = Files.exists(stateDir.resolve(SqliteCasStore.KEY_STORE_FILE))
          || Files.exists(stateDir.resolve(SqliteCasStore.DATABASE_FILE));
      if (hasStore) {
        if (!unprovisionedAndEmpty(stateDir, sealer)) {
          LOG.info("the state directory {} holds a CAS store with state of its own: nothing restored from {}",
              stateDir, from);
          return Optional.empty();
        }
      }
      if (!Files.isDirectory(from)) {
        throw new StoreException("cannot restore: " + from + " is not a directory");
      }
      Snapshot s = newestFor(from, keyHash).orElseThrow(() -> new StoreException("cannot restore: " + from
          + " holds no intact snapshot taken after this CAS (key hash " + keyHash + ") was registered as a backup"));
      if (hasStore) {
        Path aside = stateDir.resolve("replaced-by-restore-" + clock.instant().getEpochSecond());
        Files.createDirectories(aside);
        for (String f : STORE_FILES) {
          Path p = stateDir.resolve(f);
          if (Files.exists(p)) {
            Files.move(p, aside.resolve(f), StandardCopyOption.ATOMIC_MOVE);
          }
        }
        LOG.warn("moved this backup CAS's own (unprovisioned, empty) store to {} to restore a snapshot", aside);
      }
      s.copyDatabaseInto(stateDir);
      LOG.warn("restoring snapshot {} (state version {}, taken {}, {} old): this CAS takes over the store it holds",
          s.dir(), s.stateVersion(), s.created(), age(Duration.between(s.created(), clock.instant())));
      return Optional.of(s);
    } catch (IOException e) {
      throw new StoreException("cannot restore from " + from + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Snapshot> newestFor(Path from, String keyHash) throws IOException {
    for (Path p : Snapshot.list(from)) {
      Snapshot s;
      try {
        s = Snapshot.read(p);
      } catch (dev.clave.cas.store.StoreIntegrityException e) {
        LOG.error("cannot restore from a damaged snapshot: {}", e.getMessage());
        continue;
      }
      if (s.registrations().stream().anyMatch(r -> r.keyHash().equals(keyHash))) {
        return Optional.of(s);
      }
      LOG.warn("snapshot {} was taken before this CAS (key hash {}) was registered: it cannot open here",
          p.getFileName(), keyHash);
    }
    return Optional.empty();
  }

  /**
   * Removes a restored store that failed its checks (database and the key store the backup made for it), so the
   * next start does not open it as this CAS's own state. The backup's own store, if it had one, stays where {@link
   * #prepare} moved it.
   */
  public static void discard(Path stateDir) {
    for (String f : STORE_FILES) {
      try {
        Files.deleteIfExists(stateDir.resolve(f));
      } catch (IOException e) {
        LOG.error("could not remove {} of a refused restore: {}; remove it before the next start", f, e.getMessage());
      }
    }
    LOG.error("the restored store in {} was refused and removed", stateDir);
  }

  private static boolean unprovisionedAndEmpty(Path stateDir, Sealer sealer) {
    try (SqliteCasStore own = SqliteCasStore.open(stateDir, sealer)) {
      Optional<ProvisioningState> p = own.provisioningState();
      boolean unprovisioned = p.isEmpty() || p.get() instanceof ProvisioningState.Unprovisioned;
      return unprovisioned && own.listSessions("").isEmpty();
    }
  }

  /** {@code 3m12s}, {@code 2h5m}, {@code 41s}. */
  public static String age(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 3600) {
      return s / 3600 + "h" + (s % 3600) / 60 + "m";
    }
    return s >= 60 ? s / 60 + "m" + s % 60 + "s" : s + "s";
  }
}
