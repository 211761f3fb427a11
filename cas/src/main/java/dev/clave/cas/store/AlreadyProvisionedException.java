package dev.clave.cas.store;

/** The CAS already has an owner; only the first provisioning succeeds. Nothing was written. */
public final class AlreadyProvisionedException extends StoreException {
  private static final long serialVersionUID = 1L;

  AlreadyProvisionedException() {
    super("the CAS is already provisioned: it has an owner");
  }
}
