package dev.clave.operator.cas;

import dev.clave.cas.CasConfig;

/** Names and ports shared by a CAS's StatefulSet, Service, store volume and snapshots volume. */
final class CasWorkload {
  static final String APP = "clave-cas";
  static final String DEFAULT_MOUNT_PATH = "/etc/cas/db";
  static final String DEFAULT_SIZE = "1Gi";
  static final String DEFAULT_SNAPSHOT_DIR = "/var/mnt/cas-database-snapshots";
  static final String DEFAULT_SNAPSHOT_INTERVAL = "60s";

  private CasWorkload() {}

  static String name(Cas cas) {
    return cas.getMetadata().getName();
  }

  static String claimName(Cas cas) {
    return cas.getMetadata().getName() + "-db";
  }

  static int clientPort(Cas cas) {
    Integer p = cas.getSpec().getService().getClientPort();
    return p != null ? p : CasConfig.DEFAULT_CLIENT_PORT;
  }

  static int enclavePort(Cas cas) {
    Integer p = cas.getSpec().getService().getEnclavePort();
    return p != null ? p : CasConfig.DEFAULT_ENCLAVE_PORT;
  }

  static String mountPath(Cas cas) {
    String m = cas.getSpec().getPersistence().getMountPath();
    return m != null && !m.isBlank() ? m : DEFAULT_MOUNT_PATH;
  }

  static boolean snapshotsOn(Cas cas) {
    return cas.getSpec().getDatabaseSnapshots().on();
  }

  /** Snapshots on a claim of their own: {@code databaseSnapshots.persistence.enabled}, unset following {@code persistence.enabled}. */
  static boolean snapshotsPersistent(Cas cas) {
    Boolean own = cas.getSpec().getDatabaseSnapshots().getPersistence().getEnabled();
    return snapshotsOn(cas) && (own != null ? own : cas.getSpec().getPersistence().on());
  }

  static String snapshotClaimName(Cas cas) {
    return cas.getMetadata().getName() + "-snapshots";
  }

  static String snapshotDir(Cas cas) {
    String d = cas.getSpec().getDatabaseSnapshots().getTargetDirectory();
    return d != null && !d.isBlank() ? d : DEFAULT_SNAPSHOT_DIR;
  }

  static String snapshotInterval(Cas cas) {
    String i = cas.getSpec().getDatabaseSnapshots().getInterval();
    return i != null && !i.isBlank() ? i : DEFAULT_SNAPSHOT_INTERVAL;
  }
}
