package dev.clave.bench;

import dev.clave.attestation.jca.ClaveCryptoProvider;
import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import dev.clave.policy.protect.KeyHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Failover benchmark (issue #7): N clients attest continuously (each attestation a fresh TLS 1.3 connection with
 * client certificate and a simulated quote bound to it, as in {@link CasAttestationLoad}) while a CAS is killed
 * with SIGKILL; measures how long until attestations succeed again and how many attempts failed in between.
 *
 * <ul>
 *   <li><b>A, backup CAS (SQLite)</b>: a primary CAS and a backup CAS registered by the owner
 *       ({@code POST /v1/cas/backups}, each CAS quoted by its own simulated LAS), both child JVMs. The backup is
 *       stopped after registration (its state dir keeps its key, its own empty store is removed). Clients attest
 *       at the primary; the primary is SIGKILLed; a watchdog probing the primary's client port declares it dead;
 *       the primary's database is copied into the backup's state dir ({@code --restore dead-disk}: the dead
 *       primary's {@code cas.db} and {@code cas.db-wal}; {@code --restore snapshot}: the newest snapshot's
 *       {@code cas.db} under {@code --snapshot-dir}) and the backup CAS is started. Every session created before
 *       the kill is then read back on the backup by its owner.
 *   <li><b>B, two replicas on one PostgreSQL</b>: replicas a and b (child JVMs, {@code CLAVE_CAS_STORE=postgres})
 *       on a throwaway PostgreSQL cluster; half the clients prefer a, half b; a is SIGKILLed; clients fail over to
 *       b by themselves.
 * </ul>
 *
 * <p>Clients know every CAS address up front (a fixed, ordered list: the primary then the backup, or their
 * preferred replica then the other) and pin one CAS key hash, the primary's (replica a's): the CAS identity is
 * kept in the store, so the restored backup and the second replica present that key too. A client
 * stays on an address while attestations succeed; a failed attempt moves it to the next address; after a full
 * round of failures it waits {@code --retry-ms} before the next round.
 *
 * <pre>java -cp bench/target/clave-bench.jar dev.clave.bench.CasFailoverBench [--scenario A|B|both] [--clients 8]
 *     [--sessions 12] [--warmup 20] [--restore dead-disk|snapshot] [--snapshot-dir DIR] [--snapshot-interval 10s]
 *     [--probe-ms 250]
 *     [--probe-failures 2] [--retry-ms 50]</pre>
 */
public final class CasFailoverBench {
  private static final int POOL = 64;
  private static final String HOST = "127.0.0.1";

  private static Path sim;
  private static String platform;
  private static Path work;

  public static void main(String[] args) throws Exception {
    String scenario = arg(args, "--scenario", "both");
    Options o = new Options(Integer.parseInt(arg(args, "--clients", "8")), Integer.parseInt(arg(args, "--sessions", "12")),
        Integer.parseInt(arg(args, "--warmup", "20")), arg(args, "--restore", "dead-disk"),
        arg(args, "--snapshot-dir", null), arg(args, "--snapshot-interval", "10s"), Integer.parseInt(arg(args, "--probe-ms", "250")),
        Integer.parseInt(arg(args, "--probe-failures", "2")), Integer.parseInt(arg(args, "--retry-ms", "50")));
    if (!List.of("dead-disk", "snapshot", "standby").contains(o.restore)) {
      throw new IllegalArgumentException("--restore dead-disk|snapshot|standby, not " + o.restore);
    }
    ClaveCryptoProvider.install();
    work = Files.createTempDirectory("clave-failover");
    List<String> results = new ArrayList<>();
    try {
      sim = work.resolve("sim");
      SimInit.run(sim, SimInit.Options.defaults());
      platform = SimInit.quote(sim, SimInit.QuoteOptions.defaults()).platformId().hex();
      System.out.printf("CAS failover bench: %d clients, %d sessions, %d s of load before the kill, %d CPUs%n",
          o.clients, o.sessions, o.warmup, Runtime.getRuntime().availableProcessors());
      if (scenario.equalsIgnoreCase("A") || scenario.equals("both")) {
        results.add(scenarioA(o));
      }
      if (scenario.equalsIgnoreCase("B") || scenario.equals("both")) {
        if (!dev.clave.cas.store.PostgresCluster.available()) {
          results.add("scenario B (replicas on PostgreSQL): SKIPPED, initdb/pg_ctl not found (CLAVE_PG_BIN, PATH,"
              + " /usr/lib/postgresql/N/bin; apt-get install postgresql)");
        } else {
          results.add(scenarioB(o));
        }
      }
      System.out.println();
      System.out.println("== results ==");
      results.forEach(System.out::println);
    } finally {
      deleteTree(work);
    }
    System.exit(0); // the PostgreSQL cluster is stopped by its shutdown hook
  }

