package dev.clave.cas;

import dev.clave.cas.store.PostgresDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A CAS replica in its own JVM, for tests that kill one (SIGKILL: no shutdown hook, no close). Arguments: state
 * dir, shared key dir, simulation dir, database URL and user; the password comes from {@code
 * CLAVE_CAS_DB_PASSWORD}. Prints {@code READY <client port> <key hash>} once serving and runs until stdin closes.
 */
public final class ReplicaProcess {
  private ReplicaProcess() {}

  public static void main(String[] args) throws Exception {
    Path sim = Path.of(args[2]);
    PostgresDatabase db = new PostgresDatabase(args[3], args[4], System.getenv("CLAVE_CAS_DB_PASSWORD"));
    CasConfig.Store store = new CasConfig.Store(CasConfig.Store.Kind.POSTGRES, db.url(), db.user(), db.password(),
        Path.of(args[1]));
    try (CasServer cas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(Path.of(args[0]))
        .withHost("127.0.0.1").withPorts(0, 0)
        .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null, List.of(sim.resolve("root/root_ca.pem"))))
        .withStore(store))) {
      System.out.println("READY " + cas.clientPort() + " " + cas.identity().keyHash());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the test closes stdin (or kills this process)
      }
    }
  }
}
