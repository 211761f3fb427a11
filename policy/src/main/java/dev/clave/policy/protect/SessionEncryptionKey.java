package dev.clave.policy.protect;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * A CAS session-encryption public key: an X25519 key that policies are encrypted to ({@link EncryptedPolicy}). Its
 * text forms are 64 hex digits of the raw 32 bytes (as in the EncryptedPolicy resource's {@code encryptionKey},
 * reference §5.1) and a PEM {@code PUBLIC KEY} block (OID 1.3.101.110).
 *
 * <p>Keys of small order (for which every Diffie-Hellman result is zero, RFC 7748 §6.1) are refused when read.
 */
public final class SessionEncryptionKey {
  static final int LENGTH = 32;

  private final byte[] raw;

  private SessionEncryptionKey(byte[] raw) {
    this.raw = raw;
  }

  /** The key from its 32 raw bytes (RFC 7748 u-coordinate, little-endian). */
  public static SessionEncryptionKey fromRaw(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new InvalidEncodingException("an X25519 public key is " + LENGTH + " bytes, got " + raw.length);
    }
    // A clamped scalar is a multiple of the cofactor, so any fixed scalar maps small-order points to zero.
    byte[] scalar = new byte[X25519.SCALAR_SIZE];
    scalar[0] = 9;
    if (!X25519.calculateAgreement(scalar, 0, raw, 0, new byte[X25519.POINT_SIZE], 0)) {
      throw new InvalidEncodingException("not a usable X25519 public key (a point of small order)");
    }
    return new SessionEncryptionKey(raw.clone());
  }

  /** The key from 64 hex digits (either case). */
  public static SessionEncryptionKey fromHex(String hex) {
    return fromRaw(Hex.parse(hex, LENGTH, "session encryption key"));
  }

  /** The key from the one {@code PUBLIC KEY} PEM block of the text; it must be an X25519 key. */
  public static SessionEncryptionKey fromPem(String pem) {
    SubjectPublicKeyInfo info = Der.spki(Pem.single(pem, "an X25519 public key", "PUBLIC KEY").der());
    if (!info.getAlgorithm().getAlgorithm().equals(EdECObjectIdentifiers.id_X25519)) {
      throw new InvalidEncodingException("the public key's algorithm is " + info.getAlgorithm().getAlgorithm().getId()
          + ", not X25519 (1.3.101.110)");
    }
    if (info.getAlgorithm().getParameters() != null) {
      throw new InvalidEncodingException("X25519 key: the algorithm parameters must be absent (RFC 8410)");
    }
    return fromRaw(info.getPublicKeyData().getOctets());
  }

  /** Either text form: PEM when the text holds a {@code -----BEGIN} line, hex otherwise (surrounding space ignored). */
  public static SessionEncryptionKey parse(String text) {
    return Pem.looksLikePem(text) ? fromPem(text) : fromHex(text.strip());
  }

  /** The 32 raw bytes (a copy). */
  public byte[] raw() {
    return raw.clone();
  }

  /** 64 lowercase hex digits. */
  public String hex() {
    return Hex.of(raw);
  }

  public String toPem() {
    return Pem.encode("PUBLIC KEY", Der.encode(new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_X25519), raw)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionEncryptionKey other && MessageDigest.isEqual(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return "X25519 " + hex();
  }
}
