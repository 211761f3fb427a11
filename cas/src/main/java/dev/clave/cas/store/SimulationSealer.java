package dev.clave.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;

/**
 * A {@link Sealer} for machines without SGX: the sealing key is HKDF-SHA256 of a 32-byte local secret
 * ({@value #SECRET_FILE} in the state directory, created on first use, mode 0600) and a platform identity
 * given by the caller (for example a node's platform ID).
 *
 * <p><b>What this protects against, and what not.</b> It keeps a copied database and key store useless on a
 * machine that lacks the secret file, and it refuses a key store sealed for another platform identity. It
 * does <em>not</em> protect against anyone who can read the state directory (root, the host, a backup of the
 * whole directory): they have the secret. SGX sealing replaces it in production; the store does not change.
 *
 * <p>Sealed format (version 1): {@code 0x01 ‖ secret-id[8] ‖ identity-id[8] ‖ nonce[12] ‖ AES-256-GCM
 * ciphertext ‖ tag[16]}, where {@code secret-id} is the first 8 bytes of HMAC-SHA256(secret,
 * "clave-sim-seal secret-id"), {@code identity-id} the first 8 bytes of SHA-256("clave-sim-seal identity-id\0" ‖
 * identity), and the GCM associated data is the 17-byte header followed by the caller's {@code aad}. The two
 * ids are not secret; they let {@link #unseal} say <em>why</em> it fails (another secret vs. another
 * identity). Key: HKDF-SHA256(salt = "clave-cas-simulation-sealing-v1", ikm = secret, info = "seal-key\0" ‖
 * identity).
 */
public final class SimulationSealer implements Sealer {
  /** The name of the local secret file in the state directory. */
  public static final String SECRET_FILE = "sealing-simulation.secret";

  /** The longest platform identity accepted. */
  public static final int MAX_IDENTITY_LENGTH = 1024;

  private static final int FORMAT = 1;
  private static final int ID_LENGTH = 8;
  private static final int HEADER_LENGTH = 1 + 2 * ID_LENGTH;
  private static final int SECRET_LENGTH = 32;
  private static final byte[] SALT = Bytes.ascii("clave-cas-simulation-sealing-v1");

  private final Path secretFile;
  private final SecretKey key;
  private final byte[] secretId;
  private final byte[] identityId;

  private SimulationSealer(Path secretFile, byte[] secret, byte[] identity) {
    this.secretFile = secretFile;
    this.key = Crypto.aesKey(Crypto.hkdf(SALT, secret, concat(Bytes.ascii("seal-key\0"), identity), 32));
    this.secretId = Arrays.copyOf(Crypto.hmac(Crypto.macKey(secret), Bytes.ascii("clave-sim-seal secret-id")),
        ID_LENGTH);
    this.identityId = Arrays.copyOf(Crypto.sha256(Bytes.ascii("clave-sim-seal identity-id\0"), identity), ID_LENGTH);
  }

  /**
   * The sealer of the state directory {@code stateDir} for {@code platformIdentity}: reads the secret file, or
   * creates it (and the directory, 0700) on first use.
   *
   * @throws StoreException if the secret file cannot be read or created, has the wrong length, or others may
   *     access it
   */
  public static SimulationSealer open(Path stateDir, byte[] platformIdentity) {
    if (platformIdentity == null || platformIdentity.length == 0 || platformIdentity.length > MAX_IDENTITY_LENGTH) {
      throw new IllegalArgumentException("the platform identity must have 1 to " + MAX_IDENTITY_LENGTH
          + " bytes, got " + (platformIdentity == null ? "none" : platformIdentity.length));
    }
    Path file = stateDir.resolve(SECRET_FILE);
    byte[] secret = null;
    try {
      SecureFiles.createPrivateDirectory(stateDir);
      if (!Files.exists(file)) {
        secret = Crypto.random(SECRET_LENGTH);
        if (!SecureFiles.createIfAbsent(file, secret)) {
          // Another process (a replica sharing this directory) created it first: use that one.
          Arrays.fill(secret, (byte) 0);
          secret = null;
        }
      }
      if (secret == null) {
        SecureFiles.requireOwnerOnly(file, "the sealing secret");
        long size = Files.size(file);
        if (size != SECRET_LENGTH) {
          throw new StoreException("the sealing secret " + file + " has " + size + " bytes; it must have "
              + SECRET_LENGTH + ". It is damaged: restore it from where it was backed up (without it the key"
              + " store cannot be unsealed)");
        }
        secret = Files.readAllBytes(file);
      }
      return new SimulationSealer(file, secret, platformIdentity.clone());
    } catch (IOException e) {
      throw new StoreException("cannot read or create the sealing secret " + file + ": " + e, e);
    } finally {
      if (secret != null) {
        Arrays.fill(secret, (byte) 0);
      }
    }
  }

  @Override
  public byte[] seal(byte[] plaintext, byte[] aad) {
    byte[] header = header();
    return concat(header, Crypto.encrypt(key, plaintext, concat(header, aad)));
  }

  @Override
  public byte[] unseal(byte[] sealed, byte[] aad) {
    if (sealed.length < HEADER_LENGTH + Crypto.AEAD_OVERHEAD) {
      throw new UnsealException("the sealed data has " + sealed.length + " bytes; simulation-sealed data has at"
          + " least " + (HEADER_LENGTH + Crypto.AEAD_OVERHEAD));
    }
    if (sealed[0] != FORMAT) {
      throw new UnsealException("the sealed data has format " + (sealed[0] & 0xff) + "; the simulation sealer"
          + " reads format " + FORMAT + " (was it sealed by another kind of sealer, e.g. SGX?)");
    }
    byte[] header = Arrays.copyOf(sealed, HEADER_LENGTH);
    if (!MessageDigest.isEqual(Arrays.copyOfRange(header, 1, 1 + ID_LENGTH), secretId)) {
      throw new UnsealException("the data was sealed with a different sealing secret than " + secretFile
          + ": it comes from another machine or state directory, or the secret file was replaced");
    }
    if (!MessageDigest.isEqual(Arrays.copyOfRange(header, 1 + ID_LENGTH, HEADER_LENGTH), identityId)) {
      throw new UnsealException("the data was sealed for a different platform identity than this platform's");
    }
    try {
      return Crypto.decrypt(key, Arrays.copyOfRange(sealed, HEADER_LENGTH, sealed.length), concat(header, aad));
    } catch (AEADBadTagException e) {
      throw new UnsealException("the sealed data was changed, or it was sealed for another purpose"
          + " (authentication failed)");
    }
  }

  @Override
  public String toString() {
    return "SimulationSealer[" + secretFile + "]";
  }

  private byte[] header() {
    byte[] h = new byte[HEADER_LENGTH];
    h[0] = FORMAT;
    System.arraycopy(secretId, 0, h, 1, ID_LENGTH);
    System.arraycopy(identityId, 0, h, 1 + ID_LENGTH, ID_LENGTH);
    return h;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
