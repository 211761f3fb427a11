package dev.clave.bench;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.StandbyCas;
import java.nio.file.Path;
import java.util.List;

/**
 * A CAS in its own JVM for {@link CasFailoverBench}, so that it can be killed with SIGKILL:
 * {@code CasNodeProcess STATE_DIR SIM_DIR CLIENT_PORT ENCLAVE_PORT LAS|-}. The store and anything else come from
 * the {@code CLAVE_CAS_*} environment ({@code CLAVE_CAS_STORE=postgres}, {@code CLAVE_CAS_DB_*} for replicas), as
 * {@code clave cas serve} reads it. Prints {@code READY <client port> <enclave port> <key hash> <token|->} and
 * serves until stdin closes (a clean stop) or the process is killed. With {@code BENCH_STANDBY=1} it is a warm
 * standby ({@code cas serve --standby}): a line {@code TAKEOVER} on stdin makes it take over, then READY again.
 */
public final class CasNodeProcess {
  private CasNodeProcess() {}

  private static void ready(CasServer cas) {
    System.out.println("READY " + cas.clientPort() + " " + cas.enclavePort() + " " + cas.identity().keyHash() + " "
        + cas.provisioningToken().orElse("-"));
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    Path sim = Path.of(args[1]);
    CasConfig config = CasConfig.fromEnvironment(System.getenv()).withStateDir(Path.of(args[0])).withHost("127.0.0.1")
        .withPorts(Integer.parseInt(args[2]), Integer.parseInt(args[3]))
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null, List.of(sim.resolve("root/root_ca.pem"))));
    if (!args[4].equals("-")) {
      config = config.withLas(args[4]);
    }
    if ("1".equals(System.getenv("BENCH_STANDBY"))) {
      // A warm standby: takes over from the newest snapshot when the parent writes TAKEOVER.
      try (StandbyCas standby = StandbyCas.start(config)) {
        ready(standby.current());
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
            java.nio.charset.StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.equals("TAKEOVER")) {
            ready(standby.takeOver());
          }
        }
      }
      return;
    }
    try (CasServer cas = CasServer.start(config)) {
      ready(cas);
      while (System.in.read() >= 0) {
        // serve until the parent closes our stdin
      }
    }
  }
}
