package dev.clave.cas.store;

import java.security.PrivateKey;

/**
 * Who a CAS is when it opens a copied database as a registered backup: its CAS key (the private key unwraps the
 * registration; the SubjectPublicKeyInfo and key hash identify it) and a description of its platform for
 * messages. Holds a private key; never printed.
 */
public record BackupIdentity(String keyHash, PrivateKey privateKey, byte[] publicKeyInfo, String platform) {
  public BackupIdentity {
    publicKeyInfo = publicKeyInfo.clone();
  }

  @Override
  public byte[] publicKeyInfo() {
    return publicKeyInfo.clone();
  }

  @Override
  public String toString() {
    return "BackupIdentity[" + keyHash + "]";
  }
}
