package dev.clave.cli;

import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import dev.clave.las.PlatformState;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code las} group: running a platform's Local Attestation Service and reading its identity. */
@Command(
    name = "las",
    mixinStandardHelpOptions = true,
    description = "Run a Local Attestation Service (a platform's quoting service and identity).",
    subcommands = {LasCommand.Serve.class, LasCommand.PlatformId.class})
final class LasCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code clave las serve}: runs a LAS in the foreground until it is stopped (SIGTERM, Ctrl-C). */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Run a LAS: plain HTTP/JSON on loopback (default 127.0.0.1:18766): GET /v1/platform-id, POST /v1/quote.",
        "Logs \"QE has public key <platform ID>\" at start. Changing --svn issues a new platform: the platform ID changes.",
        "Environment: CLAVE_MODE or SCONE_MODE (sim|hw), CLAVE_LAS_ADDR or SCONE_LAS_ADDR (HOST:PORT); options override them."
      })
  static final class Serve implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "the LAS's platform (default ./las-state)")
    Path stateDir;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "address to listen on (default 127.0.0.1:18766)")
    String listen;

    @Option(names = "--sim-root", paramLabel = "DIR", description = "a `clave sim init` directory whose root certifies the platform (simulation mode)")
    Path simRoot;

    @Option(names = "--mode", paramLabel = "sim|hw", description = "sim: DCAP on the simulation root; hw: SGX (default hw)")
    String mode;

    @Option(names = "--svn", paramLabel = "N", description = "the simulated platform's TCB SVN, 0..255 (default: the highest level)")
    Integer svn;

    @Option(names = "--qe-svn", paramLabel = "N",
        description = "the LAS's security version: its quoting enclave's ISVSVN, 0..65535 (default: up to date); a change gives a new platform ID")
    Integer qeSvn;

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
      LasConfig config;
      try {
        config = LasConfig.DEFAULTS.withEnvironment(env);
        if (stateDir != null) {
          config = config.withStateDir(stateDir);
        }
        if (listen != null) {
          config = config.withListen(listen, "--listen");
        }
        if (mode != null) {
          config = config.withMode(LasConfig.Mode.parse(mode, "--mode"));
        }
        config = config.withSimDir(simRoot).withSvn(svn).withQeSvn(qeSvn);
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError(e.getMessage());
      }
      LasServer las;
      try {
        las = LasServer.start(config);
      } catch (java.io.UncheckedIOException | java.io.IOException | IllegalArgumentException | IllegalStateException e) {
        throw new Errors.UserError("cannot start the LAS: " + e.getMessage());
      }
      return Foreground.runUntilStopped(las, "las");
    }
  }

  /** {@code clave las platform-id}: prints the platform ID a LAS saved, without serving. */
  @Command(
      name = "platform-id",
      mixinStandardHelpOptions = true,
      description = "Print the platform ID (64 hex digits) of the LAS whose state is in DIR, without starting it.")
  static final class PlatformId implements Callable<Integer> {
    @Option(names = "--state-dir", paramLabel = "DIR", description = "the LAS's state (default ./las-state)")
    Path stateDir = LasConfig.DEFAULT_STATE_DIR;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Optional<String> id;
      try {
        id = PlatformState.savedPlatformId(stateDir);
      } catch (java.io.IOException e) {
        throw new Errors.UserError(e.getMessage());
      }
      if (id.isEmpty()) {
        throw new Errors.UserError("no platform in " + stateDir + " yet; start the LAS once (clave las serve --state-dir "
            + stateDir + ") to create it");
      }
      spec.commandLine().getOut().println(id.get());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
