package dev.clave.cli;

import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code cas} group: running a CAS (and, later, provisioning and administering one). */
@Command(
    name = "cas",
    mixinStandardHelpOptions = true,
    description = "Run and administer a Configuration and Attestation Service.",
    subcommands = {
      CasCommand.Serve.class,
      CasProvisionCommand.class,
      CasAttestCommand.class,
      CasRegisterBackupCommand.class,
      CasRestoreDrillCommand.class,
      CasProvisionCommand.UpdateConfig.class,
      CasAuditCommands.Show.class,
      CasAuditCommands.Verify.class
    })
final class CasCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code clave cas serve}: runs a CAS in the foreground until it is stopped (SIGTERM, Ctrl-C). */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Run a CAS: client API (default port 8081) and enclave API (default port 18765), both TLS 1.3.",
        "Environment: CLAVE_CAS_STATE_DIR, CLAVE_CAS_HOST, CLAVE_CAS_CLIENT_PORT, CLAVE_CAS_ENCLAVE_PORT;"
            + " options override them."
      })
  static final class Serve implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "cas.toml", description = "a configuration file; the environment and options override it")
    Path configFile;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "identity, store and audit log (default ./cas-state)")
    Path stateDir;

    @Option(names = "--host", paramLabel = "ADDR", description = "address to listen on (default 0.0.0.0)")
    String host;

    @Option(names = "--client-port", paramLabel = "PORT", description = "client API port (default 8081; 0 picks one)")
    Integer clientPort;

    @Option(names = "--enclave-port", paramLabel = "PORT", description = "enclave API port (default 18765; 0 picks one)")
    Integer enclavePort;

    @Option(names = "--tls-name", paramLabel = "NAME", description = "a DNS name or IP address for the CAS certificate (repeatable; used when the identity is created)")
    List<String> tlsNames = new ArrayList<>();

    @Option(names = "--collateral", paramLabel = "DIR", description = "verify quotes with the collateral bundle in DIR (offline)")
    Path collateral;

    @Option(names = "--pcs", paramLabel = "URL", description = "fetch collateral from this PCS/PCCS (default: Intel's PCS)")
    java.net.URI pcs;

    @Option(names = "--trust-sim-root", paramLabel = "PEM",
        description = "also trust this simulation root (clave sim init's root/root_ca.pem); testing only, repeatable")
    List<Path> simRoots = new ArrayList<>();

    @Option(names = "--las", paramLabel = "HOST:PORT",
        description = "the LAS that quotes this CAS, so owners can attest it (clave cas attest, provision … with-attestation)")
    String las;

    @Option(names = "--snapshot-dir", paramLabel = "DIR",
        description = "take snapshots of the store into DIR (one subdirectory each; restorable on registered backups)")
    Path snapshotDir;

    @Option(names = "--snapshot-interval", paramLabel = "DURATION",
        description = "time between snapshots, skipped when nothing changed (default 60s; e.g. 5m, 24h0m0s); SIGUSR1 takes one now")
    String snapshotInterval;

    @Option(names = "--restore-from", paramLabel = "DIR",
        description = "a backup CAS taking over: restore the newest intact snapshot in DIR when this CAS has no state of its own")
    Path restoreFrom;

    @Option(names = "--standby",
        description = "a warm standby: serve as a registered backup, and take over from the newest snapshot in"
            + " --restore-from DIR on SIGHUP (kill -HUP <pid>), in this process, on the same ports")
    boolean standby;

    @Override
    public Integer call() throws Exception {
      CasConfig config;
      try {
        config = (configFile != null ? CasConfig.fromToml(configFile) : CasConfig.DEFAULTS).withEnvironment(System.getenv());
      } catch (IllegalArgumentException | java.io.IOException e) {
        throw new Errors.UserError(e.getMessage());
      }
      CasConfig.Snapshots fromFile = config.snapshots();
      config = new CasConfig(
          stateDir != null ? stateDir : config.stateDir(),
          host != null ? host : config.host(),
          clientPort != null ? clientPort : config.clientPort(),
          enclavePort != null ? enclavePort : config.enclavePort(),
          tlsNames.isEmpty() ? config.tlsNames() : tlsNames,
          collateral != null || pcs != null || !simRoots.isEmpty()
              ? new CasConfig.Verification(collateral, pcs, simRoots)
              : config.verification(),
          las != null ? las : config.las(),
          config.store(),
          fromFile);
      try {
        CasConfig.Snapshots sn = config.snapshots();
        config = config.withSnapshots(new CasConfig.Snapshots(
            snapshotDir != null ? snapshotDir : sn.directory(),
            snapshotInterval != null ? CasConfig.Snapshots.parseInterval(snapshotInterval, "--snapshot-interval")
                : sn.interval(),
            sn.keep(),
            restoreFrom != null ? restoreFrom : sn.restoreFrom()));
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError(e.getMessage());
      }
      if (standby) {
        if (config.snapshots().restoreFrom() == null) {
          throw new Errors.UserError("--standby needs the snapshots to take over from: --restore-from DIR");
        }
        dev.clave.cas.StandbyCas s;
        try {
          s = dev.clave.cas.StandbyCas.start(config);
        } catch (java.io.UncheckedIOException | java.io.IOException | IllegalArgumentException
            | dev.clave.cas.store.StoreException e) {
          throw new Errors.UserError("cannot start the CAS: " + e.getMessage());
        }
        SnapshotSignal.install(s::current);
        SnapshotSignal.installTakeOver(s);
        return Foreground.runUntilStopped(s, "cas");
      }
      CasServer cas;
      try {
        cas = CasServer.start(config);
      } catch (java.io.UncheckedIOException | java.io.IOException | IllegalArgumentException
          | dev.clave.cas.store.StoreException e) {
        throw new Errors.UserError("cannot start the CAS: " + e.getMessage());
      }
      if (cas.snapshots().isPresent()) {
        SnapshotSignal.install(() -> cas);
      }
      return Foreground.runUntilStopped(cas, "cas");
    }
  }
}
