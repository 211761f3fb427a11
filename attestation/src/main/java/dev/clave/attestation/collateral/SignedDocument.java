package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;

/**
 * A parsed collateral document with what its signature covers.
 *
 * @param value the parsed model
 * @param signedBytes the exact bytes of the signed JSON value, from its opening brace to the matching one
 * @param signature raw r‖s, 64 bytes (ECDSA P-256 with SHA-256 by the TCB signing key)
 */
public record SignedDocument<T>(T value, Bytes signedBytes, Bytes signature) {}
