package dev.clave.attestation.jca;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 public keys derived from private key objects, remembered by the object's identity while it lives.
 * Signing needs the public key, and deriving it is a fixed-base multiplication that costs as much as the
 * signature itself; a TLS endpoint calls {@code initSign} with the same key object in every handshake. Keyed
 * by identity, not by {@code equals}, so no hash of the secret bytes is ever computed or stored.
 */
final class DerivedPublicKeys {
  /** Far above the identities one process signs with; past it the map starts over rather than grows. */
  private static final int MAX_ENTRIES = 4096;
  private static final ConcurrentHashMap<Identity, Derived> DERIVED = new ConcurrentHashMap<>();
  private static final ReferenceQueue<PrivateKey> GONE = new ReferenceQueue<>();

  private DerivedPublicKeys() {}

  /** The public key of {@code seed}, which is {@code key}'s 32 secret bytes. */
  static byte[] get(PrivateKey key, byte[] seed) {
    Derived known = DERIVED.get(new Identity(key, null));
    // The seed is compared too: signing one message under two public keys would give the private key away.
    if (known != null && MessageDigest.isEqual(known.seed, seed)) {
      return known.publicKey;
    }
    byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
    Ed25519.generatePublicKey(seed, 0, pub, 0);
    for (Object r = GONE.poll(); r != null; r = GONE.poll()) {
      DERIVED.remove(r);
    }
    if (DERIVED.size() >= MAX_ENTRIES) {
      DERIVED.clear();
    }
    DERIVED.put(new Identity(key, GONE), new Derived(seed.clone(), pub));
    return pub;
  }

  private record Derived(byte[] seed, byte[] publicKey) {}

  /** A weak reference equal to another exactly when both refer to the same live object. */
  private static final class Identity extends WeakReference<PrivateKey> {
    private final int hash;

    Identity(PrivateKey key, ReferenceQueue<PrivateKey> queue) {
      super(key, queue);
      hash = System.identityHashCode(key);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof Identity other)) {
        return false;
      }
      PrivateKey mine = get();
      return mine != null && mine == other.get();
    }
  }
}
