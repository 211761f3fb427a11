package dev.clave.cli;

import dev.clave.cas.client.CasClient;
import dev.clave.policy.protect.KeyHash;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clave cas attest ADDR [-c KEY_HASH] [flags]}: checks that the CAS is the expected code on a trusted
 * platform and that its key is the one the connection presented, and remembers it (pinned by key hash) in the
 * CLI config. Exit 0 trustworthy, 1 not, 2 usage or input error.
 */
@Command(
    name = "attest",
    mixinStandardHelpOptions = true,
    description = "Attest a CAS: its quote, its measurement or signer, its platform's TCB, and that it holds the pinned key.")
final class CasAttestCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ADDR", description = "the CAS: host[:port] (port 8081 by default)")
  String address;

  @Option(names = {"-c", "--cas-key-hash"}, paramLabel = "KEY_HASH",
      description = "the CAS key hash (default: the one the CLI config holds for ADDR)")
  String keyHash;

  @Mixin CasAttestOptions attestation;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
    KeyHash pin = keyHash != null ? CasProvisionCommand.parseKeyHash(keyHash) : config.keyHash(address).orElseThrow(
        () -> new Errors.UserError("no key hash for " + address + ": give -c KEY_HASH (from the CAS's log)"));
    CasClient cas = CasClient.connect(address, pin, config.identity());
    if (!attestation.attestAndSay(cas, address, spec)) {
      return 1;
    }
    config.remember(address, pin);
    config.save();
    out.flush();
    return 0;
  }
}
