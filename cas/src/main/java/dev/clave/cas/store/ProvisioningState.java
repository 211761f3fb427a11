package dev.clave.cas.store;

import dev.clave.policy.protect.KeyHash;
import java.util.Arrays;

/**
 * Who owns this CAS (reference §2.4): {@link Unprovisioned} while it waits for its owner, {@link Provisioned}
 * once the first owner has provisioned it. Stored encrypted like everything else. Byte arrays are copied in
 * and out; {@code toString} shows sizes, never the owner config (it may hold credentials).
 */
public sealed interface ProvisioningState {
  /** The largest owner certificate accepted. */
  int MAX_CERTIFICATE_BYTES = 64 * 1024;

  /** The largest owner configuration accepted. */
  int MAX_CONFIG_BYTES = 1024 * 1024;

  /**
   * A fresh CAS waiting for its owner. The owner proves it read the CAS's log by presenting the provisioning
   * token; only its SHA-256 digest is stored.
   */
  record Unprovisioned(byte[] tokenDigest) implements ProvisioningState {
    public Unprovisioned {
      if (tokenDigest == null || tokenDigest.length != 32) {
        throw new IllegalArgumentException("the provisioning token digest must be 32 bytes (SHA-256), got "
            + (tokenDigest == null ? "none" : tokenDigest.length));
      }
      tokenDigest = tokenDigest.clone();
    }

    @Override
    public byte[] tokenDigest() {
      return tokenDigest.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Unprovisioned u && Arrays.equals(tokenDigest, u.tokenDigest);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(tokenDigest);
    }

    @Override
    public String toString() {
      return "Unprovisioned[]";
    }
  }

  /**
   * A CAS with an owner.
   *
   * @param ownerKeyHash the key hash of the owner's TLS client key: the owner's identity
   * @param ownerCertificate the owner's certificate as presented (DER or PEM), may be empty
   * @param ownerConfig the owner configuration as uploaded (the CAS parses it)
   */
  record Provisioned(KeyHash ownerKeyHash, byte[] ownerCertificate, byte[] ownerConfig) implements ProvisioningState {
    public Provisioned {
      if (ownerKeyHash == null) {
        throw new IllegalArgumentException("the owner key hash is missing");
      }
      if (ownerCertificate == null || ownerConfig == null) {
        throw new IllegalArgumentException("the owner " + (ownerCertificate == null ? "certificate" : "config")
            + " is missing (use an empty array for none)");
      }
      if (ownerCertificate.length > MAX_CERTIFICATE_BYTES) {
        throw new StoreLimitException("the owner certificate", ownerCertificate.length, MAX_CERTIFICATE_BYTES);
      }
      if (ownerConfig.length > MAX_CONFIG_BYTES) {
        throw new StoreLimitException("the owner config", ownerConfig.length, MAX_CONFIG_BYTES);
      }
      ownerCertificate = ownerCertificate.clone();
      ownerConfig = ownerConfig.clone();
    }

    @Override
    public byte[] ownerCertificate() {
      return ownerCertificate.clone();
    }

    @Override
    public byte[] ownerConfig() {
      return ownerConfig.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Provisioned p && ownerKeyHash.equals(p.ownerKeyHash)
          && Arrays.equals(ownerCertificate, p.ownerCertificate) && Arrays.equals(ownerConfig, p.ownerConfig);
    }

    @Override
    public int hashCode() {
      return ownerKeyHash.hashCode() * 31 + Arrays.hashCode(ownerConfig);
    }

    @Override
    public String toString() {
      return "Provisioned[owner " + ownerKeyHash + ", certificate " + ownerCertificate.length + " bytes, config "
          + ownerConfig.length + " bytes]";
    }
  }
}
