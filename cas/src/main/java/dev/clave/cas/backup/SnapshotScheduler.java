package dev.clave.cas.backup;

import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.SqliteCasStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes {@link Snapshot}s of the embedded store every interval (issue #7): skipped when neither the state version
 * nor the backup registrations changed since the last one, forced by {@link #requestNow} ({@code SIGUSR1}); keeps
 * the newest {@code keep}. A failing snapshot is loud: an ERROR line each time, {@code
 * clave_cas_snapshots_total{outcome="failed"}}, {@code clave_cas_snapshot_failing 1}, status {@code Failed} in
 * {@code GET /v1/cas} and {@code /health/snapshots} answering 503 — while the CAS keeps serving (the original
 * stopped the CAS; losing the service because a backup disk is full is the worse outcome).
 */
public final class SnapshotScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);

  /** The original's status values (CAS custom resource {@code snapshotStatus}). */
  public enum Status {
    DISABLED("Disabled"), INITIALIZING("Initializing"), PERSISTED("Persisted"), FAILED("Failed");

    private final String text;

    Status(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  /** What {@code GET /v1/cas} and the health endpoint report. */
  public record State(Status status, Instant lastSnapshot, Long lastVersion, Duration interval, String error,
      Instant lastCheck) {}

  private final SqliteCasStore store;
  private final Path directory;
  private final Duration interval;
  private final int keep;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final Counter written;
  private final Counter skipped;
  private final Counter failed;

  private volatile State state;
  // the last snapshot's content, to skip unchanged state; touched on the executor thread only
  private long lastVersion = -1;
  private List<Snapshot.Registration> lastRegistrations;

  public SnapshotScheduler(SqliteCasStore store, Path directory, Duration interval, int keep, Clock clock,
      MeterRegistry metrics) {
    this.store = store;
    this.directory = directory;
    this.interval = interval;
    this.keep = keep;
    this.clock = clock;
    this.state = new State(Status.INITIALIZING, null, null, interval, null, null);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cas-snapshots");
      t.setDaemon(true);
      return t;
    });
    String name = "clave_cas_snapshots";
    this.written = Counter.builder(name).tag("outcome", "written").description("snapshots of the store")
        .register(metrics);
    this.skipped = Counter.builder(name).tag("outcome", "skipped").description("snapshots of the store")
        .register(metrics);
    this.failed = Counter.builder(name).tag("outcome", "failed").description("snapshots of the store")
        .register(metrics);
    Gauge.builder("clave_cas_snapshot_failing", this, s -> s.state.status() == Status.FAILED ? 1 : 0)
        .description("1 while the last snapshot attempt failed").register(metrics);
    Gauge.builder("clave_cas_snapshot_last_success_seconds", this,
            s -> s.state.lastSnapshot() == null ? 0 : s.state.lastSnapshot().getEpochSecond())
        .description("when the newest snapshot was taken (Unix time)").register(metrics);
  }

  /** Starts: the newest snapshot already in the directory counts as the last one; the first check runs now. */
  public void start() {
    executor.execute(this::recover);
    executor.scheduleWithFixedDelay(() -> take(false), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("CAS snapshots: every {} into {}, the newest {} kept; SIGUSR1 takes one now", text(interval),
        directory.toAbsolutePath(), keep);
  }

  /** Takes a snapshot as soon as possible, even if nothing changed ({@code SIGUSR1}). */
  public void requestNow() {
    executor.execute(() -> take(true));
  }

  /** Takes a snapshot now on the caller's thread (tests, shutdown); empty if skipped. */
  public java.util.Optional<Snapshot> takeNow(boolean force) throws InterruptedException {
    try {
      return executor.submit(() -> take(force)).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  public State state() {
    return state;
  }

  public Path directory() {
    return directory;
  }

  private void recover() {
    try {
      if (Files.isDirectory(directory)) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, ".partial-*")) {
          for (Path p : ds) {
            SqliteCasStore.deleteTree(p); // left by a crash while writing
          }
        }
        Snapshot.newestIntact(directory, reason -> LOG.warn("ignoring a damaged snapshot: {}", reason))
            .filter(s -> s.storeId().equals(store.storeIdHex()))
            .ifPresent(s -> {
              lastVersion = s.stateVersion();
              lastRegistrations = s.registrations();
              state = new State(Status.PERSISTED, s.created(), s.stateVersion(), interval, null, clock.instant());
            });
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not read the snapshots in {}: {}", directory, e.getMessage());
    }
  }

  private java.util.Optional<Snapshot> take(boolean force) {
    Instant now = clock.instant();
    try {
      long version = store.stateVersion();
      List<Snapshot.Registration> regs = store.backupRegistrations();
      if (!force && version == lastVersion && regs.equals(lastRegistrations)) {
        skipped.increment();
        State s = state;
        state = new State(s.status(), s.lastSnapshot(), s.lastVersion(), interval, s.error(), now);
        return java.util.Optional.empty();
      }
      Snapshot snap = store.snapshot(directory, now);
      lastVersion = snap.stateVersion();
      lastRegistrations = snap.registrations();
      boolean recovered = state.status() == Status.FAILED;
      state = new State(Status.PERSISTED, snap.created(), snap.stateVersion(), interval, null, now);
      written.increment();
      if (recovered) {
        LOG.info("CAS snapshots work again");
      }
      LOG.info("CAS snapshot {} taken (state version {}, {} bytes, {} backup registrations)",
          snap.dir().getFileName(), snap.stateVersion(), snap.databaseSize(), snap.registrations().size());
      prune();
      return java.util.Optional.of(snap);
    } catch (IOException | RuntimeException e) {
      failed.increment();
      State s = state;
      state = new State(Status.FAILED, s.lastSnapshot(), s.lastVersion(), interval, e.getMessage(), now);
      LOG.error("CAS snapshot into {} failed: {}; the newest snapshot is {}", directory, e.getMessage(),
          s.lastSnapshot() == null ? "none" : s.lastSnapshot() + " (state version " + s.lastVersion() + ")");
      return java.util.Optional.empty();
    }
  }

  private void prune() throws IOException {
    List<Path> all = Snapshot.list(directory);
    for (int i = keep; i < all.size(); i++) {
      SqliteCasStore.deleteTree(all.get(i));
    }
  }

  private static String text(Duration d) {
    return d.toSeconds() % 3600 == 0 ? d.toHours() + "h" : d.toSeconds() % 60 == 0 ? d.toMinutes() + "m"
        : d.toSeconds() + "s";
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
