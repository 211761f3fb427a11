package dev.clave.backupcontroller;

import java.util.List;
import java.util.Optional;

/** The Kubernetes side of a round, kept small so that the round logic can be tested on its own. */
public interface Cluster {
  /** The nodes with the node selector labels, masters left out, each with its LAS pod if one is running. */
  List<SgxNode> sgxNodes();

  /** Starts the backup CAS pod on {@code node} (replacing a leftover one) and returns its name. */
  String startBackupCas(String node);

  /** Waits until the pod is ready; its IP, or empty when it did not get ready in time. */
  Optional<String> awaitReady(String pod);

  /** Runs {@code clave run --config-id SESSION -- clave cas register-backup ADDRESS} on {@code node} to its end. */
  Registration register(String node, String backupAddress);

  /**
   * Merges the migration fields into the status of CAS resource {@code casResource} (in the controller's
   * namespace): {@code desiredNumMigratableNodes}, {@code numMigratableNodes}, {@code migrationNodeRatio}.
   *
   * @throws RuntimeException when it cannot be written (no such resource, no CRD, no permission); the message says why
   */
  void writeMigrationStatus(String casResource, int sgxNodes, int migratableNodes);

  /**
   * Runs {@code clave run --config-id DRILL_SESSION -- clave cas restore-drill --on ADDRESS} on {@code node} to its
   * end: the primary sends its newest snapshot to the backup CAS at {@code backupAddress}, which restores it.
   */
  RestoreDrill drill(String node, String backupAddress);

  /**
   * Merges the restore drill fields into the status of CAS resource {@code casResource}: {@code restoreDrillTimestamp},
   * {@code restoreDrillResult}, {@code restoreDrillNode}, {@code restoreDrillRecoveryPointSeconds},
   * {@code restoreDrillMessage}.
   *
   * @throws RuntimeException when it cannot be written; the message says why
   */
  void writeDrillStatus(String casResource, DrillStatus status);

  /** Removes the backup CAS pod and the registration and restore drill pods of {@code node}, if they exist. */
  void removeEphemeralPods(String node);
}
