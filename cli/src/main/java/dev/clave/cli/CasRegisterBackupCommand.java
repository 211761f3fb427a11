package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.client.CasClient;
import dev.clave.policy.protect.KeyHash;
import java.net.http.HttpResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code clave cas register-backup BACKUP_ADDR [--cas PRIMARY] [-C -G -S]}, as the owner: the primary attests
 * the backup CAS and, if admissible (same signer and product, at least its security version, a TCB at least as
 * good), records the store's key wrapped for it, so a copy of the primary's database opens there. {@code -C -G
 * -S} also accept a backup whose TCB needs configuration, is out of date, or needs software hardening. Exit 0
 * registered, 1 refused.
 */
@Command(
    name = "register-backup",
    mixinStandardHelpOptions = true,
    description = "Register a backup CAS: the primary attests it and hands it the store's key, wrapped for it.")
final class CasRegisterBackupCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "BACKUP_ADDR", description = "the backup CAS: host[:port] (port 8081 by default)")
  String backup;

  @Option(names = "--cas", paramLabel = "ADDR", description = "the primary CAS (default: the CLI config's default CAS)")
  String address;

  @Option(names = "-C", description = "accept a backup whose platform needs configuration")
  boolean configurationNeeded;

  @Option(names = "-G", description = "accept a backup on an out-of-date platform")
  boolean outOfDate;

  @Option(names = "-S", description = "accept a backup whose platform needs software hardening")
  boolean swHardeningNeeded;

  @Override
  public Integer call() throws Exception {
    CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
    String addr = address != null ? address : config.defaultCas().orElseThrow(
        () -> new Errors.UserError("no CAS given and the CLI config has no default CAS: use --cas ADDR"));
    KeyHash pin = config.keyHash(addr).orElseThrow(() -> new Errors.UserError(
        "the CLI config does not know the CAS " + addr + " (provision it, or add it with its key hash)"));
    ObjectNode body = JSON.createObjectNode();
    body.put("address", backup);
    var tolerate = body.putArray("tolerate");
    if (configurationNeeded) {
      tolerate.add("C");
    }
    if (outOfDate) {
      tolerate.add("G");
    }
    if (swHardeningNeeded) {
      tolerate.add("S");
    }
    HttpResponse<String> res = CasClient.connect(addr, pin, config.identity())
        .post("/v1/cas/backups", "application/json", body.toString());
    JsonNode n;
    try {
      n = JSON.readTree(res.body());
    } catch (java.io.IOException e) {
      n = null;
    }
    if (res.statusCode() != 200 || n == null) {
      spec.commandLine().getErr().println("clave: backup registration refused (" + res.statusCode() + "): "
          + (n != null ? n.path("error").asText(res.body()) : res.body()));
      return 1;
    }
    // Pinned from now on (clave cas restore-drill --on BACKUP_ADDR), as the primary attested it.
    try {
      config.pin(backup, KeyHash.parse(n.path("keyHash").asText()));
      config.save();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("clave: the primary named no valid key hash for the backup: " + e.getMessage());
    }
    spec.commandLine().getOut().println("Backup CAS registered");
    spec.commandLine().getOut().println("    key hash " + n.path("keyHash").asText() + ", platform "
        + n.path("platformId").asText() + ", TCB " + n.path("tcb").asText() + ", ISVSVN " + n.path("isvSvn").asInt());
    return 0;
  }
}
