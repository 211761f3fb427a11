package dev.clave.bench;

import dev.clave.attestation.jca.ClaveCryptoProvider;
import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.policy.protect.KeyHash;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;

/**
 * Load generator for the CAS's enclave API: {@code CLIENTS} threads attest in a loop, each attestation a
 * fresh TLS 1.3 connection with client certificate (as a starting service makes) carrying a simulated quote
 * bound to that certificate, to a CAS running in a child JVM. Prints attestations/s, latency percentiles and
 * the CAS process's CPU time per attestation (the generator shares the machine's cores, so this is the
 * server's own cost).
 *
 * <pre>java -cp bench/target/clave-bench.jar dev.clave.bench.CasAttestationLoad [--clients 16] [--seconds 20] [--warmup 30]
 *     [--generator lean|jdk]</pre>
 *
 * Quotes and client keys are made before timing (a pool of 256 identities reused round-robin: each use is
 * still a new connection and handshake); every response is checked to be an allowed configuration. The clients'
 * TLS is {@link LeanTlsClient} ({@code lean}, the default: the same handshake for the CAS at about half the
 * generator's CPU) or the JDK's ({@code jdk}, as {@code clave run} attests).
 */
public final class CasAttestationLoad {
  private static final int POOL = 256;
  private static final javax.net.ssl.SSLParameters CLIENT_TLS = clientTls();

  /** One attestation by the pool's identity {@code i}, its answer checked; throws when it was not allowed. */
  private interface Attester {
    void attest(int i) throws java.io.IOException;
  }

