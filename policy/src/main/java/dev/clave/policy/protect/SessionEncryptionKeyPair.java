package dev.clave.policy.protect;

import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * A CAS session-encryption key pair (X25519): the CAS publishes {@link #publicKey()} and opens policies encrypted
 * to it with {@link EncryptedPolicy#open}. {@link #toString()} shows the public key only.
 */
public final class SessionEncryptionKeyPair {
  private final X25519PrivateKeyParameters privateKey;
  private final SessionEncryptionKey publicKey;

  private SessionEncryptionKeyPair(X25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = SessionEncryptionKey.fromRaw(privateKey.generatePublicKey().getEncoded());
  }

  /** A fresh key pair from a {@link SecureRandom}. */
  public static SessionEncryptionKeyPair generate() {
    return new SessionEncryptionKeyPair(new X25519PrivateKeyParameters(new SecureRandom()));
  }

  /** The key pair of a stored 32-byte X25519 private key (RFC 7748 scalar; clamping is applied when used). */
  public static SessionEncryptionKeyPair fromPrivateKey(byte[] raw) {
    if (raw.length != X25519PrivateKeyParameters.KEY_SIZE) {
      throw new InvalidEncodingException("an X25519 private key is " + X25519PrivateKeyParameters.KEY_SIZE
          + " bytes, got " + raw.length);
    }
    return new SessionEncryptionKeyPair(new X25519PrivateKeyParameters(raw));
  }

  public SessionEncryptionKey publicKey() {
    return publicKey;
  }

  /** The public key as 64 lowercase hex digits (the EncryptedPolicy resource's {@code encryptionKey}). */
  public String publicKeyHex() {
    return publicKey.hex();
  }

  /** The 32-byte private key, for storage by its owner (the CAS). Handle as a secret. */
  public byte[] privateKeyBytes() {
    return privateKey.getEncoded();
  }

  AsymmetricCipherKeyPair bouncyCastle() {
    return new AsymmetricCipherKeyPair(privateKey.generatePublicKey(), privateKey);
  }

  @Override
  public String toString() {
    return "SessionEncryptionKeyPair[public=" + publicKey.hex() + "]";
  }
}
