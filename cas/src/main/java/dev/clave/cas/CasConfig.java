package dev.clave.cas;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a CAS runs: where it keeps its state and where it listens. Command-line options override the
 * environment ({@code CLAVE_CAS_STATE_DIR}, {@code CLAVE_CAS_HOST}, {@code CLAVE_CAS_CLIENT_PORT},
 * {@code CLAVE_CAS_ENCLAVE_PORT}, {@code CLAVE_CAS_COLLATERAL}, {@code CLAVE_CAS_PCS_URL},
 * {@code CLAVE_CAS_TRUST_SIM_ROOT}, {@code CLAVE_CAS_LAS_ADDR} or {@code SCONE_LAS_ADDR}, and for the store
 * {@code CLAVE_CAS_STORE}, {@code CLAVE_CAS_DB_URL}, {@code CLAVE_CAS_DB_USER}, {@code CLAVE_CAS_DB_PASSWORD},
 * {@code CLAVE_CAS_STORE_KEY_DIR}), which overrides the defaults: state in {@code ./cas-state}, all
 * interfaces, ports 8081 (client API) and 18765 (enclave API) as the original, the embedded SQLite store.
 *
 * @param stateDir the state directory (identity, store, audit log)
 * @param host the address to listen on
 * @param clientPort the client API port (TLS; client certificates identify session owners); 0 picks one
 * @param enclavePort the enclave API port (TLS; attesting services); 0 picks one
 * @param tlsNames DNS names and IP addresses the CAS certificate names besides {@code cas} and localhost
 * @param las the LAS that quotes the CAS itself ({@code host:port}), so owners can attest it before they
 *     provision it ({@code clave cas provision … with-attestation}); null: the CAS cannot be attested
 * @param store where sessions and secrets are kept: the embedded SQLite store (default) or a PostgreSQL database
 *     shared by several CAS replicas
 */
