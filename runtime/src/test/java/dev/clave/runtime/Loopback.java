package dev.clave.runtime;

import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A real LAS and a real CAS on loopback, on free ports, certified by one simulation root in {@code dir}: what
 * {@code clave run} talks to in the tests. The CAS trusts the simulation root; sessions are created over its
 * client API like an operator would.
 */
public final class Loopback implements AutoCloseable {
  private final LasServer las;
  private final CasServer cas;
  private final CasClient owner;

  private Loopback(LasServer las, CasServer cas) {
    this.las = las;
    this.cas = cas;
    this.owner = CasClient.connect("127.0.0.1:" + cas.clientPort(), cas.identity().keyHash(), ClientIdentity.generate());
  }

  public static Loopback start(Path dir) throws IOException {
    Path sim = dir.resolve("sim");
    SimInit.run(sim, SimInit.Options.defaults());
    LasServer las = LasServer.start(LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(sim)
        .withStateDir(dir.resolve("las")).withPort(0));
    try {
      CasServer cas = CasServer.start(CasConfig.fromEnvironment(Map.of()).withStateDir(dir.resolve("cas"))
          .withHost("127.0.0.1").withPorts(0, 0)
          .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null, List.of(sim.resolve("root/root_ca.pem")))));
      return new Loopback(las, cas);
    } catch (IOException | RuntimeException e) {
      las.close();
      throw e;
    }
  }

  /** The LAS as {@code --las} takes it. */
  public String las() {
    return "127.0.0.1:" + las.port();
  }

  /** The CAS's enclave API as {@code --cas} takes it. */
  public String cas() {
    return "127.0.0.1:" + cas.enclavePort();
  }

  public KeyHash casKeyHash() {
    return cas.identity().keyHash();
  }

  /** The LAS's platform, as a policy's {@code platforms:} lists it. */
  public String platformId() {
    return las.platformId().toLowerCase(Locale.ROOT);
  }

  /** Uploads a policy; fails the test when the CAS does not accept it. */
  public void createSession(String yaml) throws Exception {
    HttpResponse<String> r = owner.post("/session", "application/yaml", yaml);
    if (r.statusCode() != 201) {
      throw new AssertionError("the CAS did not create the session (HTTP " + r.statusCode() + "): " + r.body());
    }
  }

  /** A loopback port nothing listens on (just released). */
  public static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    cas.close();
    las.close();
  }
}
