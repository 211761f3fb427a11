package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.CasConfig;
import dev.clave.cas.backup.SnapshotRestore;
import dev.clave.cas.client.CasClient;
import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.StoreIntegrityException;
import dev.clave.policy.protect.KeyHash;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code clave cas restore-drill --snapshot DIR --on BACKUP_ADDR}, as the owner: proves that the newest snapshot
 * restores. Without {@code --snapshot}, the primary ({@code --cas}, default the CLI config's CAS) sends its own
 * newest snapshot to the backup (one of its registered backups) — how the backup controller drills on a schedule. The backup CAS restores it into scratch space as it would to take over, reads every session back and
 * attests once through the restored store; then the recovery point (the snapshot's age) is reported. Exit 0 the
 * drill passed (and the recovery point is within {@code --max-age}), 1 it failed, 2 usage.
 */
@Command(
    name = "restore-drill",
    mixinStandardHelpOptions = true,
    description = "Prove that the newest snapshot restores on a backup CAS: every session reads back and an attestation succeeds.")
final class CasRestoreDrillCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Option(names = "--snapshot", paramLabel = "DIR",
      description = "the snapshot directory (cas serve --snapshot-dir), or one snapshot in it; without it, the"
          + " primary (--cas) sends its newest snapshot")
  Path snapshots;

  @Option(names = "--cas", paramLabel = "ADDR",
      description = "the primary CAS, when it sends its own snapshot (default: the CLI config's default CAS)")
  String primary;

  @Option(names = "--on", required = true, paramLabel = "BACKUP_ADDR",
      description = "a registered backup CAS: host[:port] (port 8081 by default)")
  String backup;

  @Option(names = {"-c", "--cas-key-hash"}, paramLabel = "KEY_HASH",
      description = "the backup CAS's key hash (default: the one clave cas register-backup pinned)")
  String keyHash;

  @Option(names = "--max-age", paramLabel = "DURATION",
      description = "fail when the newest snapshot is older than this (e.g. 2m, 24h0m0s)")
  String maxAge;

  @Option(names = "--json", description = "print the backup's report as JSON")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Duration limit;
    try {
      limit = maxAge == null ? null : CasConfig.Snapshots.parseInterval(maxAge, "--max-age");
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError(e.getMessage());
    }
    CliConfig config = CliConfig.loadOrCreate(CliConfig.location(System.getenv()));
    if (snapshots == null) {
      return throughPrimary(config, limit, out, err);
    }
    KeyHash pin;
    try {
      pin = keyHash != null ? KeyHash.parse(keyHash) : config.keyHash(backup).orElseThrow(() -> new Errors.UserError(
          "the CLI config does not know the backup CAS " + backup + ": give its key hash with -c (clave cas"
              + " register-backup prints it and pins it)"));
    } catch (IllegalArgumentException e) {
      throw new Errors.UserError("-c: " + e.getMessage());
    }
    if (!Files.isDirectory(snapshots)) {
      throw new Errors.UserError(snapshots + " is not a directory");
    }
    List<Path> all = Snapshot.list(snapshots);
    if (all.isEmpty()) {
      err.println("restore drill FAILED: " + snapshots + " holds no snapshot");
      return 1;
    }
    // The newest one is what a takeover would restore: if it is damaged, that is the finding.
    Snapshot newest;
    try {
      newest = Snapshot.read(all.get(0));
    } catch (StoreIntegrityException e) {
      err.println("restore drill FAILED: the newest snapshot is damaged: " + e.getMessage());
      Optional<Snapshot> older = Snapshot.newestIntact(snapshots, r -> {});
      err.println(older.map(s -> "  a takeover now would restore the older " + s.dir().getFileName() + " ("
              + SnapshotRestore.age(Duration.between(s.created(), Instant.now())) + " old, state version "
              + s.stateVersion() + "), if it restores")
          .orElse("  no intact snapshot is left: a takeover now would lose the store"));
      return 1;
    }
    byte[] manifest = Files.readAllBytes(newest.dir().resolve(Snapshot.MANIFEST_FILE));
    ByteBuffer head = ByteBuffer.allocate(4 + manifest.length).putInt(manifest.length).put(manifest);
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
        HttpRequest.BodyPublishers.ofByteArray(head.array()), HttpRequest.BodyPublishers.ofFile(newest.databaseFile()));
    out.println("restore drill: snapshot " + newest.dir().getFileName() + " (state version " + newest.stateVersion()
        + ", " + newest.databaseSize() + " bytes) on the backup CAS " + backup);
    out.flush();
    HttpResponse<String> res = CasClient.connect(backup, pin, config.identity())
        .post("/v1/cas/restore-drill", "application/octet-stream", body, Duration.ofMinutes(10));
    JsonNode n = jsonOrNull(res.body());
    if (res.statusCode() != 200 || n == null || !n.has("passed")) {
      err.println("restore drill FAILED: the backup CAS refused it (" + res.statusCode() + "): "
          + (n != null ? n.path("error").asText(res.body()) : res.body()));
      return 1;
    }
    return report(n, newest.dir().getFileName().toString(), limit, out, err);
  }

  private int throughPrimary(CliConfig config, Duration limit, PrintWriter out, PrintWriter err) throws Exception {
    String addr = primary != null ? primary : config.defaultCas().orElseThrow(
        () -> new Errors.UserError("no CAS given and the CLI config has no default CAS: use --cas ADDR, or --snapshot DIR"));
    KeyHash pin = config.keyHash(addr).orElseThrow(() -> new Errors.UserError(
        "the CLI config does not know the CAS " + addr + " (provision it, or add it with its key hash)"));
    out.println("restore drill: the CAS " + addr + " sends its newest snapshot to the backup CAS " + backup);
    out.flush();
    HttpResponse<String> res = CasClient.connect(addr, pin, config.identity()).post("/v1/cas/restore-drills",
        "application/json", HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("address", backup).toString()),
        Duration.ofMinutes(10));
    JsonNode n = jsonOrNull(res.body());
    if (res.statusCode() != 200 || n == null || !n.has("passed")) {
      err.println("restore drill FAILED: " + (n != null ? n.path("error").asText(res.body()) : res.body())
          + " (" + res.statusCode() + ")");
      return 1;
    }
    return report(n, n.path("snapshot").asText(), limit, out, err);
  }

  private int report(JsonNode n, String snapshotName, Duration limit, PrintWriter out, PrintWriter err) {
    if (json) {
      out.println(n.toPrettyString());
    }
    boolean passed = n.path("passed").asBoolean();
    long age = n.path("recoveryPointSeconds").asLong(-1);
    for (JsonNode p : n.path("problems")) {
      err.println("  problem: " + p.asText());
    }
    String summary = "sessions read back: " + n.path("sessionsRead").asInt() + "/" + n.path("sessions").asInt()
        + "; attestation: " + n.path("attestation").asText() + "; restored in " + n.path("durationMillis").asLong()
        + " ms";
    if (!passed) {
      err.println("restore drill FAILED on " + backup + ": " + summary);
      return 1;
    }
    out.println("restore drill passed on " + backup + ": " + summary);
    out.println("recovery point: " + SnapshotRestore.age(Duration.ofSeconds(Math.max(0, age))) + " (snapshot "
        + snapshotName + ", state version " + n.path("stateVersion").asLong() + ")");
    if (limit != null && age > limit.toSeconds()) {
      err.println("restore drill FAILED: the recovery point " + SnapshotRestore.age(Duration.ofSeconds(age))
          + " is older than --max-age " + maxAge + ": snapshots are not being taken (check the CAS's"
          + " /health/snapshots)");
      return 1;
    }
    return 0;
  }

  /** The answer's JSON, or null when it is none (an error page, an empty body). */
  private static JsonNode jsonOrNull(String body) {
    try {
      return JSON.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
