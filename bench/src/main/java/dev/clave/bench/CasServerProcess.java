package dev.clave.bench;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A CAS in its own JVM for {@link CasAttestationLoad}, so that the server's CPU time can be measured apart
 * from the load generator's: {@code CasServerProcess STATE_DIR SIM_DIR}. Prints {@code READY <client port>
 * <enclave port> <key hash>} and serves until stdin closes.
 */
public final class CasServerProcess {
  private CasServerProcess() {}

  public static void main(String[] args) throws Exception {
    Path sim = Path.of(args[1]);
    CasConfig config = CasConfig.fromEnvironment(Map.of()).withStateDir(Path.of(args[0])).withHost("127.0.0.1")
        .withPorts(0, 0)
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null, List.of(sim.resolve("root/root_ca.pem"))));
    try (CasServer cas = CasServer.start(config)) {
      System.out.println("READY " + cas.clientPort() + " " + cas.enclavePort() + " " + cas.identity().keyHash());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our stdin
      }
    }
  }
}
