package dev.clave.cas.audit;

import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.P256PublicKey;
import dev.clave.attestation.pki.PkiException;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The public key that verifies a CAS's signed tree heads: ECDSA P-256, given as the DER encoding of its
 * SubjectPublicKeyInfo (what {@code PublicKey.getEncoded()} and {@code openssl pkey -pubin -outform DER}
 * produce), with the named curve {@code prime256v1}.
 *
 * <p>Its <b>key ID</b> is its {@link KeyHash} (Base58Check of SHA-256 over the SPKI DER): the {@code keyId} of
 * every tree head it signs, and what a user can pin instead of the whole key. Verification runs on {@link
 * EcdsaP256}, Clave's checked P-256 arithmetic.
 */
public final class AuditLogKey {
  /** A P-256 SPKI is 91 bytes; anything much longer is not one. */
  private static final int MAX_SPKI_BYTES = 256;

  private final byte[] spki;
  private final P256PublicKey key;
  private final KeyHash keyId;

  private AuditLogKey(byte[] spki, P256PublicKey key) {
    this.spki = spki;
    this.key = key;
    this.keyId = KeyHash.of(spki);
  }

  /**
   * Reads a P-256 public key from its SubjectPublicKeyInfo DER.
   *
   * @throws AuditFormatException if the bytes are not DER, not an EC key, not on P-256, or not a valid point
   */
  public static AuditLogKey fromSpki(byte[] spkiDer) {
    if (spkiDer.length > MAX_SPKI_BYTES) {
      throw new AuditFormatException("an audit public key is a P-256 SubjectPublicKeyInfo of 91 bytes, got "
          + spkiDer.length + " bytes");
    }
    SubjectPublicKeyInfo info;
    byte[] der;
    try {
      info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(spkiDer));
      der = info.getEncoded(ASN1Encoding.DER);
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new AuditFormatException("the audit public key is not a DER SubjectPublicKeyInfo");
    }
    if (info == null || !Arrays.equals(der, spkiDer)) {
      throw new AuditFormatException("the audit public key is not a DER SubjectPublicKeyInfo");
    }
    AlgorithmIdentifier alg = info.getAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(alg.getAlgorithm())) {
      throw new AuditFormatException("the audit public key is not an EC key (algorithm "
          + alg.getAlgorithm().getId() + ")");
    }
    if (!(alg.getParameters() instanceof ASN1ObjectIdentifier curve)
        || !X9ObjectIdentifiers.prime256v1.equals(curve)) {
      throw new AuditFormatException("the audit public key is not on the named curve P-256 (prime256v1)");
    }
    try {
      P256PublicKey point = EcdsaP256.uncompressedPublicKey(info.getPublicKeyData().getOctets());
      return new AuditLogKey(der, point);
    } catch (PkiException | IllegalStateException e) {
      throw new AuditFormatException("the audit public key is not a valid uncompressed P-256 point");
    }
  }

  /** The SubjectPublicKeyInfo DER (a copy). */
  public byte[] spki() {
    return spki.clone();
  }

  /** The key ID: the key hash of the SPKI. */
  public KeyHash keyId() {
    return keyId;
  }

  /** Whether {@code derSignature} is this key's ECDSA P-256 / SHA-256 signature of {@code message}. */
  public boolean verify(byte[] message, byte[] derSignature) {
    return EcdsaP256.verifyDer(key, message, derSignature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuditLogKey other && MessageDigest.isEqual(spki, other.spki);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(spki);
  }

  /** The key ID; a public key is not secret, but the ID is what users compare. */
  @Override
  public String toString() {
    return "AuditLogKey[" + keyId + "]";
  }
}
