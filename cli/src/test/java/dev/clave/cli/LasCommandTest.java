package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.sim.SimInit;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clave las serve} refusals and {@code clave las platform-id}. */
class LasCommandTest {
  @TempDir Path dir;

  @Test
  void platformIdPrintsTheIdTheLasServedWith() throws Exception {
    Path sim = dir.resolve("sim");
    Path state = dir.resolve("state");
    SimInit.run(sim, SimInit.Options.defaults());
    String id;
    try (LasServer las = LasServer.start(LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(sim)
        .withStateDir(state).withPort(0))) {
      id = las.platformId();
    }
    CliRun run = CliRun.of("las", "platform-id", "--state-dir", state.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().strip()).isEqualTo(id).matches("[0-9A-F]{64}");
  }

  @Test
  void platformIdWithoutAPlatformSaysSo() {
    CliRun run = CliRun.of("las", "platform-id", "--state-dir", dir.resolve("none").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).startsWith("clave: no platform in ").contains("clave las serve");
  }

  @Test
  void hardwareModeIsRefusedOnThisMachine() {
    CliRun run = CliRun.of("las", "serve", "--mode", "hw", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("cannot start the LAS", "/dev/sgx_enclave", "--mode sim", "SCONE_MODE=sim")
        .doesNotContain("\tat ");
  }

  @Test
  void badOptionsAreNamed() {
    CliRun mode = CliRun.of("las", "serve", "--mode", "fast");
    assertThat(mode.exitCode()).isEqualTo(2);
    assertThat(mode.err()).contains("--mode: expected \"sim\" or \"hw\", got \"fast\"");

    CliRun listen = CliRun.of("las", "serve", "--mode", "sim", "--listen", "localhost");
    assertThat(listen.exitCode()).isEqualTo(2);
    assertThat(listen.err()).contains("--listen: expected HOST:PORT");

    CliRun svn = CliRun.of("las", "serve", "--mode", "sim", "--svn", "300");
    assertThat(svn.exitCode()).isEqualTo(2);
    assertThat(svn.err()).contains("svn: must be 0..255, got 300");

    CliRun noRoot = CliRun.of("las", "serve", "--mode", "sim", "--state-dir", dir.toString(), "--listen", "127.0.0.1:0");
    assertThat(noRoot.exitCode()).isEqualTo(2);
    assertThat(noRoot.err()).contains("--sim-root");
  }
}