  private record Options(int clients, int sessions, int warmup, String restore, String snapshotDir,
      String snapshotInterval, int probeMs, int probeFailures, int retryMs) {}

  // ---------------------------------------------------------------------------------------------- scenario A

  private static String scenarioA(Options o) throws Exception {
    System.out.println();
    System.out.println("== scenario A: primary CAS + registered backup CAS (SQLite), restore " + o.restore + " ==");
    LasConfig las = LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(sim).withHost(HOST).withPort(0);
    try (LasServer lasPrimary = LasServer.start(las.withStateDir(work.resolve("las-primary")));
        LasServer lasBackup = LasServer.start(las.withStateDir(work.resolve("las-backup")))) {
      Path primaryState = work.resolve("primary");
      Path backupState = work.resolve("backup");
      Path snapshots = o.snapshotDir != null ? Path.of(o.snapshotDir) : work.resolve("snapshots");
      Map<String, String> primaryEnv = new HashMap<>();
      Map<String, String> backupEnv = new HashMap<>();
      boolean standby = o.restore.equals("standby");
      if (!o.restore.equals("dead-disk")) {
        // The primary snapshots its store (cas serve --snapshot-dir/--snapshot-interval); the backup restores the
        // newest valid one itself at start (cas serve --restore-from).
        primaryEnv.put("CLAVE_CAS_SNAPSHOT_DIR", snapshots.toString());
        primaryEnv.put("CLAVE_CAS_SNAPSHOT_INTERVAL", o.snapshotInterval);
        backupEnv.put("CLAVE_CAS_RESTORE_FROM", snapshots.toString());
        if (standby) {
          // A warm standby (cas serve --standby): running and registered, it takes over on a signal.
          backupEnv.put("BENCH_STANDBY", "1");
        }
      }
      int[] bp = {freePort(), freePort()};
      Node primary = Node.start("primary", primaryState, 0, 0, HOST + ":" + lasPrimary.port(), primaryEnv);
      Node backup = null;
      Clients clients = null;
      try {
        ClientIdentity owner = ClientIdentity.generate();
        CasClient viaPrimary = CasClient.connect(HOST + ":" + primary.clientPort, primary.keyHash, owner);
        check(viaPrimary.post("/v1/provision", "application/json",
            "{\"token\":\"" + primary.token + "\",\"ownerConfig\":\"\"}"), 201, "provisioning the primary");
        Node registering = Node.start("backup", backupState, bp[0], bp[1], HOST + ":" + lasBackup.port(),
            standby ? backupEnv : Map.of());
        KeyHash backupKey = registering.keyHash;
        check(viaPrimary.post("/v1/cas/backups", "application/json",
            "{\"address\":\"" + HOST + ":" + bp[0] + "\",\"tolerate\":[\"C\",\"G\",\"S\"]}"), 200, "registering the backup");
        if (!standby) {
          registering.stop();
          // The backup waits stopped, with its key and no store of its own: the restore brings the primary's.
          Files.deleteIfExists(backupState.resolve("cas.key-store"));
          for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(backupState.resolve("cas.db" + suffix));
          }
        }
        List<String> names = createSessions(viaPrimary, o.sessions);
        System.out.printf("primary %s (ports %d/%d), backup %s registered (ports %d/%d); %d sessions%n", primary.keyHash,
            primary.clientPort, primary.enclavePort, backupKey, bp[0], bp[1], names.size());

        List<Enclave> pool = enclaves(names);
        // Only the primary's key: the backup takes it over with the store it restores.
        Set<KeyHash> pins = Set.of(primary.keyHash);
        clients = new Clients(pool, o.clients, o.retryMs, c -> List.of(primary.enclavePort, bp[1]), pins);
        clients.start();
        Thread.sleep(o.warmup * 1000L);
        long before = clients.successes.get();
        double rate = clients.rateOverLast(5);
        double p50 = clients.p50OverLast(5);
        String load = loadAverage();
        Path snapshot = null;
        if (!o.restore.equals("dead-disk")) {
          snapshot = awaitSnapshot(snapshots, backupKey, 60);
          System.out.println("newest snapshot before the kill: " + snapshot);
        }
        // Sessions acknowledged just before the kill: what a restore from an older copy loses.
        List<String> late = createSessions(viaPrimary, 3, "late-");

        long t0 = System.nanoTime();
        clients.killedAt = t0;
        primary.kill();
        // The watchdog: TCP probes of the primary's client port; dead after probeFailures failures in a row.
        int failures = 0;
        while (failures < o.probeFailures) {
          Thread.sleep(o.probeMs);
          failures = reachable(primary.clientPort) ? 0 : failures + 1;
        }
        long tDetect = System.nanoTime();
        String restored;
        if (o.restore.equals("dead-disk")) {
          // A SIGKILLed SQLite database in WAL mode is consistent: cas.db and its WAL, opened together.
          Files.copy(primaryState.resolve("cas.db"), backupState.resolve("cas.db"), StandardCopyOption.REPLACE_EXISTING);
          restored = "cas.db " + Files.size(backupState.resolve("cas.db")) / 1024 + " KiB";
          if (Files.exists(primaryState.resolve("cas.db-wal"))) {
            Files.copy(primaryState.resolve("cas.db-wal"), backupState.resolve("cas.db-wal"),
                StandardCopyOption.REPLACE_EXISTING);
            restored += " + cas.db-wal " + Files.size(backupState.resolve("cas.db-wal")) / 1024 + " KiB";
          }
        } else {
          restored = (standby ? "by the warm standby on its signal" : "by the backup CAS at start")
              + " from snapshot " + snapshot.getFileName();
        }
        long tRestored = System.nanoTime();
        backup = standby ? registering.takeOver()
            : Node.start("backup", backupState, bp[0], bp[1], HOST + ":" + lasBackup.port(), backupEnv);
        long tStarted = System.nanoTime();
        clients.awaitAllRecovered(60);
        long tFirst = clients.firstRecovery();
        long tAll = clients.lastRecovery();
        long failed = clients.failures.get();
        long attemptsInGap = clients.attemptsBetween(t0, tAll);
        Thread.sleep(2000);
        clients.stop();

        if (!backup.keyHash.equals(primary.keyHash)) {
          throw new IllegalStateException("the restored backup presents key hash " + backup.keyHash + ", not the"
              + " primary's " + primary.keyHash);
        }
        CasClient viaBackup = CasClient.connect(HOST + ":" + bp[0], primary.keyHash, owner);
        int readBack = 0;
        for (String n : names) {
          if (viaBackup.get("/v1/sessions/" + n).statusCode() == 200) {
            readBack++;
          }
        }
        int lateBack = 0;
        for (String n : late) {
          if (viaBackup.get("/v1/sessions/" + n).statusCode() == 200) {
            lateBack++;
          }
        }
        System.out.printf("before the kill: %d attestations, %.0f/s and p50 %.0f ms over the last 5 s; load average %s%n",
            before, rate, p50, load);
        System.out.println("the backup CAS's start (its log, from the JVM's launch):");
        backup.printStartup();
        System.out.println("| step | from kill | duration |");
        System.out.println("|---|---:|---:|");
        row("primary killed (SIGKILL)", t0, t0, t0);
        row("detected dead (" + o.probeFailures + " failed probes, every " + o.probeMs + " ms)", t0, t0, tDetect);
        row("database restored (" + o.restore + ": " + restored + ")", t0, tDetect, tRestored);
        row("backup CAS started (JVM + CAS, READY)", t0, tRestored, tStarted);
        row("first attestation at the backup", t0, tStarted, tFirst);
        row("every client attested at the backup", t0, tStarted, tAll);
        System.out.printf("failed attempts: %d (attempts made between the kill and the last client's recovery: %d; each"
            + " client retries every %d ms); attestations not served in the gap at the pre-kill rate: ~%.0f;"
            + " sessions read back on the backup: %d/%d, and %d/%d of those created just before the kill%n", failed,
            attemptsInGap, o.retryMs, rate * s(t0, tFirst), readBack, names.size(), lateBack, late.size());
        double restoreInStart = backup.between("restoring snapshot", "restored snapshot");
        if (!Double.isNaN(restoreInStart)) {
          System.out.printf("of the start, the snapshot restore (from the backup's log): %.3f s%n", restoreInStart);
        }
        String restoreFigure = Double.isNaN(restoreInStart) ? String.format("restore %.2f s", s(tDetect, tRestored))
            : String.format("restore %.2f s within the start", restoreInStart);
        return String.format("scenario A (backup, %s restore): primary killed at t0; backup serving after %.2f s"
            + " (detect %.2f s, %s, start %.2f s, first attestation %.2f s; all %d clients after %.2f s);"
            + " %d attestation attempts failed during the gap; %d/%d sessions read back (+ %d/%d created just before"
            + " the kill)", o.restore, s(t0, tFirst), s(t0, tDetect), restoreFigure, s(tRestored, tStarted),
            s(tStarted, tFirst), o.clients, s(t0, tAll), failed, readBack, names.size(), lateBack, late.size());
      } finally {
        if (clients != null) {
          clients.stop();
        }
        primary.kill();
        if (backup != null) {
          backup.stop();
        }
      }
    }
  }

  /** The newest snapshot in {@code dir}, waiting up to {@code seconds} for a first one. */
  /** The newest intact snapshot in {@code dir} that the backup {@code backup} can restore (it lists its registration). */
  private static Path awaitSnapshot(Path dir, KeyHash backup, int seconds) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (true) {
      if (Files.isDirectory(dir)) {
        java.util.Optional<dev.clave.cas.store.Snapshot> s = dev.clave.cas.store.Snapshot.newestIntact(dir, damaged -> {});
        if (s.isPresent() && s.get().registrations().stream().anyMatch(r -> r.keyHash().equals(backup.toString()))) {
          return s.get().dir();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no snapshot in " + dir + " taken after the backup's registration within "
            + seconds + " s: does this CAS build take snapshots (CLAVE_CAS_SNAPSHOT_DIR)?");
      }
      Thread.sleep(200);
    }
  }

  // ---------------------------------------------------------------------------------------------- scenario B

  private static String scenarioB(Options o) throws Exception {
    System.out.println();
    System.out.println("== scenario B: two CAS replicas on one PostgreSQL ==");
    dev.clave.cas.store.PostgresDatabase db = dev.clave.cas.store.PostgresCluster.shared().newDatabase();
    Map<String, String> env = Map.of("CLAVE_CAS_STORE", "postgres", "CLAVE_CAS_DB_URL", db.url(), "CLAVE_CAS_DB_USER",
        db.user(), "CLAVE_CAS_DB_PASSWORD", db.password(), "CLAVE_CAS_STORE_KEY_DIR", work.resolve("shared-key").toString());
    Node a = Node.start("replica-a", work.resolve("replica-a"), 0, 0, "-", env);
    Node b = null;
    Clients clients = null;
    try {
      b = Node.start("replica-b", work.resolve("replica-b"), 0, 0, "-", env);
      ClientIdentity owner = ClientIdentity.generate();
      List<String> names = createSessions(CasClient.connect(HOST + ":" + a.clientPort, a.keyHash, owner), o.sessions);
      System.out.printf("replica a %s, replica b %s; %d sessions%n", a.keyHash, b.keyHash, names.size());
      List<Enclave> pool = enclaves(names);
      int pa = a.enclavePort;
      int pb = b.enclavePort;
      if (!b.keyHash.equals(a.keyHash)) {
        throw new IllegalStateException("replica b presents key hash " + b.keyHash + ", not the store's " + a.keyHash);
      }
      clients = new Clients(pool, o.clients, o.retryMs, c -> c % 2 == 0 ? List.of(pa, pb) : List.of(pb, pa),
          Set.of(a.keyHash));
      clients.start();
      Thread.sleep(o.warmup * 1000L);
      long before = clients.successes.get();
      double rate = clients.rateOverLast(5);
      double p50 = clients.p50OverLast(5);
      String load = loadAverage();
      long t0 = System.nanoTime();
      clients.killedAt = t0;
      a.kill();
      clients.awaitAllRecovered(60);
      long tAll = clients.lastRecovery();
      long tSlowestOfA = clients.lastRecovery();
      long failed = clients.failures.get();
      Thread.sleep(3000);
      double after = clients.rateOverLast(3);
      clients.stop();
      CasClient viaB = CasClient.connect(HOST + ":" + b.clientPort, b.keyHash, owner);
      int readBack = 0;
      for (String n : names) {
        if (viaB.get("/v1/sessions/" + n).statusCode() == 200) {
          readBack++;
        }
      }
      System.out.printf("before the kill: %d attestations, %.0f/s and p50 %.0f ms over the last 5 s (both replicas);"
          + " load average %s; after: %.0f/s (replica b alone)%n", before, rate, p50, load, after);
      System.out.printf("every client attested again %.3f s after the kill; failed attempts %d; sessions read back on b:"
          + " %d/%d%n", s(t0, tAll), failed, readBack, names.size());
      return String.format("scenario B (2 replicas, PostgreSQL): replica a killed at t0; every client attesting again"
          + " after %.3f s (%d of %d clients had to switch to b); %d attestation attempts failed (each retried on b);"
          + " %d/%d sessions read back on b; %.0f/s before, %.0f/s after", s(t0, tSlowestOfA), (o.clients + 1) / 2,
          o.clients, failed, readBack, names.size(), rate, after);
    } finally {
      if (clients != null) {
        clients.stop();
      }
      a.kill();
      if (b != null) {
        b.stop();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------- shared pieces

  private static void row(String step, long t0, long from, long to) {
    System.out.printf("| %s | %.3f s | %.3f s |%n", step, s(t0, to), s(from, to));
  }

  private static double s(long from, long to) {
    return (to - from) / 1e9;
  }

  private static List<String> createSessions(CasClient cas, int n) throws Exception {
    return createSessions(cas, n, "fo-");
  }

  private static List<String> createSessions(CasClient cas, int n, String prefix) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = prefix + i;
      String policy = BenchAttestation.policy(name, platform);
      check(cas.post("/session", "application/yaml", policy), 201, "creating session " + name);
      names.add(name);
    }
    return names;
  }

  private static void check(HttpResponse<String> r, int expected, String what) {
    if (r.statusCode() != expected && !(expected == 200 && r.statusCode() == 201)) {
      throw new IllegalStateException(what + ": " + r.statusCode() + " " + r.body());
    }
  }

  private record Enclave(ClientIdentity id, byte[] request) {}

  /** Enclave identities with quotes binding them, attesting round-robin to the sessions' app services. */
  private static List<Enclave> enclaves(List<String> sessions) throws Exception {
    List<Enclave> pool = new ArrayList<>();
    for (int i = 0; i < POOL; i++) {
      ClientIdentity id = ClientIdentity.generateEd25519();
      pool.add(new Enclave(id, BenchAttestation.request(sim, id, sessions.get(i % sessions.size()) + "/app")));
    }
    return pool;
  }

  /**
   * The attesting clients. Each has an ordered address list and stays on an address while it works; a failed
   * attempt (connection refused or reset, handshake failure, any status but 200) counts as failed and moves the
   * client to the next address; a whole round of failures waits {@code retryMs}.
   */
  private static final class Clients {
    private final List<Enclave> pool;
    private final int n;
    private final int retryMs;
    private final java.util.function.IntFunction<List<Integer>> addresses;
    private final List<SSLContext> tls = new ArrayList<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong next = new AtomicLong();
    final AtomicLong successes = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    volatile long killedAt;
    private final long[] recovered;
    private final List<Thread> threads = new ArrayList<>();
    /** Start times of attempts (nanoTime), appended by every client; for the gap's attempt count. */
    private final java.util.concurrent.ConcurrentLinkedQueue<long[]> log = new java.util.concurrent.ConcurrentLinkedQueue<>();

    Clients(List<Enclave> pool, int n, int retryMs, java.util.function.IntFunction<List<Integer>> addresses,
        Set<KeyHash> pins) throws Exception {
      this.pool = pool;
      this.n = n;
      this.retryMs = retryMs;
      this.addresses = addresses;
      this.recovered = new long[n];
      for (Enclave e : pool) {
        tls.add(BenchAttestation.tls(e.id, pins));
      }
    }

    void start() {
      for (int c = 0; c < n; c++) {
        int client = c;
        Thread t = new Thread(() -> loop(client), "client-" + c);
        t.start();
        threads.add(t);
      }
    }

    private void loop(int client) {
      List<Integer> ports = addresses.apply(client);
      int current = 0;
      int failedInRound = 0;
      while (!stop.get()) {
        int i = (int) (next.getAndIncrement() % pool.size());
        long start = System.nanoTime();
        boolean ok = attestOnce(tls.get(i), pool.get(i).request, ports.get(current));
        long end = System.nanoTime();
        log.add(new long[] {start, end, ok ? 1 : 0});
        if (ok) {
          successes.incrementAndGet();
          failedInRound = 0;
          long k = killedAt;
          if (k != 0 && start >= k) {
            synchronized (recovered) {
              if (recovered[client] == 0) {
                recovered[client] = end;
              }
            }
          }
        } else {
          if (killedAt != 0) {
            failures.incrementAndGet();
          }
          current = (current + 1) % ports.size();
          if (++failedInRound >= ports.size()) {
            failedInRound = 0;
            try {
              Thread.sleep(retryMs);
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      }
    }

    /** Median latency of the successful attestations that ended in the last {@code seconds}, in ms. */
    double p50OverLast(int seconds) {
      long since = System.nanoTime() - seconds * 1_000_000_000L;
      long[] l = log.stream().filter(e -> e[2] == 1 && e[1] >= since).mapToLong(e -> e[1] - e[0]).sorted().toArray();
      return l.length == 0 ? Double.NaN : l[l.length / 2] / 1e6;
    }

    double rateOverLast(int seconds) {
      long since = System.nanoTime() - seconds * 1_000_000_000L;
      long count = log.stream().filter(e -> e[2] == 1 && e[1] >= since).count();
      return count / (double) seconds;
    }

    long attemptsBetween(long from, long to) {
      return log.stream().filter(e -> e[0] >= from && e[0] <= to).count();
    }

    void awaitAllRecovered(int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        synchronized (recovered) {
          boolean all = true;
          for (long r : recovered) {
            all &= r != 0;
          }
          if (all) {
            return;
          }
        }
        Thread.sleep(10);
      }
      throw new IllegalStateException("not every client attested again within " + seconds + " s of the kill");
    }

    long firstRecovery() {
      synchronized (recovered) {
        return java.util.Arrays.stream(recovered).min().orElseThrow();
      }
    }

    long lastRecovery() {
      synchronized (recovered) {
        return java.util.Arrays.stream(recovered).max().orElseThrow();
      }
    }

    void stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  private static boolean attestOnce(SSLContext tls, byte[] request, int port) {
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(HOST, port), 1000);
      raw.setSoTimeout(10_000);
      raw.setTcpNoDelay(true);
      try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, HOST, port, true)) {
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        InputStream in = s.getInputStream();
        String head = HttpHead.read(in);
        int length = HttpHead.contentLength(head);
        byte[] body = in.readNBytes(length);
        s.getSession().invalidate(); // never resume: every attestation is a full handshake
        return head.startsWith("HTTP/1.1 200") && body.length == length;
      }
    } catch (IOException | RuntimeException e) {
      try {
        raw.close();
      } catch (IOException ignored) {
        // closing a failed socket
      }
      return false;
    }
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static boolean reachable(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A CAS in a child JVM ({@link CasNodeProcess}); its log goes to {@code <state>.log}. */
  private static final class Node {
    final Process process;
    final int clientPort;
    final int enclavePort;
    final KeyHash keyHash;
    final String token;
    private long launchedMillis;
    private List<String> startup = List.of();
    /** The next READY line after the first (a standby that took over). */
    private final java.util.concurrent.CompletableFuture<String[]> nextReady = new java.util.concurrent.CompletableFuture<>();

    /** Tells a warm standby to take over; the node it becomes once it is READY again. */
    Node takeOver() throws Exception {
      process.getOutputStream().write("TAKEOVER\n".getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
      Node n = new Node(process, nextReady.get(60, java.util.concurrent.TimeUnit.SECONDS));
      n.launchedMillis = launchedMillis;
      return n;
    }

    /** Seconds between the first startup log lines containing {@code from} and {@code to}; NaN without them. */
    double between(String from, String to) {
      Long a = null;
      Long b = null;
      for (String line : startup) {
        try {
          long t = java.time.Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
          if (a == null && line.contains(from)) {
            a = t;
          } else if (b == null && line.contains(to)) {
            b = t;
          }
        } catch (RuntimeException notTimed) {
          // a line without a timestamp
        }
      }
      return a == null || b == null ? Double.NaN : (b - a) / 1e3;
    }

    /** The CAS's log up to READY, each line with its time since the JVM was launched. */
    void printStartup() {
      for (String line : startup) {
        String at = "";
        try {
          at = String.format("+%6.3f s  ", (java.time.Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli()
              - launchedMillis) / 1e3);
        } catch (RuntimeException notTimed) {
          // a line without a timestamp
        }
        System.out.println("  " + at + (line.length() > 160 ? line.substring(0, 160) + "…" : line));
      }
    }

    private Node(Process process, String[] ready) {
      this.process = process;
      this.clientPort = Integer.parseInt(ready[1]);
      this.enclavePort = Integer.parseInt(ready[2]);
      this.keyHash = KeyHash.parse(ready[3]);
      this.token = ready[4];
    }

    static Node start(String name, Path state, int clientPort, int enclavePort, String las, Map<String, String> env)
        throws Exception {
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      String extra = System.getenv("BENCH_CAS_JAVA_OPTS");
      if (extra != null && !extra.isBlank()) {
        command.addAll(List.of(extra.strip().split("\\s+")));
      }
      command.addAll(List.of("-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
          CasNodeProcess.class.getName(), state.toString(), sim.toString(), Integer.toString(clientPort),
          Integer.toString(enclavePort), las));
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".err").toFile()));
      pb.environment().putAll(env);
      long launched = System.currentTimeMillis();
      Process p = pb.start();
      BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      List<String> tail = new ArrayList<>();
      List<String> all = new ArrayList<>();
      Node[] nodeRef = new Node[1];
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        all.add(line);
        if (line.startsWith("READY ")) {
          Thread drain = new Thread(() -> {
            try {
              for (String more = r.readLine(); more != null; more = r.readLine()) {
                // discarded (keeps the pipe from filling up), but for a standby's READY after its takeover
                if (more.startsWith("READY ")) {
                  nodeRef[0].nextReady.complete(more.split(" "));
                }
              }
            } catch (IOException ignored) {
              // the process ended
            }
          });
          drain.setDaemon(true);
          Node node = new Node(p, line.split(" "));
          nodeRef[0] = node;
          drain.start();
          node.launchedMillis = launched;
          node.startup = new ArrayList<>(all);
          node.startup.add(java.time.Instant.ofEpochMilli(System.currentTimeMillis()) + " READY (read by the bench)");
          return node;
        }
        tail.add(line);
        if (tail.size() > 20) {
          tail.remove(0);
        }
      }
      p.waitFor();
      String err = Files.exists(work.resolve(name + ".err")) ? Files.readString(work.resolve(name + ".err")) : "";
      throw new IllegalStateException("CAS " + name + " exited before it was ready (exit " + p.exitValue() + "):\n"
          + String.join("\n", tail) + "\n" + err.substring(Math.max(0, err.length() - 3000)));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor();
    }

    void stop() throws Exception {
      process.getOutputStream().close();
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static String arg(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
