package dev.clave.cas.store;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * The store's key material wrapped for one registered backup CAS (issue #7), ECIES over the backup's CAS key
 * (P-256, the key whose SubjectPublicKeyInfo the backup's quote binds):
 *
 * <ul>
 *   <li>an ephemeral P-256 key pair; z = ECDH(ephemeral private, backup public);
 *   <li>k = HKDF-SHA256(salt = SHA-256(backup SPKI), ikm = z, info = {@code "clave-cas-backup-wrap-v1\0"} ‖
 *       ephemeral SPKI), 32 bytes;
 *   <li>ct = AES-256-GCM(k, data key ‖ store id, aad = {@link #aad}): the record's identity (backup key hash,
 *       its platform ID, the store id, the ephemeral key), so a record moved to another backup, platform or store
 *       does not open.
 * </ul>
 *
 * Only the holder of the backup's private key unwraps it; the record itself needs no other protection (it is
 * read before the data key is known). Anyone can wrap a key to a public key, though: what a record proves is
 * that its store's key is meant for this backup, not who made it (see {@link SqliteCasStore} on first opens).
 */
final class BackupKeyWrap {
  private static final byte[] INFO = Bytes.ascii("clave-cas-backup-wrap-v1\0");
  private static final byte[] AAD_DOMAIN = Bytes.ascii("clave-cas-backup-v1\0");

  /** A stored record: everything but the backup's key hash, its primary key. */
  record Wrapped(String platformId, byte[] storeId, byte[] ephemeralSpki, byte[] ct) {}

  private BackupKeyWrap() {}

  static Wrapped wrap(byte[] backupSpki, String keyHash, String platformId, byte[] dataKey, byte[] storeId) {
    try {
      PublicKey backup = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(backupSpki));
      if (!(backup instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException("the backup's CAS key is not a P-256 key");
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair eph = g.generateKeyPair();
      byte[] ephSpki = eph.getPublic().getEncoded();
      byte[] k = derive(eph.getPrivate(), backup, backupSpki, ephSpki);
      byte[] payload = new Bytes.Writer(64).raw(dataKey).raw(storeId).toByteArray();
      try {
        byte[] ct = Crypto.encrypt(Crypto.aesKey(k), payload, aad(keyHash, platformId, storeId, ephSpki));
        return new Wrapped(platformId, storeId.clone(), ephSpki, ct);
      } finally {
        Arrays.fill(k, (byte) 0);
        Arrays.fill(payload, (byte) 0);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot wrap the store key for the backup: " + e.getClass().getSimpleName());
    }
  }

  /**
   * {@link #wrap} of the key material sealed in a store's key store ({@code sealedDataKey}, unsealed by {@code
   * sealer}); the unsealed copy is wiped before this returns. {@code store} names the store in errors.
   */
  static Wrapped wrapSealed(Sealer sealer, byte[] sealedDataKey, byte[] backupSpki, String keyHash, String platformId,
      String store) {
    byte[] payload = null;
    KeyStoreFile.Payload p = null;
    try {
      payload = sealer.unseal(sealedDataKey, KeyStoreFile.SEAL_AAD);
      p = KeyStoreFile.parsePayload(payload);
      return wrap(backupSpki, keyHash, platformId, p.dataKey(), p.storeId());
    } catch (Bytes.MalformedException e) {
      throw new StoreIntegrityException("the key store of " + store + " unseals to a malformed payload");
    } finally {
      if (payload != null) {
        Arrays.fill(payload, (byte) 0);
      }
      if (p != null) {
        Arrays.fill(p.dataKey(), (byte) 0);
      }
    }
  }

  /** The registration for {@code keyHash} in {@code c}'s {@code backup_registrations} table (which exists), or null. */
  static Wrapped find(java.sql.Connection c, String keyHash) throws java.sql.SQLException {
    try (java.sql.PreparedStatement ps = c.prepareStatement(
        "SELECT platform_id, store_id, eph_spki, ct FROM backup_registrations WHERE key_hash = ?")) {
      ps.setString(1, keyHash);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Wrapped(rs.getString(1), rs.getBytes(2), rs.getBytes(3), rs.getBytes(4)) : null;
      }
    }
  }

  /**
   * The key material of store {@code storeId} in the registration {@code w} for {@code self}: the record must be
   * for that store and open with {@code self}'s key. Errors start with {@code where} (the database) and end with
   * {@code fix} (what to do).
   *
   * @throws StoreIntegrityException otherwise
   */
  static DataKeySource.KeyMaterial open(Wrapped w, BackupIdentity self, byte[] storeId, String where, String fix) {
    String store = "store " + java.util.HexFormat.of().formatHex(storeId);
    if (w.storeId() == null || !java.security.MessageDigest.isEqual(w.storeId(), storeId)) {
      throw new StoreIntegrityException(where + ": the backup registration for key hash " + self.keyHash()
          + " is for another store than " + store + fix);
    }
    return unwrap(w, self.privateKey(), self.publicKeyInfo(), self.keyHash()).orElseThrow(() ->
        new StoreIntegrityException(where + ": the backup registration of " + store + " for key hash "
            + self.keyHash() + " does not open with this CAS's key (made for another key, or changed)" + fix));
  }

  /** The key material, or empty if the record was not made for this key, key hash and platform (or was changed). */
  static java.util.Optional<DataKeySource.KeyMaterial> unwrap(Wrapped w, PrivateKey own, byte[] ownSpki, String keyHash) {
    byte[] k = null;
    byte[] payload = null;
    try {
      PublicKey eph = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(w.ephemeralSpki()));
      k = derive(own, eph, ownSpki, w.ephemeralSpki());
      payload = Crypto.decrypt(Crypto.aesKey(k), w.ct(), aad(keyHash, w.platformId(), w.storeId(), w.ephemeralSpki()));
      if (payload.length != Crypto.KEY_LENGTH + StoreKeys.STORE_ID_LENGTH) {
        return java.util.Optional.empty();
      }
      byte[] storeId = Arrays.copyOfRange(payload, Crypto.KEY_LENGTH, payload.length);
      if (!java.security.MessageDigest.isEqual(storeId, w.storeId())) {
        return java.util.Optional.empty();
      }
      byte[] dataKey = Arrays.copyOf(payload, Crypto.KEY_LENGTH);
      try {
        return java.util.Optional.of(new DataKeySource.KeyMaterial(dataKey, storeId));
      } finally {
        Arrays.fill(dataKey, (byte) 0);
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return java.util.Optional.empty(); // fail closed: a record this CAS cannot open is no registration for it
    } finally {
      if (k != null) {
        Arrays.fill(k, (byte) 0);
      }
      if (payload != null) {
        Arrays.fill(payload, (byte) 0);
      }
    }
  }

  private static byte[] derive(PrivateKey priv, PublicKey pub, byte[] backupSpki, byte[] ephSpki)
      throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(priv);
    ka.doPhase(pub, true);
    byte[] z = ka.generateSecret();
    try {
      return Crypto.hkdf(Crypto.sha256(backupSpki), z, new Bytes.Writer(128).raw(INFO).raw(ephSpki).toByteArray(),
          Crypto.KEY_LENGTH);
    } finally {
      Arrays.fill(z, (byte) 0);
    }
  }

  static byte[] aad(String keyHash, String platformId, byte[] storeId, byte[] ephSpki) {
    return new Bytes.Writer(256).raw(AAD_DOMAIN).field(keyHash).field(platformId).raw(storeId).field(ephSpki)
        .toByteArray();
  }
}
