package dev.clave.backupcontroller;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The controller's rounds: every covered node with a LAS gets a backup CAS registered once per platform. A node
 * is registered again when its platform changes (the LAS's platform ID, else the node's boot ID), and a failed
 * registration is retried the next round.
 */
public final class BackupController {
  private final ControllerConfig config;
  private final Cluster cluster;
  private final PlatformIds platformIds;
  private final ControllerLog log;
  /** node → the platform its backup was registered on; lives as long as the process, as the original's did. */
  private final Map<String, String> registeredPlatform = new HashMap<>();

  public BackupController(ControllerConfig config, Cluster cluster, PlatformIds platformIds, ControllerLog log) {
    this.config = config;
    this.cluster = cluster;
    this.platformIds = platformIds;
    this.log = log;
  }

  /** The start-up lines of the original. */
  public void announce() {
    log.info("Using session " + config.session());
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
      boolean ok = provisionAndRegister(node.name());
      if (ok) {
        registeredPlatform.put(node.name(), platform);
      } else {
        registeredPlatform.remove(node.name());
      }
      result.put(node.name(), ok);
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

  private boolean provisionAndRegister(String node) {
    String pod = config.backupPodName(node);
    log.info("Provisioning backup CAS on node " + node + ": " + pod);
    try {
      cluster.startBackupCas(node);
      Optional<String> ip = cluster.awaitReady(pod);
      if (ip.isEmpty()) {
        log.error("Backup CAS " + pod + " on node " + node + " did not get ready within " + seconds(config.podTimeout()));
        return false;
      }
      Registration r = cluster.register(node, hostPort(ip.get(), config.clientPort()));
      if (!r.output().isBlank()) {
        log.raw(r.output().stripTrailing());
      }
      if (r.succeeded()) {
        log.info("Successfully registered backup on node " + node);
        return true;
      }
      log.error("Failed to register backup on node " + node + " (exit code " + r.exitCode() + ")");
      return false;
    } catch (RuntimeException e) {
      log.error("Failed to register backup on node " + node + ": " + e.getMessage());
      return false;
    } finally {
      try {
        cluster.removeEphemeralPods(node);
      } catch (RuntimeException e) {
        log.warning("Could not remove the backup CAS pods of node " + node + ": " + e.getMessage());
      }
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
