package dev.clave.cas.store;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The primitives of the store: HKDF-SHA256 (RFC 5869), HMAC-SHA256 and AES-256-GCM with a random 96-bit nonce
 * (output {@code nonce ‖ ciphertext ‖ tag}). JCA objects are made per call: they are not thread-safe and cost
 * little next to a database round trip.
 */
final class Crypto {
  static final int KEY_LENGTH = 32;
  static final int MAC_LENGTH = 32;
  static final int NONCE_LENGTH = 12;
  static final int TAG_LENGTH = 16;
  static final int AEAD_OVERHEAD = NONCE_LENGTH + TAG_LENGTH;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Crypto() {}

  static byte[] random(int length) {
    byte[] b = new byte[length];
    RANDOM.nextBytes(b);
    return b;
  }

  static SecretKey aesKey(byte[] key) {
    return new SecretKeySpec(key, "AES");
  }

  static SecretKey macKey(byte[] key) {
    return new SecretKeySpec(key, "HmacSHA256");
  }

  static byte[] hmac(SecretKey key, byte[]... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      for (byte[] p : parts) {
        mac.update(p);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
    }
  }

  static byte[] sha256(byte[]... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
    }
  }

  /** HKDF-SHA256 extract and expand to {@code length} bytes. */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    byte[] prk = hmac(macKey(salt.length == 0 ? new byte[MAC_LENGTH] : salt), ikm);
    try {
      return hkdfExpand(prk, info, length);
    } finally {
      java.util.Arrays.fill(prk, (byte) 0);
    }
  }

  /** HKDF-SHA256 expand of a pseudorandom key (e.g. a random data key) to {@code length} bytes. */
  static byte[] hkdfExpand(byte[] prk, byte[] info, int length) {
    if (length > 255 * MAC_LENGTH) {
      throw new IllegalArgumentException("HKDF output too long: " + length);
    }
    SecretKey key = macKey(prk);
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    int done = 0;
    for (int i = 1; done < length; i++) {
      block = hmac(key, block, info, new byte[] {(byte) i});
      int n = Math.min(block.length, length - done);
      System.arraycopy(block, 0, out, done, n);
      done += n;
    }
    return out;
  }

  static byte[] encrypt(SecretKey key, byte[] plaintext, byte[] aad) {
    byte[] nonce = random(NONCE_LENGTH);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(aad);
      byte[] out = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
      System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
      cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
    }
  }

  /**
   * Decrypts {@code nonce ‖ ciphertext ‖ tag}.
   *
   * @throws AEADBadTagException if the input is too short, was changed, or has other associated data or key
   */
  static byte[] decrypt(SecretKey key, byte[] sealed, byte[] aad) throws AEADBadTagException {
    if (sealed.length < AEAD_OVERHEAD) {
      throw new AEADBadTagException("ciphertext shorter than nonce and tag");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_LENGTH * 8, sealed, 0, NONCE_LENGTH));
      cipher.updateAAD(aad);
      return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable in this JDK", e);
    }
  }
}
