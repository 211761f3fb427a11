package dev.clave.policy.protect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The key hash of a public key, as SCONE access policies and {@code cas provision -c} write it (reference §2.4):
 * Base58Check with version {@code 0x01} of a 32-byte SHA-256 digest, 50 characters, e.g.
 * {@code 3s1pm8W6Be6cxvAQRbRP5YXd9YuERAr7KswN97uGtoPkRW87x1}.
 *
 * <p>Which encoding of the key SCONE hashes is not public. Clave defines it as the SHA-256 of the <b>DER
 * encoding of the SubjectPublicKeyInfo</b> (what {@code java.security.PublicKey.getEncoded()} and {@code openssl
 * pkey -pubin -outform DER} produce), so {@code openssl x509 -in c.pem -pubkey -noout | openssl pkey -pubin
 * -outform DER | openssl dgst -sha256} gives the digest. A certificate's key hash is that of its public key, so
 * it survives renewal with the same key.
 *
 * <p>Instances compare in constant time; {@link #toString()} is the Base58Check text.
 */
public final class KeyHash {
  /** The Base58Check version byte of key hashes. */
  public static final int VERSION = 0x01;

  /** The digest length (SHA-256). */
  public static final int DIGEST_LENGTH = 32;

  private final byte[] digest;

  private KeyHash(byte[] digest) {
    this.digest = digest;
  }

  /** The key hash with this SHA-256 digest. */
  public static KeyHash ofDigest(byte[] sha256) {
    if (sha256.length != DIGEST_LENGTH) {
      throw new IllegalArgumentException("a key hash digest is " + DIGEST_LENGTH + " bytes, got " + sha256.length);
    }
    return new KeyHash(sha256.clone());
  }

  /**
   * The key hash of a public key given as a SubjectPublicKeyInfo. The digest is taken over its DER encoding
   * (a BER input is re-encoded first, so equal keys always give equal hashes).
   *
   * @throws InvalidEncodingException if the bytes are not a SubjectPublicKeyInfo
   */
  public static KeyHash of(byte[] spkiDer) {
    byte[] der = Der.encode(Der.spki(spkiDer));
    return new KeyHash(Base58Check.sha256().digest(der));
  }

  /**
   * The key hash of an X.509 certificate's public key; the certificate is DER or PEM (the one {@code
   * CERTIFICATE} block of the text; other blocks, such as a private key in an identity file, are ignored).
   */
  public static KeyHash ofCertificate(byte[] derOrPem) {
    byte[] der = derOrPem;
    String text = new String(derOrPem, StandardCharsets.ISO_8859_1);
    if (Pem.looksLikePem(text)) {
      der = Pem.single(text, "an X.509 certificate", "CERTIFICATE").der();
    }
    return new KeyHash(Base58Check.sha256().digest(Der.encode(Der.certificate(der).getSubjectPublicKeyInfo())));
  }

  /**
   * The key hash of the one {@code CERTIFICATE} or {@code PUBLIC KEY} PEM block in the text (other blocks are
   * ignored). This is what {@code clave cert key-hash} prints.
   */
  public static KeyHash ofPem(String pem) {
    Pem.Block block = Pem.single(pem, "a certificate or a public key", "CERTIFICATE", "PUBLIC KEY");
    if (block.label().equals("CERTIFICATE")) {
      return ofCertificate(block.der());
    }
    return of(block.der());
  }

  /**
   * Parses a key hash: 50 Base58 characters, version {@code 0x01}, valid checksum.
   *
   * @throws InvalidEncodingException naming the problem (bad character and position, wrong length, checksum,
   *     version)
   */
  public static KeyHash parse(String text) {
    try {
      return new KeyHash(Base58Check.decode(text, VERSION, DIGEST_LENGTH));
    } catch (InvalidEncodingException e) {
      throw e.in("key hash");
    }
  }

  /** The SHA-256 digest (a copy). */
  public byte[] digest() {
    return digest.clone();
  }

  /** Whether this is the key hash of the given SubjectPublicKeyInfo (constant time in the digest). */
  public boolean matches(byte[] spkiDer) {
    return equals(of(spkiDer));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyHash other && MessageDigest.isEqual(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(digest);
  }

  /** The Base58Check text, as written in policies. */
  @Override
  public String toString() {
    return Base58Check.encode(VERSION, digest);
  }
}
