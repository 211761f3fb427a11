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
 * {@code CLAVE_CAS_TRUST_SIM_ROOT}, {@code CLAVE_CAS_LAS_ADDR} or {@code SCONE_LAS_ADDR}), which overrides the defaults: state in {@code ./cas-state}, all
 * interfaces, ports 8081 (client API) and 18765 (enclave API) as the original.
 *
 * @param stateDir the state directory (identity, store, audit log)
 * @param host the address to listen on
 * @param clientPort the client API port (TLS; client certificates identify session owners); 0 picks one
 * @param enclavePort the enclave API port (TLS; attesting services); 0 picks one
 * @param tlsNames DNS names and IP addresses the CAS certificate names besides {@code cas} and localhost
 * @param las the LAS that quotes the CAS itself ({@code host:port}), so owners can attest it before they
 *     provision it ({@code clave cas provision … with-attestation}); null: the CAS cannot be attested
 */
public record CasConfig(
    Path stateDir, String host, int clientPort, int enclavePort, List<String> tlsNames, Verification verification,
    String las) {
  public static final int DEFAULT_CLIENT_PORT = 8081;
  public static final int DEFAULT_ENCLAVE_PORT = 18765;

  public CasConfig {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(host, "host");
    tlsNames = List.copyOf(tlsNames);
    Objects.requireNonNull(verification, "verification");
    checkPort(clientPort, "client port");
    checkPort(enclavePort, "enclave port");
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
        firstSet(env, las, "CLAVE_CAS_LAS_ADDR", "SCONE_LAS_ADDR"));
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
   * and at the top level {@code las = "127.0.0.1:18766"} for the CAS's own attestation.
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
    java.util.Set<String> top = java.util.Set.of("state_dir", "host", "client_port", "enclave_port", "tls_names", "verification", "las");
    java.util.Set<String> ver = java.util.Set.of("collateral", "pcs", "trust_sim_roots");
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
          root.has("las") ? root.get("las").asText() : null);
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
    return new CasConfig(dir, host, clientPort, enclavePort, tlsNames, verification, las);
  }

  public CasConfig withPorts(int client, int enclave) {
    return new CasConfig(stateDir, host, client, enclave, tlsNames, verification, las);
  }

  public CasConfig withHost(String newHost) {
    return new CasConfig(stateDir, newHost, clientPort, enclavePort, tlsNames, verification, las);
  }

  public CasConfig withVerification(Verification v) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, v, las);
  }

  public CasConfig withLas(String address) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, verification, address);
  }
}
