package dev.clave.bench;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import java.nio.file.Path;
import java.util.List;

/**
 * A CAS in its own JVM for {@link CasFailoverBench}, so that it can be killed with SIGKILL:
 * {@code CasNodeProcess STATE_DIR SIM_DIR CLIENT_PORT ENCLAVE_PORT LAS|-}. The store and anything else come from
 * the {@code CLAVE_CAS_*} environment ({@code CLAVE_CAS_STORE=postgres}, {@code CLAVE_CAS_DB_*} for replicas), as
 * {@code clave cas serve} reads it. Prints {@code READY <client port> <enclave port> <key hash> <token|->} and
 * serves until stdin closes (a clean stop) or the process is killed.
 */
public final class CasNodeProcess {
  private CasNodeProcess() {}

  public static void main(String[] args) throws Exception {
    Path sim = Path.of(args[1]);
    CasConfig config = CasConfig.fromEnvironment(System.getenv()).withStateDir(Path.of(args[0])).withHost("127.0.0.1")
        .withPorts(Integer.parseInt(args[2]), Integer.parseInt(args[3]))
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null, List.of(sim.resolve("root/root_ca.pem"))));
    if (!args[4].equals("-")) {
      config = config.withLas(args[4]);
    }
    try (CasServer cas = CasServer.start(config)) {
      System.out.println("READY " + cas.clientPort() + " " + cas.enclavePort() + " " + cas.identity().keyHash() + " "
          + cas.provisioningToken().orElse("-"));
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our stdin
      }
    }
  }
}
