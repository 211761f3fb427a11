package dev.clave.cas.audit;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.util.Objects;

/**
 * Signs tree heads with the CAS's audit key, so that the CAS decides where the key lives (in memory, sealed,
 * in an HSM). The algorithm is fixed: ECDSA over P-256 with SHA-256, DER-encoded signatures. {@link AuditLog}
 * checks every signature it gets against {@link #publicKeySpki()} before it hands a tree head out, so a
 * signer with the wrong key fails closed.
 *
 * <p>Implementations must be thread-safe.
 */
public interface TreeHeadSigner {
  /** The public key, as a P-256 SubjectPublicKeyInfo DER (see {@link AuditLogKey}). */
  byte[] publicKeySpki();

  /** The DER ECDSA P-256 signature over SHA-256 of {@code message}. */
  byte[] sign(byte[] message) throws GeneralSecurityException;

  /** A signer over a JDK (or BouncyCastle provider) EC P-256 key pair. */
  static TreeHeadSigner ecdsaP256(KeyPair keys) {
    PrivateKey privateKey = Objects.requireNonNull(keys.getPrivate(), "private key");
    if (!(privateKey instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256) {
      throw new IllegalArgumentException("the audit key must be an EC P-256 private key");
    }
    byte[] spki = AuditLogKey.fromSpki(keys.getPublic().getEncoded()).spki();
    return new TreeHeadSigner() {
      @Override
      public byte[] publicKeySpki() {
        return spki.clone();
      }

      @Override
      public byte[] sign(byte[] message) throws GeneralSecurityException {
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(privateKey);
        s.update(message);
        return s.sign();
      }

      @Override
      public String toString() {
        return "TreeHeadSigner[ECDSA P-256]"; // never the key
      }
    };
  }
}
