package dev.clave.policy.protect;

import java.util.Base64;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;

/**
 * A policy encrypted to a CAS's session-encryption key ({@link SessionEncryptionKey}), so only that CAS can read
 * it: the {@code policy} of an EncryptedPolicy resource (reference §5.1).
 *
 * <p><b>Envelope, format version 1.</b> HPKE (RFC 9180) in base mode with the suite DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM (KEM 0x0020, KDF 0x0001, AEAD 0x0002), one message:
 *
 * <pre>
 *   envelope = base64( 0x01 ‖ enc (32 bytes) ‖ ciphertext (plaintext length + 16-byte tag) )
 *   info     = the ASCII bytes of "clave encrypted policy v1"
 *   aad      = empty
 * </pre>
 *
 * Base64 is the standard alphabet with padding (RFC 4648 §4), no line breaks. The leading byte names the format
 * so a later one can be told apart; the info string binds the version into the key schedule as well. This is
 * Clave's format: SCONE's is not public (reference §8), so the two do not interoperate.
 *
 * <p>Errors: a text that is not base64, is too short or too long, or names an unknown format version gets a
 * precise {@link InvalidEncodingException}; everything that fails in the cryptography (wrong key, any changed
 * byte) gets one generic {@link DecryptionException}.
 */
public final class EncryptedPolicy {
  /** The envelope format version (its first byte). */
  public static final int FORMAT_VERSION = 1;

  /** The largest plaintext sealed or opened. */
  public static final int MAX_PLAINTEXT_BYTES = SignedPolicy.MAX_POLICY_BYTES;

  static final byte[] INFO = "clave encrypted policy v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final int ENC_LENGTH = 32;
  static final int TAG_LENGTH = 16;
  private static final int HEADER = 1 + ENC_LENGTH;
  private static final byte[] NO_AAD = new byte[0];
  private static final int MAX_ENVELOPE_TEXT = (HEADER + MAX_PLAINTEXT_BYTES + TAG_LENGTH + 2) / 3 * 4;

  private EncryptedPolicy() {}

  static HPKE suite() {
    return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
  }

  /**
   * Encrypts a plaintext (a policy's UTF-8 bytes) to a session-encryption key, with a fresh ephemeral key.
   *
   * @return the envelope text (base64)
   */
  public static String seal(byte[] plaintext, SessionEncryptionKey recipient) {
    if (plaintext.length > MAX_PLAINTEXT_BYTES) {
      throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes, more than the "
          + MAX_PLAINTEXT_BYTES + " allowed");
    }
    HPKE hpke = suite();
    byte[] ciphertext;
    byte[] enc;
    try {
      HPKEContextWithEncapsulation context = hpke.setupBaseS(hpke.deserializePublicKey(recipient.raw()), INFO);
      ciphertext = context.seal(NO_AAD, plaintext);
      enc = context.getEncapsulation();
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("AES-GCM refused to encrypt", e);
    }
    if (enc.length != ENC_LENGTH) {
      throw new IllegalStateException("HPKE produced an encapsulated key of " + enc.length + " bytes");
    }
    byte[] envelope = new byte[HEADER + ciphertext.length];
    envelope[0] = FORMAT_VERSION;
    System.arraycopy(enc, 0, envelope, 1, ENC_LENGTH);
    System.arraycopy(ciphertext, 0, envelope, HEADER, ciphertext.length);
    return Base64.getEncoder().encodeToString(envelope);
  }

  /**
   * Decrypts an envelope with the recipient's key pair. Surrounding whitespace is ignored.
   *
   * @throws InvalidEncodingException if the text is not base64, is too short or too long, or has another format
   *     version
   * @throws DecryptionException if the key is not the one the policy was sealed to, or any byte was changed
   */
  public static byte[] open(String envelopeBase64, SessionEncryptionKeyPair recipient) throws DecryptionException {
    String text = envelopeBase64.strip();
    if (text.length() > MAX_ENVELOPE_TEXT) {
      throw new InvalidEncodingException("encrypted policy of " + text.length() + " characters, more than the "
          + MAX_ENVELOPE_TEXT + " allowed");
    }
    byte[] envelope = base64(text);
    int minimum = HEADER + TAG_LENGTH;
    if (envelope.length < minimum) {
      throw new InvalidEncodingException("encrypted policy too short: " + envelope.length + " bytes, at least "
          + minimum + " needed (version 1 + encapsulated key " + ENC_LENGTH + " + tag " + TAG_LENGTH + ")");
    }
    if (envelope[0] != FORMAT_VERSION) {
      throw new InvalidEncodingException(String.format(
          "encrypted policy format version %d is not supported (this Clave reads version %d)", envelope[0] & 0xff, FORMAT_VERSION));
    }
    byte[] enc = java.util.Arrays.copyOfRange(envelope, 1, HEADER);
    HPKE hpke = suite();
    try {
      return hpke.setupBaseR(enc, recipient.bouncyCastle(), INFO).open(NO_AAD, envelope, HEADER, envelope.length - HEADER);
    } catch (InvalidCipherTextException | RuntimeException e) {
      // Wrong key, changed tag or ciphertext, or an encapsulated key of small order: all look the same outside.
      throw new DecryptionException();
    }
  }

  private static byte[] base64(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
      if (!ok) {
        throw new InvalidEncodingException("encrypted policy is not base64: character " + Base58.describe(c)
            + " at position " + (i + 1) + (c == '-' || c == '_' ? " (the URL-safe alphabet is not accepted)" : ""));
      }
    }
    if (text.isEmpty()) {
      throw new InvalidEncodingException("encrypted policy is empty");
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidEncodingException("encrypted policy is not base64: " + e.getMessage());
    }
  }
}
