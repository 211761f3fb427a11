package dev.clave.cas.store;

/**
 * Seals data to the platform: only this platform (and, with SGX, only this enclave identity) can unseal it.
 * The store seals its data key with it, once, when it is created.
 *
 * <p>Implementations: {@link SimulationSealer} (a key derived from a local secret file and a platform
 * identity; no hardware protection). SGX sealing (a key from {@code EGETKEY} bound to MRENCLAVE or MRSIGNER)
 * plugs in here later without changing the store.
 *
 * <p>Sealing must be authenticated encryption that binds {@code aad}: unsealing with other associated data
 * fails. The sealed format is the implementation's; the store treats it as opaque (at most {@value
 * #MAX_SEALED_LENGTH} bytes). Implementations are thread-safe.
 */
public interface Sealer {
  /** The largest sealed output the store accepts. */
  int MAX_SEALED_LENGTH = 4096;

  /** Seals {@code plaintext}, binding {@code aad} (not encrypted, not included in the output). */
  byte[] seal(byte[] plaintext, byte[] aad);

  /**
   * Unseals what {@link #seal} returned for the same {@code aad}.
   *
   * @throws UnsealException if it was sealed elsewhere or for other associated data, or was changed; the
   *     message says which when the sealer can tell, and never contains key material
   */
  byte[] unseal(byte[] sealed, byte[] aad);
}