  public static void main(String[] args) throws Exception {
    int clients = intArg(args, "--clients", 16);
    int seconds = intArg(args, "--seconds", 20);
    int warmup = intArg(args, "--warmup", 30);
    String generator = stringArg(args, "--generator", "lean");
    if (!generator.equals("lean") && !generator.equals("jdk")) {
      System.err.println("--generator is lean or jdk, not " + generator);
      System.exit(2);
    }
    // The generator's own handshakes share the machine with the CAS: give them the same fast crypto, as
    // `clave run` has (-Dclave.crypto.provider=jdk compares with the JDK's).
    ClaveCryptoProvider.install();
    Path work = Files.createTempDirectory("clave-cas-load");
    Path sim = work.resolve("sim");
    SimInit.run(sim, SimInit.Options.defaults());
    String platform = SimInit.quote(sim, SimInit.QuoteOptions.defaults()).platformId().hex();

    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String extra = System.getenv("BENCH_CAS_JAVA_OPTS"); // e.g. a JFR recording of the server
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.strip().split("\\s+")));
    }
    command.addAll(List.of("-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
        CasServerProcess.class.getName(), work.resolve("state").toString(), sim.toString()));
    Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String[] ready = awaitReady(server);
      int clientPort = Integer.parseInt(ready[1]);
      int enclavePort = Integer.parseInt(ready[2]);
      KeyHash casKey = KeyHash.parse(ready[3]);
      CasClient owner = CasClient.connect("127.0.0.1:" + clientPort, casKey, ClientIdentity.generate());
      String policy = BenchAttestation.policy("load", platform);
      var created = owner.post("/session", "application/yaml", policy);
      if (created.statusCode() != 201) {
        throw new IllegalStateException("cannot create the session: " + created.body());
      }

      List<ClientIdentity> ids = new ArrayList<>();
      List<byte[]> requests = new ArrayList<>();
      for (int i = 0; i < POOL; i++) {
        ClientIdentity id = ClientIdentity.generateEd25519();
        ids.add(id);
        requests.add(BenchAttestation.request(sim, id, "load/app"));
      }
      Attester attester = generator.equals("jdk")
          ? jdkClients(ids, requests, casKey, enclavePort)
          : leanClients(ids, requests, casKey, enclavePort);
      run(attester, clients, warmup, null); // warm-up, discarded
      Result r = measure(attester, clients, seconds, server);

      int n = r.count();
      ServerCpu cpu = r.server();
      System.out.printf("CAS attestation load: %d clients (%s clients), %d s (after %d s warm-up), %d CPUs%n", clients,
          generator.equals("jdk") ? "JDK TLS" : "lean TLS", seconds, warmup, Runtime.getRuntime().availableProcessors());
      System.out.printf("attestations: %d in %.1f s = %.0f/s%n", n, r.seconds(), n / r.seconds());
      System.out.printf("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", r.p50(), r.p90(), r.p99(), r.max());
      System.out.printf("CAS server CPU: %.3f ms per attestation (TLS 1.3 handshake with client certificate,"
          + " quote verification, policy decision, audit log append)%n", cpu.total() / 1e6 / n);
      System.out.printf("  of which JIT compiler threads: %.3f ms; without them: %.3f ms per attestation%n",
          cpu.jit() / 1e6 / n, (cpu.total() - cpu.jit()) / 1e6 / n);
      StringBuilder split = new StringBuilder("  by thread group (user+system ms per attestation):");
      cpu.groups().forEach((group, t) -> {
        double user = t[0] * 10.0 / n; // ticks are 10 ms
        double sys = t[1] * 10.0 / n;
        if (user + sys >= 0.0005) {
          split.append(String.format(" %s %.3f+%.3f;", group, user, sys));
        }
      });
      System.out.println(split);
      System.out.printf("generator CPU: %.3f ms per attestation (its own TLS handshakes, on the same cores)%n",
          r.generatorMillis());
    } finally {
      server.getOutputStream().close();
      server.waitFor();
      try (var walk = Files.walk(work)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** What one measured window gave: the server's CPU over it, and the generator's view. */
  private record Result(int count, double seconds, double p50, double p90, double p99, double max, double generatorMillis,
      ServerCpu server) {}

  /** The CAS process's CPU time over a window (ns), its JIT threads' share, and clock ticks by thread group. */
  private record ServerCpu(long total, long jit, java.util.Map<String, long[]> groups) {}

  /** A snapshot of the CAS process's CPU counters; {@link #since} gives the window's figures. */
  private record CpuMark(long total, long jit, java.util.Map<String, long[]> groups) {
    static CpuMark of(Process server) {
      return new CpuMark(cpuNanos(server.toHandle()), compilerNanos(server), threadTicks(server));
    }

    ServerCpu since(CpuMark before) {
      java.util.Map<String, long[]> delta = new java.util.TreeMap<>();
      groups.forEach((g, t) -> {
        long[] b = before.groups.getOrDefault(g, new long[2]);
        delta.put(g, new long[] {t[0] - b[0], t[1] - b[1]});
      });
      return new ServerCpu(total - before.total, jit - before.jit, delta);
    }
  }

  private static Result measure(Attester attester, int clients, int seconds, Process server) throws InterruptedException {
    long[] latencies = new long[4_000_000];
    AtomicLong count = new AtomicLong();
    CpuMark before = CpuMark.of(server);
    long ownBefore = cpuNanos(ProcessHandle.current());
    long t0 = System.nanoTime();
    run(attester, clients, seconds, new Recorder(latencies, count));
    double elapsed = (System.nanoTime() - t0) / 1e9;
    ServerCpu cpu = CpuMark.of(server).since(before);
    long own = cpuNanos(ProcessHandle.current()) - ownBefore;
    int n = (int) Math.min(count.get(), latencies.length);
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    return new Result(n, elapsed, pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted[n - 1] / 1e6,
        own / 1e6 / n, cpu);
  }

  /** The JDK's TLS client, with the CAS trusted by its key hash as {@code clave run} does. */
  private static Attester jdkClients(List<ClientIdentity> ids, List<byte[]> requests, KeyHash casKey, int port)
      throws Exception {
    List<javax.net.ssl.SSLSocketFactory> tls = new ArrayList<>();
    for (ClientIdentity id : ids) {
      tls.add(BenchAttestation.tls(id, List.of(casKey)).getSocketFactory());
    }
    return i -> {
      try (SSLSocket s = (SSLSocket) tls.get(i).createSocket("127.0.0.1", port)) {
        s.setSSLParameters(CLIENT_TLS);
        s.setTcpNoDelay(true); // small request: do not wait for delayed ACKs
        OutputStream out = s.getOutputStream();
        out.write(requests.get(i));
        out.flush();
        InputStream in = s.getInputStream();
        String head = HttpHead.read(in);
        int length = HttpHead.contentLength(head);
        byte[] body = in.readNBytes(length);
        s.getSession().invalidate(); // never resume: every attestation is a full handshake, as a starting enclave's is
        checkAllowed(head, body, length);
      }
    };
  }

  /** {@link LeanTlsClient}: the same handshake and request for the CAS, less of the shared CPU for the generator. */
  private static Attester leanClients(List<ClientIdentity> ids, List<byte[]> requests, KeyHash casKey, int port) {
    java.net.InetSocketAddress cas = new java.net.InetSocketAddress("127.0.0.1", port);
    LeanTlsClient.Pin pin = new LeanTlsClient.Pin(casKey.digest());
    List<LeanTlsClient.Identity> lean = new ArrayList<>();
    for (ClientIdentity id : ids) {
      byte[] seed = ((java.security.interfaces.EdECPrivateKey) id.privateKey()).getBytes().orElseThrow();
      try {
        lean.add(LeanTlsClient.identity(seed, id.certificate().getEncoded()));
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
    return i -> {
      byte[] answer = LeanTlsClient.exchange(cas, lean.get(i), pin, requests.get(i));
      String all = new String(answer, StandardCharsets.ISO_8859_1);
      int end = all.indexOf("\r\n\r\n");
      String head = all.substring(0, end + 4);
      int length = HttpHead.contentLength(head);
      checkAllowed(head, Arrays.copyOfRange(answer, end + 4, answer.length), length);
    };
  }

  private static void checkAllowed(String head, byte[] body, int length) {
    if (!head.startsWith("HTTP/1.1 200") || body.length != length) {
      throw new IllegalStateException("attestation not allowed: " + head + new String(body, StandardCharsets.UTF_8));
    }
  }

  private record Recorder(long[] latencies, AtomicLong count) {
    void record(long nanos) {
      long i = count.getAndIncrement();
      if (i < latencies.length) {
        latencies[(int) i] = nanos;
      }
    }
  }

  private static void run(Attester attester, int clients, int seconds, Recorder recorder) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong next = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failure = new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Thread t = new Thread(() -> {
        while (!stop.get()) {
          int i = (int) (next.getAndIncrement() % POOL);
          long start = System.nanoTime();
          try {
            attester.attest(i);
          } catch (java.io.IOException | RuntimeException e) {
            // One failure ends the run: a figure over fewer clients, or over refusals, would be a wrong one.
            failure.compareAndSet(null, new IllegalStateException("attestation failed: " + e.getMessage(), e));
            stop.set(true);
            return;
          }
          if (recorder != null) {
            recorder.record(System.nanoTime() - start);
          }
        }
      });
      t.start();
      threads.add(t);
    }
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!stop.get() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  /**
   * TLS 1.3 offering only what the CAS will pick: X25519, the CAS's P-256 signature and the enclave's Ed25519.
   * The JDK's client otherwise makes a second key share (P-256, with the JDK's own code) in every handshake
   * that the CAS never uses, and checks a long list of schemes: a third of the generator's CPU on cores it
   * shares with the CAS. The CAS's work is the same either way.
   */
  private static javax.net.ssl.SSLParameters clientTls() {
    javax.net.ssl.SSLParameters p = new javax.net.ssl.SSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    p.setNamedGroups(new String[] {"x25519"});
    p.setSignatureSchemes(new String[] {"ecdsa_secp256r1_sha256", "ed25519"});
    return p;
  }

  private static String[] awaitReady(Process server) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      if (line.startsWith("READY ")) {
        // Keep draining the CAS's log, or its writes would block once the pipe is full.
        Thread drain = new Thread(() -> {
          try {
            while (r.readLine() != null) {
              // discarded
            }
          } catch (java.io.IOException ignored) {
            // the process ended
          }
        });
        drain.setDaemon(true);
        drain.start();
        return line.split(" ");
      }
    }
    throw new IllegalStateException("the CAS process exited before it was ready");
  }

  /**
   * CPU time of the process's JIT compiler threads, from {@code /proc} (Linux; 0 elsewhere): on two shared
   * cores C2 is still compiling the TLS, HTTP and policy paths a minute into the run, a one-time cost that
   * the steady-state figure leaves out.
   */
  private static long compilerNanos(Process p) {
    Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
    long ticks = 0;
    try (var dirs = Files.list(tasks)) {
      for (Path t : dirs.toList()) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue; // the thread ended
        }
        int close = stat.lastIndexOf(')');
        if (!stat.substring(stat.indexOf('(') + 1, close).contains("CompilerThre")) {
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      }
    } catch (java.io.IOException e) {
      return 0;
    }
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  /**
   * User and system clock ticks of the process's threads by kind (request-handling carriers, GC, JIT, the
   * rest), from {@code /proc} (Linux; empty elsewhere). Threads that ended since the last call are lost, so
   * it is an approximation for ones that come and go.
   */
  private static java.util.Map<String, long[]> threadTicks(Process p) {
    java.util.Map<String, long[]> groups = new java.util.TreeMap<>();
    Path tasks = Path.of("/proc", Long.toString(p.pid()), "task");
    try (var dirs = Files.list(tasks)) {
      for (Path t : dirs.toList()) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue;
        }
        int close = stat.lastIndexOf(')');
        String name = stat.substring(stat.indexOf('(') + 1, close);
        String group = name.contains("CompilerThre") ? "jit"
            : name.startsWith("GC ") || name.startsWith("VM Thread") ? "gc"
            : name.startsWith("ForkJoinPool") ? "carriers"
            : name.startsWith("java") ? "main" : "other";
        String[] f = stat.substring(close + 2).split(" ");
        long[] g = groups.computeIfAbsent(group, k -> new long[2]);
        g[0] += Long.parseLong(f[11]);
        g[1] += Long.parseLong(f[12]);
      }
    } catch (java.io.IOException e) {
      return groups;
    }
    return groups;
  }

  private static long cpuNanos(ProcessHandle p) {
    return p.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no process CPU time here")).toNanos();
  }

  private static double pct(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }

  private static String stringArg(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  private static int intArg(String[] args, String name, int dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return dflt;
  }
}
