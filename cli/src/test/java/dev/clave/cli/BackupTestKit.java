package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the backup, snapshot and replica tests share: simulated platforms (one simulation root, a LAS per
 * platform), CAS configurations on them, provisioning through the CLI, and unpinned HTTPS reads of a CAS's public
 * endpoints.
 */
final class BackupTestKit {
  private BackupTestKit() {}

  /** Simulated platforms under {@code sim}: one LAS each, on loopback. */
  static final class Platforms implements AutoCloseable {
    final Path sim;
    private final Map<String, LasServer> las = new java.util.LinkedHashMap<>();

    Platforms(Path sim, String... names) throws Exception {
      this.sim = sim;
      SimInit.run(sim, SimInit.Options.defaults());
      LasConfig base = LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(sim).withHost("127.0.0.1").withPort(0);
      for (String n : names) {
        las.put(n, LasServer.start(base.withStateDir(sim.resolve("las-" + n))));
      }
    }

    LasServer las(String name) {
      return las.get(name);
    }

    /** A CAS in {@code stateDir} on loopback (any ports), attested by {@code las}, trusting the simulation root. */
    CasConfig cas(Path stateDir, LasServer las) {
      return CasConfig.fromEnvironment(Map.of()).withStateDir(stateDir).withHost("127.0.0.1").withPorts(0, 0)
          .withLas("127.0.0.1:" + las.port())
          .withVerification(new CasConfig.Verification(sim.resolve("collateral"), null,
              List.of(sim.resolve("root/root_ca.pem"))));
    }

    @Override
    public void close() {
      las.values().forEach(LasServer::close);
    }
  }

  /** Provisions {@code cas} with the CLI config in {@code dir} (made the CLI's config); its address. */
  static String provision(CasServer cas, Path dir) throws Exception {
    System.setProperty("clave.cli.config", dir.resolve("cli.json").toString());
    String addr = "127.0.0.1:" + cas.clientPort();
    Path owner = Files.writeString(dir.resolve("owner.toml"), "[api_identity]\ncommon_name = \"cas\"\n");
    CliRun p = CliRun.of("cas", "provision", addr, "-c", cas.identity().keyHash().toString(), "--token",
        cas.provisioningToken().orElseThrow(), "--config-file", owner.toString(), "only_for_testing-without-attestation");
    assertThat(p.exitCode()).as(p.err()).isZero();
    return addr;
  }

  /** {@code GET https://127.0.0.1:PORT/PATH}, trusting any server (public endpoints only). */
  static HttpResponse<String> get(int port, String path) throws Exception {
    javax.net.ssl.TrustManager any = new javax.net.ssl.X509TrustManager() {
      @Override
      public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override
      public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override
      public java.security.cert.X509Certificate[] getAcceptedIssuers() {
        return new java.security.cert.X509Certificate[0];
      }
    };
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, new javax.net.ssl.TrustManager[] {any}, null);
    return HttpClient.newBuilder().sslContext(ctx).build().send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