public record CasConfig(
    Path stateDir, String host, int clientPort, int enclavePort, List<String> tlsNames, Verification verification,
    String las, Store store, Snapshots snapshots) {
  public static final int DEFAULT_CLIENT_PORT = 8081;
  public static final int DEFAULT_ENCLAVE_PORT = 18765;

  public CasConfig {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(host, "host");
    tlsNames = List.copyOf(tlsNames);
    Objects.requireNonNull(verification, "verification");
    checkPort(clientPort, "client port");
    checkPort(enclavePort, "enclave port");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(snapshots, "snapshots");
    if (snapshots.directory() != null && store.kind() == Store.Kind.POSTGRES) {
      throw new IllegalArgumentException("snapshots are taken of the embedded SQLite store; a PostgreSQL store is"
          + " backed up with PostgreSQL's own tools (pg_dump, base backups)");
    }
  }

  /** A configuration without snapshots. */
  public CasConfig(
      Path stateDir, String host, int clientPort, int enclavePort, List<String> tlsNames, Verification verification,
      String las, Store store) {
    this(stateDir, host, clientPort, enclavePort, tlsNames, verification, las, store, Snapshots.NONE);
  }

  /** A configuration with the embedded SQLite store. */
  public CasConfig(
      Path stateDir, String host, int clientPort, int enclavePort, List<String> tlsNames, Verification verification,
      String las) {
    this(stateDir, host, clientPort, enclavePort, tlsNames, verification, las, Store.SQLITE);
  }

  private static void checkPort(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(what + " must be 0..65535, not " + port);
    }
  }

  /**
   * How quotes are verified: collateral from a bundle directory ({@code collateralDir}, offline) or from a
   * PCS/PCCS ({@code pcs}; Intel's PCS when both are absent), and simulation roots to trust besides Intel's
   * (PEM files; each is logged loudly at start, since a simulated quote proves nothing about hardware).
   */
  public record Verification(Path collateralDir, java.net.URI pcs, List<Path> simulationRoots) {
    public static final Verification INTEL_PCS = new Verification(null, null, List.of());

    public Verification {
      simulationRoots = List.copyOf(simulationRoots);
      if (collateralDir != null && pcs != null) {
        throw new IllegalArgumentException("collateral comes from a directory or a PCS, not both");
      }
    }
  }

  /**
   * The store: {@code SQLITE} in the state directory, or {@code POSTGRES}, a database several CAS replicas share
   * ({@code url} a JDBC URL {@code jdbc:postgresql://host:port/db}, {@code user}, {@code password} only from
   * {@code CLAVE_CAS_DB_PASSWORD}). Each replica keeps its key store in its own state directory; the data key all
   * replicas share is sealed in {@code keyDir} (default: the state directory, enough for one replica). The
   * password is never printed.
   */
  public record Store(Kind kind, String url, String user, String password, Path keyDir) {
    public enum Kind {
      SQLITE, POSTGRES
    }

    public static final Store SQLITE = new Store(Kind.SQLITE, null, null, null, null);

    public Store {
      Objects.requireNonNull(kind, "kind");
      if (kind == Kind.POSTGRES && (url == null || !url.startsWith("jdbc:postgresql:"))) {
        throw new IllegalArgumentException("the postgres store needs a database URL jdbc:postgresql://HOST:PORT/DB"
            + " ([store] url or CLAVE_CAS_DB_URL)" + (url == null ? "" : ", not " + redacted(url)));
      }
    }

    static Kind kind(String name, String where) {
      return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "sqlite" -> Kind.SQLITE;
        case "postgres", "postgresql" -> Kind.POSTGRES;
        default -> throw new IllegalArgumentException(where + " must be sqlite or postgres, not '" + name + "'");
      };
    }

    private static String redacted(String url) {
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q) + "?…";
    }

    @Override
    public String toString() {
      return kind == Kind.SQLITE ? "Store[sqlite]" : "Store[postgres " + redacted(url) + ", user " + user
          + (password != null ? ", password set" : "") + (keyDir != null ? ", key dir " + keyDir : "") + "]";
    }
  }

  /**
   * Snapshots of the embedded store (issue #7): every {@code interval} (default 60 s) into a new subdirectory of
   * {@code directory}, skipped when nothing changed, the newest {@code keep} kept; none when {@code directory} is
   * null. {@code restoreFrom}: a snapshot directory (or one snapshot) to restore from at start, when the state
   * directory holds no store yet, or only an unprovisioned empty one (a backup CAS taking over).
   */
  public record Snapshots(Path directory, java.time.Duration interval, int keep, Path restoreFrom) {
    public static final java.time.Duration DEFAULT_INTERVAL = java.time.Duration.ofSeconds(60);
    public static final int DEFAULT_KEEP = 10;
    public static final Snapshots NONE = new Snapshots(null, DEFAULT_INTERVAL, DEFAULT_KEEP, null);

    public Snapshots {
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("the snapshot interval must be at least 1s, not " + interval);
      }
      if (keep < 1) {
        throw new IllegalArgumentException("snapshots keep must be at least 1, not " + keep);
      }
    }

    public boolean enabled() {
      return directory != null;
    }

    /** A duration like {@code 60s}, {@code 5m}, {@code 24h}, {@code 24h0m0s} (the original's form) or ISO-8601. */
    public static java.time.Duration parseInterval(String text, String where) {
      String t = text.strip();
      try {
        if (t.startsWith("P") || t.startsWith("p")) {
          return java.time.Duration.parse(t);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?").matcher(t);
        if (!t.isEmpty() && m.matches()) {
          long h = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
          long min = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
          long sec = m.group(3) == null ? 0 : Long.parseLong(m.group(3));
          return java.time.Duration.ofHours(h).plusMinutes(min).plusSeconds(sec);
        }
      } catch (RuntimeException e) {
        // falls through to the message below
      }
      throw new IllegalArgumentException(where + " must be a duration like 60s, 5m, 24h or 24h0m0s, not '" + text + "'");
    }
  }

  /** The defaults with the environment applied. */
  public static CasConfig fromEnvironment(Map<String, String> env) {
    return DEFAULTS.withEnvironment(env);
  }

  /** Everything left at its default: state in ./cas-state, all interfaces, 8081 and 18765, Intel's PCS. */
  public static final CasConfig DEFAULTS = new CasConfig(
      Path.of("cas-state"), "0.0.0.0", DEFAULT_CLIENT_PORT, DEFAULT_ENCLAVE_PORT, List.of(), Verification.INTEL_PCS, null);

  /** This configuration with the variables set in {@code env} applied over it. */
  public CasConfig withEnvironment(Map<String, String> env) {
    Verification v = verification;
    if (env.containsKey("CLAVE_CAS_COLLATERAL") || env.containsKey("CLAVE_CAS_PCS_URL")) {
      v = new Verification(
          env.containsKey("CLAVE_CAS_COLLATERAL") ? Path.of(env.get("CLAVE_CAS_COLLATERAL")) : null,
          env.containsKey("CLAVE_CAS_PCS_URL") ? java.net.URI.create(env.get("CLAVE_CAS_PCS_URL")) : null,
          v.simulationRoots());
    }
    if (env.containsKey("CLAVE_CAS_TRUST_SIM_ROOT")) {
      v = new Verification(v.collateralDir(), v.pcs(), List.of(Path.of(env.get("CLAVE_CAS_TRUST_SIM_ROOT"))));
    }
    return new CasConfig(
        env.containsKey("CLAVE_CAS_STATE_DIR") ? Path.of(env.get("CLAVE_CAS_STATE_DIR")) : stateDir,
        env.getOrDefault("CLAVE_CAS_HOST", host),
        port(env, "CLAVE_CAS_CLIENT_PORT", clientPort),
        port(env, "CLAVE_CAS_ENCLAVE_PORT", enclavePort),
        tlsNames,
        v,
        firstSet(env, las, "CLAVE_CAS_LAS_ADDR", "SCONE_LAS_ADDR"),
        storeWithEnvironment(env),
        snapshotsWithEnvironment(env));
  }

  private Snapshots snapshotsWithEnvironment(Map<String, String> env) {
    String dir = env.get("CLAVE_CAS_SNAPSHOT_DIR");
    String interval = env.get("CLAVE_CAS_SNAPSHOT_INTERVAL");
    String restore = env.get("CLAVE_CAS_RESTORE_FROM");
    return new Snapshots(
        dir != null && !dir.isBlank() ? Path.of(dir.strip()) : snapshots.directory(),
        interval != null && !interval.isBlank() ? Snapshots.parseInterval(interval, "CLAVE_CAS_SNAPSHOT_INTERVAL")
            : snapshots.interval(),
        snapshots.keep(),
        restore != null && !restore.isBlank() ? Path.of(restore.strip()) : snapshots.restoreFrom());
  }

  private Store storeWithEnvironment(Map<String, String> env) {
    String kind = env.get("CLAVE_CAS_STORE");
    String url = env.get("CLAVE_CAS_DB_URL");
    String user = env.get("CLAVE_CAS_DB_USER");
    String password = env.get("CLAVE_CAS_DB_PASSWORD");
    String keyDir = env.get("CLAVE_CAS_STORE_KEY_DIR");
    if (kind == null && url == null && user == null && password == null && keyDir == null) {
      return store;
    }
    return new Store(
        kind != null && !kind.isBlank() ? Store.kind(kind, "CLAVE_CAS_STORE") : store.kind(),
        url != null && !url.isBlank() ? url.strip() : store.url(),
        user != null && !user.isBlank() ? user.strip() : store.user(),
        password != null && !password.isEmpty() ? password : store.password(),
        keyDir != null && !keyDir.isBlank() ? Path.of(keyDir.strip()) : store.keyDir());
  }

  /**
   * A configuration file ({@code cas.toml}); every key optional, unknown keys refused:
   *
   * <pre>
   * state_dir = "/var/lib/clave-cas"
   * host = "0.0.0.0"
   * client_port = 8081
   * enclave_port = 18765
   * tls_names = ["cas.example.com"]
   *
   * [verification]
   * collateral = "/etc/clave/collateral"     # or: pcs = "https://pccs.example:8081"
   * trust_sim_roots = ["/etc/clave/sim-root.pem"]   # testing only
   * </pre>
   *
   * and at the top level {@code las = "127.0.0.1:18766"} for the CAS's own attestation; and the store:
   *
   * <pre>
   * [store]
   * kind = "postgres"                        # default "sqlite"
   * url = "jdbc:postgresql://db.example:5432/clave?sslmode=verify-full"
   * user = "clave"                           # the password only from CLAVE_CAS_DB_PASSWORD
   * key_dir = "/shared/cas-key"              # the sealed data key all replicas share
   * </pre>
   *
   * and snapshots of the embedded store:
   *
   * <pre>
   * [snapshots]
   * directory = "/var/mnt/cas-database-snapshots"
   * interval = "60s"                         # also 5m, 24h0m0s
   * keep = 10
   * restore_from = "/var/mnt/cas-database-snapshots"   # a backup taking over
   * </pre>
   *
   * Relative paths are taken relative to the file's directory.
   */
  public static CasConfig fromToml(Path file) throws IOException {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = new com.fasterxml.jackson.dataformat.toml.TomlMapper().readTree(java.nio.file.Files.readString(file));
    } catch (IOException e) {
      throw new IOException(file + " is not TOML: " + firstLine(e.getMessage()));
    }
    Path base = file.toAbsolutePath().getParent();
    java.util.Set<String> top = java.util.Set.of("state_dir", "host", "client_port", "enclave_port", "tls_names", "verification", "las", "store", "snapshots");
    java.util.Set<String> snap = java.util.Set.of("directory", "interval", "keep", "restore_from");
    java.util.Set<String> ver = java.util.Set.of("collateral", "pcs", "trust_sim_roots");
    java.util.Set<String> sto = java.util.Set.of("kind", "url", "user", "key_dir");
    for (var e : root.properties()) {
      if (!top.contains(e.getKey())) {
        throw new IOException(file + ": unknown key " + e.getKey() + "; known: " + String.join(", ", new java.util.TreeSet<>(top)));
      }
    }
    com.fasterxml.jackson.databind.JsonNode v = root.path("verification");
    for (var e : v.properties()) {
      if (!ver.contains(e.getKey())) {
        throw new IOException(file + ": unknown key verification." + e.getKey() + "; known: " + String.join(", ", new java.util.TreeSet<>(ver)));
      }
    }
    com.fasterxml.jackson.databind.JsonNode st = root.path("store");
    for (var e : st.properties()) {
      if (e.getKey().equals("password")) {
        throw new IOException(file + ": store.password is not read from a file; set CLAVE_CAS_DB_PASSWORD");
      }
      if (!sto.contains(e.getKey())) {
        throw new IOException(file + ": unknown key store." + e.getKey() + "; known: " + String.join(", ", new java.util.TreeSet<>(sto)));
      }
    }
    com.fasterxml.jackson.databind.JsonNode sn = root.path("snapshots");
    for (var e : sn.properties()) {
      if (!snap.contains(e.getKey())) {
        throw new IOException(file + ": unknown key snapshots." + e.getKey() + "; known: " + String.join(", ", new java.util.TreeSet<>(snap)));
      }
    }
    if (sn.has("keep") && !sn.get("keep").isIntegralNumber()) {
      throw new IOException(file + ": snapshots.keep must be a number");
    }
    List<String> names = new java.util.ArrayList<>();
    root.path("tls_names").forEach(n -> names.add(n.asText()));
    List<Path> roots = new java.util.ArrayList<>();
    v.path("trust_sim_roots").forEach(n -> roots.add(base.resolve(n.asText())));
    try {
      return new CasConfig(
          root.has("state_dir") ? base.resolve(root.get("state_dir").asText()) : DEFAULTS.stateDir(),
          root.path("host").asText(DEFAULTS.host()),
          root.has("client_port") ? portValue(file, "client_port", root.get("client_port")) : DEFAULT_CLIENT_PORT,
          root.has("enclave_port") ? portValue(file, "enclave_port", root.get("enclave_port")) : DEFAULT_ENCLAVE_PORT,
          names,
          new Verification(v.has("collateral") ? base.resolve(v.get("collateral").asText()) : null,
              v.has("pcs") ? java.net.URI.create(v.get("pcs").asText()) : null, roots),
          root.has("las") ? root.get("las").asText() : null,
          st.isMissingNode() ? Store.SQLITE : new Store(
              st.has("kind") ? Store.kind(st.get("kind").asText(), "store.kind") : Store.Kind.SQLITE,
              st.has("url") ? st.get("url").asText() : null,
              st.has("user") ? st.get("user").asText() : null,
              null,
              st.has("key_dir") ? base.resolve(st.get("key_dir").asText()) : null),
          new Snapshots(
              sn.has("directory") ? base.resolve(sn.get("directory").asText()) : null,
              sn.has("interval") ? Snapshots.parseInterval(sn.get("interval").asText(), "snapshots.interval")
                  : Snapshots.DEFAULT_INTERVAL,
              sn.has("keep") ? sn.get("keep").asInt() : Snapshots.DEFAULT_KEEP,
              sn.has("restore_from") ? base.resolve(sn.get("restore_from").asText()) : null));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage());
    }
  }

  private static int portValue(Path file, String key, com.fasterxml.jackson.databind.JsonNode n) throws IOException {
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new IOException(file + ": " + key + " must be a port number");
    }
    return n.asInt();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String firstSet(Map<String, String> env, String dflt, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return v.strip();
      }
    }
    return dflt;
  }

  private static int port(Map<String, String> env, String name, int dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a port number, not '" + v + "'");
    }
  }

  public CasConfig withStateDir(Path dir) {
    return new CasConfig(dir, host, clientPort, enclavePort, tlsNames, verification, las, store, snapshots);
  }

  public CasConfig withPorts(int client, int enclave) {
    return new CasConfig(stateDir, host, client, enclave, tlsNames, verification, las, store, snapshots);
  }

  public CasConfig withHost(String newHost) {
    return new CasConfig(stateDir, newHost, clientPort, enclavePort, tlsNames, verification, las, store, snapshots);
  }

  public CasConfig withVerification(Verification v) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, v, las, store, snapshots);
  }

  public CasConfig withLas(String address) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, verification, address, store, snapshots);
  }

  public CasConfig withStore(Store s) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, verification, las, s, snapshots);
  }

  public CasConfig withSnapshots(Snapshots s) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, verification, las, store, s);
  }
}
