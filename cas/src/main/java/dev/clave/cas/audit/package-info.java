/**
 * The CAS's verifiable audit log: every provisioning, configuration change, session change and attestation
 * decision becomes an {@link dev.clave.cas.audit.AuditEntry}, a leaf of an append-only RFC 9162 Merkle tree
 * ({@link dev.clave.cas.audit.MerkleTree}) whose heads the CAS signs ({@link
 * dev.clave.cas.audit.SignedTreeHead}). Clients check that the log they are shown contains what it claims
 * (inclusion proofs) and still contains everything they saw before (consistency proofs), so a CAS that drops,
 * rewrites or reorders entries is caught (the original SCONE CAS chains signatures over entries instead,
 * reference §2.7).
 *
 * <p>Server side: {@link dev.clave.cas.audit.AuditLog#open} at start with the state directory and a {@link
 * dev.clave.cas.audit.TreeHeadSigner} over the CAS's audit key; {@link dev.clave.cas.audit.AuditLog#append}
 * before acknowledging an operation (if it throws, the operation fails); {@link
 * dev.clave.cas.audit.AuditLog#bundle} to serve {@code clave cas audit-log --from N} as an {@link
 * dev.clave.cas.audit.AuditBundle} (JSON). Client side: {@link dev.clave.cas.audit.AuditLogVerifier} for
 * {@code clave cas verify-audit-log}, with SCONE's exit codes.
 *
 * <p>Entries carry names, hashes and reasons only, never secret values ({@link
 * dev.clave.cas.audit.AuditEvent}).
 */
package dev.clave.cas.audit;
