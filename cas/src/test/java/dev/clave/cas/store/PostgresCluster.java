package dev.clave.cas.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb} into a temporary directory, {@code pg_ctl start} on a
 * free loopback port (unix sockets in that directory too), one new database per {@link #newDatabase} call, and
 * stopped and deleted when the test JVM exits. Started once per JVM ({@link #shared}).
 *
 * <p>PostgreSQL refuses to run as root: as root the cluster runs as the unprivileged user {@value #OS_USER},
 * created if missing. The server binaries come from {@code CLAVE_PG_BIN}, the {@code PATH} or Debian's
 * {@code /usr/lib/postgresql/N/bin}; without them the tests fail and say how to install them ({@code .ci/run}
 * installs Debian's {@code postgresql} package).
 */
public final class PostgresCluster {
  static final String OS_USER = "clavepg";
  private static final String SUPERUSER = "clave";
  private static final String DATABASE = "clave_test";
  private static PostgresCluster shared;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final String password;
  private final boolean asRoot;
  private final AtomicInteger databases = new AtomicInteger();

  private PostgresCluster(Path bin, Path dir, int port, String password, boolean asRoot) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.password = password;
    this.asRoot = asRoot;
  }

  /** The cluster of this JVM, started on first use. */
  /** True when initdb and pg_ctl are found (CLAVE_PG_BIN, the PATH, /usr/lib/postgresql/N/bin). */
  public static boolean available() {
    try {
      findBinaries();
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  public static synchronized PostgresCluster shared() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start a PostgreSQL cluster for the tests: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting PostgreSQL", e);
      }
      PostgresCluster c = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "postgres-cluster-stop"));
    }
    return shared;
  }

  private static PostgresCluster start() throws IOException, InterruptedException {
    Path bin = findBinaries();
    boolean asRoot = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("clave-pg-");
    if (asRoot) {
      ensureOsUser();
      UserPrincipal owner = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER);
      Files.setOwner(dir, owner);
    }
    String password = HexFormat.of().formatHex(Crypto.random(16));
    Path pwfile = dir.resolve("pw");
    Files.writeString(pwfile, password + "\n");
    if (asRoot) {
      Files.setOwner(pwfile, FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(OS_USER));
    }
    PostgresCluster cluster = null;
    try {
      run(asRoot, 60, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
          "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C",
          "--no-sync");
      Files.delete(pwfile);
      IOException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        int port = freePort();
        try {
          run(asRoot, 60, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
              dir.resolve("server.log").toString(), "-w", "-t", "30", "-o", "-c listen_addresses=127.0.0.1 -p " + port
                  + " -c unix_socket_directories=" + dir + " -c fsync=off -c synchronous_commit=off"
                  + " -c full_page_writes=off -c max_connections=200", "start");
          cluster = new PostgresCluster(bin, dir, port, password, asRoot);
          break;
        } catch (IOException e) {
          last = e; // most likely the port was taken meanwhile
        }
      }
      if (cluster == null) {
        throw last;
      }
      try (Connection c = cluster.connect("postgres"); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + DATABASE);
      } catch (SQLException e) {
        cluster.stop();
        throw new IOException("cannot create the test database: " + e.getMessage(), e);
      }
      return cluster;
    } finally {
      if (cluster == null) {
        deleteTree(dir);
      }
    }
  }

  /**
   * A new, empty place for a store and the superuser's credentials for it: a schema of its own in the test
   * database ({@code currentSchema} in the URL), which the store uses as it would a database of its own. A schema
   * costs milliseconds, a database a third of a second.
   */
  public PostgresDatabase newDatabase() {
    String name = "t" + databases.incrementAndGet();
    try (Connection c = connect(DATABASE); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create schema " + name + ": " + e.getMessage(), e);
    }
    return new PostgresDatabase(url(DATABASE) + "?currentSchema=" + name, SUPERUSER, password);
  }

  /** A raw connection to {@code db} (autocommit): what someone with database access can do. */
  public static Connection raw(PostgresDatabase db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", db.user());
    p.setProperty("password", db.password());
    return DriverManager.getConnection(db.url(), p);
  }

  private Connection connect(String database) throws SQLException {
    return raw(new PostgresDatabase(url(database), SUPERUSER, password));
  }

  private String url(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  private synchronized void stop() {
    try {
      run(asRoot, 30, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
          "-w", "stop");
    } catch (IOException | InterruptedException e) {
      System.err.println("stopping the test PostgreSQL cluster in " + dir + " failed: " + e.getMessage());
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      System.err.println("deleting " + dir + " failed: " + e.getMessage());
    }
  }

  private static Path findBinaries() {
    List<Path> candidates = new ArrayList<>();
    String env = System.getenv("CLAVE_PG_BIN");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!p.isEmpty()) {
        candidates.add(Path.of(p));
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        versions.filter(v -> v.getFileName().toString().matches("\\d+"))
            .sorted(Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString())).reversed())
            .forEach(v -> candidates.add(v.resolve("bin")));
      } catch (IOException ignored) {
        // no versions there
      }
    }
    for (Path c : candidates) {
      if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))) {
        return c;
      }
    }
    throw new IllegalStateException("the PostgreSQL server binaries (initdb, pg_ctl) were not found in CLAVE_PG_BIN,"
        + " the PATH or /usr/lib/postgresql/N/bin: the PostgreSQL store tests need a real server. Install it:"
        + " apt-get install -y postgresql (.ci/run does), or set CLAVE_PG_BIN to the directory holding initdb");
  }

  private static void ensureOsUser() throws IOException, InterruptedException {
    if (exec(10, "id", "-u", OS_USER) == 0) {
      return;
    }
    int rc = exec(30, "useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER);
    if (rc != 0 && exec(10, "id", "-u", OS_USER) != 0) {
      throw new IOException("running as root, PostgreSQL needs an unprivileged user, but useradd " + OS_USER
          + " failed (exit " + rc + ")");
    }
  }

  /** Runs a PostgreSQL tool, as {@value #OS_USER} when we are root; fails with its output. */
  private static void run(boolean asRoot, int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (asRoot) {
      if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
        cmd.addAll(List.of("runuser", "-u", OS_USER, "--"));
        cmd.addAll(List.of(command));
      } else {
        cmd.addAll(List.of("su", "-s", "/bin/sh", OS_USER, "-c", shellQuote(command)));
      }
    } else {
      cmd.addAll(List.of(command));
    }
    Path out = Files.createTempFile("clave-pg-cmd", ".log");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
            + Files.readString(out, StandardCharsets.UTF_8).strip());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int exec(int timeoutSeconds, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static String shellQuote(String... words) {
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      b.append('\'').append(w.replace("'", "'\\''")).append("' ");
    }
    return b.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
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
