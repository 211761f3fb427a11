package dev.clave.policy.protect;

import java.util.Objects;

/**
 * One signer's Ed25519 signature over a policy text: an entry of {@code signatures} in a signed policy.
 *
 * @param signer the signer's key; must be Ed25519
 * @param signatureHex the 64-byte signature as 128 lowercase hex digits (upper case is accepted and lowered)
 */
public record PolicySignature(SignerKey signer, String signatureHex) {
  /** Ed25519 signature length in bytes. */
  public static final int SIGNATURE_LENGTH = 64;

  public PolicySignature {
    Objects.requireNonNull(signer, "signer");
    Objects.requireNonNull(signatureHex, "signatureHex");
    if (signer.algorithm() != SignerKey.Algorithm.ED25519) {
      throw new InvalidEncodingException("signer is a " + signer.algorithm().displayName()
          + " key; Clave signs and verifies policies with Ed25519 keys only");
    }
    Hex.parse(signatureHex, SIGNATURE_LENGTH, "signature");
    signatureHex = signatureHex.toLowerCase(java.util.Locale.ROOT);
  }

  /** The raw 64-byte signature. */
  public byte[] signature() {
    return java.util.HexFormat.of().parseHex(signatureHex);
  }
}
