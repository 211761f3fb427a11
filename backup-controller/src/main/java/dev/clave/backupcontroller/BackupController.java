package dev.clave.backupcontroller;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The controller's rounds: every covered node with a LAS gets a backup CAS registered once per platform. A node
 * is registered again when its platform changes (the LAS's platform ID, else the node's boot ID), and a failed
 * registration is retried the next round.
 *
 * <p>With a drill session, a restore drill runs at most once per drill interval (issue #7): right after a
 * registration, while that node's backup CAS is still up; when no node needed one, on a backup CAS started just for
 * the drill on a registered node, the nodes taking turns. Its result goes to the log and the CAS resource's status.
 * A drill that fails counts as a drill: the next one is due an interval later, not the next round.
 */
public final class BackupController {
  private final ControllerConfig config;
  private final Cluster cluster;
  private final PlatformIds platformIds;
  private final ControllerLog log;
  /** node → the platform its backup was registered on; lives as long as the process, as the original's did. */
  private final Map<String, String> registeredPlatform = new HashMap<>();
  private final Clock clock;
  /** When the last restore drill ran; null: none yet (in this process). */
  private Instant lastDrill;
  /** The node of the last restore drill, where the turn of the next one starts. */
  private String lastDrillNode = "";
  /** Whether this round has had its restore drill. */
  private boolean drilledThisRound;

  public BackupController(ControllerConfig config, Cluster cluster, PlatformIds platformIds, ControllerLog log) {
    this(config, cluster, platformIds, log, Clock.systemUTC());
  }

  /** @param clock decides when a restore drill is due and stamps its status */
  public BackupController(ControllerConfig config, Cluster cluster, PlatformIds platformIds, ControllerLog log, Clock clock) {
    this.config = config;
    this.cluster = cluster;
    this.platformIds = platformIds;
    this.log = log;
    this.clock = clock;
  }

  /** The start-up lines of the original. */
  public void announce() {
    log.info("Using session " + config.session());
    if (config.drills()) {
      log.info("Restore drills as session " + config.drillSession() + " every " + seconds(config.drillInterval()));
    }
    log.info("Starting controller...");
    log.info("Backup CAS resources will be named '" + config.backupName() + "'-<node_name>");
    log.info("Selecting LAS pods that match selector " + config.lasSelectorText() + " on namespace " + config.lasNamespace());
  }

  /** Runs rounds until the thread is interrupted. */
  public void run() throws InterruptedException {
    announce();
    while (!Thread.currentThread().isInterrupted()) {
      try {
        round();
      } catch (RuntimeException e) {
        // The API server may be briefly unreachable; the next round tries again.
        log.error("Round failed: " + e.getMessage());
      }
      Thread.sleep(config.interval().toMillis());
    }
  }

  /** One pass over the nodes; node → whether a backup is registered for its current platform. */
  public Map<String, Boolean> round() {
    Map<String, Boolean> result = new LinkedHashMap<>();
    drilledThisRound = false;
    int sgxNodes = 0;
    for (SgxNode node : cluster.sgxNodes()) {
      sgxNodes++;
      if (node.lasPodIp().isEmpty()) {
        log.warning("No running LAS pod on node " + node.name() + ", skipping it");
        continue;
      }
      String platform = platformOf(node);
      if (platform.equals(registeredPlatform.get(node.name()))) {
        result.put(node.name(), true);
        continue;
      }
      boolean ok = provisionAndRegister(node.name(), false);
      if (ok) {
        registeredPlatform.put(node.name(), platform);
      } else {
        registeredPlatform.remove(node.name());
      }
      result.put(node.name(), ok);
    }
    if (drillDue()) {
      drillOnRegisteredNode(result);
    }
    reportRatio(result, sgxNodes);
    log.info("Nodes with registered CAS backups (check logs for failed registrations):");
    log.raw(RegisteredNodesJson.format(result));
    return result;
  }

  private String platformOf(SgxNode node) {
    Optional<String> id = platformIds.read(node.lasPodIp().orElseThrow());
    // The prefixes keep a platform ID and a boot ID from ever comparing equal.
    return id.map(s -> "platform:" + s).orElseGet(() -> "boot:" + node.bootId());
  }

  /**
   * Starts the backup CAS on {@code node}, registers it and, when a drill is due, drills on it; then removes the
   * pods. {@code forDrill}: the node is registered already and this backup CAS is started for the drill; it is
   * registered all the same, since the primary drills only on backups it has registered (by key hash), and every
   * backup CAS pod starts with a new key.
   */
  private boolean provisionAndRegister(String node, boolean forDrill) {
    String pod = config.backupPodName(node);
    log.info("Provisioning backup CAS on node " + node + (forDrill ? " for a restore drill: " : ": ") + pod);
    if (forDrill) {
      markDrill(node);
    }
    try {
      cluster.startBackupCas(node);
      Optional<String> ip = cluster.awaitReady(pod);
      if (ip.isEmpty()) {
        String why = "Backup CAS " + pod + " on node " + node + " did not get ready within " + seconds(config.podTimeout());
        log.error(why);
        if (forDrill) {
          drillFailed(node, why);
        }
        return false;
      }
      Registration r = cluster.register(node, hostPort(ip.get(), config.clientPort()));
      if (!r.output().isBlank()) {
        log.raw(r.output().stripTrailing());
      }
      if (r.succeeded()) {
        log.info("Successfully registered backup on node " + node);
        if (drillDue() || forDrill) {
          drill(node, ip.get());
        }
        return true;
      }
      log.error("Failed to register backup on node " + node + " (exit code " + r.exitCode() + ")");
      if (forDrill) {
        drillFailed(node, "the backup CAS for the drill could not be registered (exit code " + r.exitCode() + ")");
      }
      return false;
    } catch (RuntimeException e) {
      log.error("Failed to register backup on node " + node + ": " + e.getMessage());
      if (forDrill) {
        drillFailed(node, e.getMessage());
      }
      return false;
    } finally {
      removePods(node);
    }
  }

  private boolean drillDue() {
    return config.drills() && !drilledThisRound
        && (lastDrill == null || !clock.instant().isBefore(lastDrill.plus(config.drillInterval())));
  }

  /** A drill is under way on {@code node}: it is this round's and this interval's, whatever its result. */
  private void markDrill(String node) {
    drilledThisRound = true;
    lastDrill = clock.instant();
    lastDrillNode = node;
  }

  /** No registration this round gave a backup CAS to drill on: one is started on a registered node, in turn. */
  private void drillOnRegisteredNode(Map<String, Boolean> result) {
    List<String> registered = result.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).sorted().toList();
    if (registered.isEmpty()) {
      return;
    }
    // The first node after the last drill's, in name order, so that every node's backup gets drilled in turn.
    String node = registered.stream().filter(n -> n.compareTo(lastDrillNode) > 0).findFirst().orElse(registered.get(0));
    // The node keeps counting as registered whatever happens here: its earlier registration stands.
    provisionAndRegister(node, true);
  }

  /** Runs the restore drill against the backup CAS at {@code ip} on {@code node}, which is up and registered. */
  private void drill(String node, String ip) {
    markDrill(node);
    log.info("Running restore drill on node " + node + " as session " + config.drillSession());
    RestoreDrill d;
    try {
      d = cluster.drill(node, hostPort(ip, config.clientPort()));
    } catch (RuntimeException e) {
      drillFailed(node, e.getMessage());
      return;
    }
    if (!d.output().isBlank()) {
      log.raw(d.output().stripTrailing());
    }
    if (d.passed()) {
      log.info("Restore drill on node " + node + " passed: recovery point " + d.recoveryPoint().orElse("unknown"));
      writeDrillStatus(new DrillStatus(lastDrill, true, node, d.recoveryPointSeconds(), ""));
    } else {
      drillFailed(node, d.failureReason(config.podTimeout()));
    }
  }

  private void drillFailed(String node, String reason) {
    String why = reason == null || reason.isBlank() ? "no reason given" : reason;
    log.error("Restore drill on node " + node + " failed: " + why);
    writeDrillStatus(new DrillStatus(lastDrill, false, node, OptionalLong.empty(), why));
  }

  private void writeDrillStatus(DrillStatus status) {
    if (config.casResource().isEmpty()) {
      return;
    }
    try {
      cluster.writeDrillStatus(config.casResource(), status);
    } catch (RuntimeException e) {
      log.warning("Could not write the restore drill status to CAS resource " + config.namespace() + "/"
          + config.casResource() + ": " + e.getMessage());
    }
  }

  private void removePods(String node) {
    try {
      cluster.removeEphemeralPods(node);
    } catch (RuntimeException e) {
      log.warning("Could not remove the backup CAS pods of node " + node + ": " + e.getMessage());
    }
  }

  /** Logged every round, and written to the CAS resource's status as the original's controller did. */
  private void reportRatio(Map<String, Boolean> result, int sgxNodes) {
    int migratable = (int) result.values().stream().filter(b -> b).count();
    double ratio = sgxNodes == 0 ? 0 : (double) migratable / sgxNodes;
    log.info(String.format(Locale.ROOT, "migratableNodes=%d sgxNodes=%d migrationNodeRatio=%.2f", migratable, sgxNodes, ratio));
    if (config.casResource().isEmpty()) {
      return;
    }
    try {
      cluster.writeMigrationStatus(config.casResource(), sgxNodes, migratable);
    } catch (RuntimeException e) {
      // The status is a report; the registrations it reports on matter more, so the round goes on.
      log.warning("Could not write the migration status to CAS resource " + config.namespace() + "/"
          + config.casResource() + ": " + e.getMessage());
    }
  }

  private static String hostPort(String ip, int port) {
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
  }

  private static String seconds(Duration d) {
    return d.toSeconds() + "s";
  }
}
