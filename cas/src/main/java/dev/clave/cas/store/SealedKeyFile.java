package dev.clave.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A store's data key sealed in a file that several replicas read: {@code "CLAVE-DK" ‖ u8 1 ‖ field(sealed)},
 * {@code sealed} = {@link Sealer#seal} of {@code u8 1 ‖ data key ‖ store id} with the key store's associated
 * data. Created once, by whichever replica comes first ({@link SecureFiles#createIfAbsent}): of replicas racing
 * to create it one wins and the others read the winner's key.
 */
final class SealedKeyFile implements DataKeySource {
  static final String FILE = "cas.data-key";

  private static final byte[] MAGIC = Bytes.ascii("CLAVE-DK");
  private static final int FORMAT = 1;

  private final Path path;
  private final Sealer sealer;

  SealedKeyFile(Path dir, Sealer sealer) {
    this.path = dir.toAbsolutePath().resolve(FILE);
    this.sealer = sealer;
  }

  @Override
  public KeyMaterial keyMaterial() {
    try {
      if (!Files.exists(path)) {
        create();
      }
      return read();
    } catch (IOException e) {
      throw new StoreException("cannot read or create the sealed data key " + path + ": " + e, e);
    }
  }

  private void create() throws IOException {
    SecureFiles.createPrivateDirectory(path.getParent());
    byte[] dataKey = Crypto.random(Crypto.KEY_LENGTH);
    byte[] payload = KeyStoreFile.payload(dataKey, Crypto.random(StoreKeys.STORE_ID_LENGTH));
    try {
      byte[] sealed = sealer.seal(payload, KeyStoreFile.SEAL_AAD);
      // false: another replica created it first, and its key is the store's
      SecureFiles.createIfAbsent(path, new Bytes.Writer(sealed.length + 16).raw(MAGIC).u8(FORMAT).field(sealed)
          .toByteArray());
    } finally {
      Arrays.fill(dataKey, (byte) 0);
      Arrays.fill(payload, (byte) 0);
    }
  }

  private KeyMaterial read() throws IOException {
    SecureFiles.requireOwnerOnly(path, "the sealed data key");
    if (Files.size(path) > Sealer.MAX_SEALED_LENGTH + 64) {
      throw new StoreIntegrityException("the sealed data key " + path + " is too large to be one");
    }
    byte[] sealed;
    try {
      Bytes.Reader r = new Bytes.Reader(Files.readAllBytes(path));
      if (!Arrays.equals(r.raw(MAGIC.length, "the magic"), MAGIC) || r.u8("the format") != FORMAT) {
        throw new Bytes.MalformedException("it is not a Clave sealed data key of format " + FORMAT);
      }
      sealed = r.field("the sealed key", Sealer.MAX_SEALED_LENGTH);
      r.end();
    } catch (Bytes.MalformedException e) {
      throw new StoreIntegrityException("the sealed data key " + path + " is malformed: " + e.getMessage());
    }
    byte[] payload;
    try {
      payload = sealer.unseal(sealed, KeyStoreFile.SEAL_AAD);
    } catch (UnsealException e) {
      throw new UnsealException("cannot unseal the data key " + path + ": " + e.getMessage(), e);
    }
    try {
      KeyStoreFile.Payload p = KeyStoreFile.parsePayload(payload);
      KeyMaterial m = new KeyMaterial(p.dataKey(), p.storeId());
      Arrays.fill(p.dataKey(), (byte) 0);
      return m;
    } catch (Bytes.MalformedException e) {
      throw new StoreIntegrityException("the data key " + path + " unseals to a malformed payload: " + e.getMessage());
    } finally {
      Arrays.fill(payload, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "SealedKeyFile[" + path + "]";
  }
}
