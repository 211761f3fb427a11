package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.sim.SimInit;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clave platforms} against real LASes in simulation mode. */
class PlatformsCommandTest {
  @TempDir Path dir;

  @Test
  void printsEveryLasPlatformIdOnceAsAPlatformsLine() throws Exception {
    SimInit.run(dir.resolve("sim"), SimInit.Options.defaults());
    LasConfig base = LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(dir.resolve("sim")).withPort(0);
    try (LasServer a = LasServer.start(base.withStateDir(dir.resolve("a")));
        LasServer b = LasServer.start(base.withStateDir(dir.resolve("b")))) {
      CliRun run = CliRun.of("platforms", "127.0.0.1:" + a.port(), "127.0.0.1:" + b.port(), "127.0.0.1:" + a.port());
      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out().strip()).isEqualTo("platforms: [" + a.platformId() + ", " + b.platformId() + "]");
      assertThat(a.platformId()).isNotEqualTo(b.platformId());
    }
    CliRun down = CliRun.of("platforms", "127.0.0.1:1");
    assertThat(down.exitCode()).isEqualTo(2);
    assertThat(down.err()).contains("cannot reach the LAS at 127.0.0.1:1");
  }
}
