package dev.clave.operator.cas;

import dev.clave.cas.CasConfig;

/** Names and ports shared by a CAS's StatefulSet, Service and store volume. */
final class CasWorkload {
  static final String APP = "clave-cas";
  static final String DEFAULT_MOUNT_PATH = "/etc/cas/db";
  static final String DEFAULT_SIZE = "1Gi";

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
}
