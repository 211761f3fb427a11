package dev.clave.cas;

import dev.clave.attestation.Bytes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who the CAS is as an enclave, besides its measurement: the signer, product ID and security version its
 * quotes carry, which {@code clave cas attest} checks by default (as the original CLI checks the CAS's
 * MRSIGNER, ISVPRODID and minimum ISVSVN). In simulation the signer is a label's digest, not a signing key.
 */
public final class CasEnclave {
  /** MRSIGNER of Clave's CAS in simulation: SHA-256 of "clave/cas/mrsigner". */
  public static final Bytes MR_SIGNER = Bytes.wrap(sha256("clave/cas/mrsigner"));
  /** ISVPRODID: the original CAS's product ID, so runbooks' {@code --isvprodid 41316} still holds. */
  public static final int PRODUCT_ID = 41316;
  /** ISVSVN of this build; raised when a fix must keep older CAS builds from being trusted. */
  public static final int SECURITY_VERSION = 1;

  private CasEnclave() {}

  private static byte[] sha256(String label) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(label.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }
}
