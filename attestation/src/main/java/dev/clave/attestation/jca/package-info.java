/**
 * A small JCA provider that puts Clave's fast elliptic-curve code under the JDK's TLS stack: ECDSA P-256 with
 * SHA-256 (verification on Clave's own P-256 arithmetic, signing on BouncyCastle's fixed-base comb) and
 * X25519 key agreement (BouncyCastle's RFC 7748 code). A CAS handshake with a service that has never been
 * seen before does one X25519 key generation, one X25519 agreement, one signature and one verification under
 * a fresh key; the JDK's providers spend roughly four times as long on them. See {@link
 * dev.clave.attestation.jca.ClaveCryptoProvider}.
 */
package dev.clave.attestation.jca;
