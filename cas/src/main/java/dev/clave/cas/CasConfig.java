package dev.clave.cas;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a CAS runs: where it keeps its state and where it listens. Command-line options override the
 * environment ({@code CLAVE_CAS_STATE_DIR}, {@code CLAVE_CAS_HOST}, {@code CLAVE_CAS_CLIENT_PORT},
 * {@code CLAVE_CAS_ENCLAVE_PORT}, {@code CLAVE_CAS_COLLATERAL}, {@code CLAVE_CAS_PCS_URL},
 * {@code CLAVE_CAS_TRUST_SIM_ROOT}), which overrides the defaults: state in {@code ./cas-state}, all
 * interfaces, ports 8081 (client API) and 18765 (enclave API) as the original.
 *
 * @param stateDir the state directory (identity, store, audit log)
 * @param host the address to listen on
 * @param clientPort the client API port (TLS; client certificates identify session owners); 0 picks one
 * @param enclavePort the enclave API port (TLS; attesting services); 0 picks one
 * @param tlsNames DNS names and IP addresses the CAS certificate names besides {@code cas} and localhost
 */
public record CasConfig(
    Path stateDir, String host, int clientPort, int enclavePort, List<String> tlsNames, Verification verification) {
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
    return new CasConfig(
        Path.of(env.getOrDefault("CLAVE_CAS_STATE_DIR", "cas-state")),
        env.getOrDefault("CLAVE_CAS_HOST", "0.0.0.0"),
        port(env, "CLAVE_CAS_CLIENT_PORT", DEFAULT_CLIENT_PORT),
        port(env, "CLAVE_CAS_ENCLAVE_PORT", DEFAULT_ENCLAVE_PORT),
        List.of(),
        new Verification(
            env.containsKey("CLAVE_CAS_COLLATERAL") ? Path.of(env.get("CLAVE_CAS_COLLATERAL")) : null,
            env.containsKey("CLAVE_CAS_PCS_URL") ? java.net.URI.create(env.get("CLAVE_CAS_PCS_URL")) : null,
            env.containsKey("CLAVE_CAS_TRUST_SIM_ROOT") ? List.of(Path.of(env.get("CLAVE_CAS_TRUST_SIM_ROOT"))) : List.of()));
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
    return new CasConfig(dir, host, clientPort, enclavePort, tlsNames, verification);
  }

  public CasConfig withPorts(int client, int enclave) {
    return new CasConfig(stateDir, host, client, enclave, tlsNames, verification);
  }

  public CasConfig withHost(String newHost) {
    return new CasConfig(stateDir, newHost, clientPort, enclavePort, tlsNames, verification);
  }

  public CasConfig withVerification(Verification v) {
    return new CasConfig(stateDir, host, clientPort, enclavePort, tlsNames, v);
  }
}
