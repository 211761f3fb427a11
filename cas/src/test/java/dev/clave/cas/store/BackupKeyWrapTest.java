package dev.clave.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.junit.jupiter.api.Test;

/** The backup wrap opens only with the backup's key and only for the identity it was made for. */
class BackupKeyWrapTest {
  private static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  @Test
  void onlyTheBackupsKeyUnwrapsAndTheRecordIsBoundToItsIdentity() throws Exception {
    KeyPair backup = p256();
    KeyPair other = p256();
    byte[] dataKey = Crypto.random(Crypto.KEY_LENGTH);
    byte[] storeId = Crypto.random(StoreKeys.STORE_ID_LENGTH);
    byte[] spki = backup.getPublic().getEncoded();
    BackupKeyWrap.Wrapped w = BackupKeyWrap.wrap(spki, "HASH-B", "PLATFORM-B", dataKey, storeId);

    DataKeySource.KeyMaterial km = BackupKeyWrap.unwrap(w, backup.getPrivate(), spki, "HASH-B").orElseThrow();
    assertThat(km.dataKey()).isEqualTo(dataKey);
    assertThat(km.storeId()).isEqualTo(storeId);

    assertThat(BackupKeyWrap.unwrap(w, other.getPrivate(), other.getPublic().getEncoded(), "HASH-B")).isEmpty();
    assertThat(BackupKeyWrap.unwrap(w, backup.getPrivate(), spki, "HASH-X")).isEmpty();
    assertThat(BackupKeyWrap.unwrap(new BackupKeyWrap.Wrapped("PLATFORM-X", w.storeId(), w.ephemeralSpki(), w.ct()),
        backup.getPrivate(), spki, "HASH-B")).isEmpty();
    byte[] otherStore = w.storeId().clone();
    otherStore[0] ^= 1;
    assertThat(BackupKeyWrap.unwrap(new BackupKeyWrap.Wrapped(w.platformId(), otherStore, w.ephemeralSpki(), w.ct()),
        backup.getPrivate(), spki, "HASH-B")).isEmpty();
    byte[] ct = w.ct().clone();
    ct[ct.length - 1] ^= 1;
    assertThat(BackupKeyWrap.unwrap(new BackupKeyWrap.Wrapped(w.platformId(), w.storeId(), w.ephemeralSpki(), ct),
        backup.getPrivate(), spki, "HASH-B")).isEmpty();
  }
}
