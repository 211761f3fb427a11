/**
 * The CAS store: the CAS's persistent state (provisioning and owner data, named blobs, sessions with their
 * history, session secrets), encrypted and protected against tampering and rollback.
 *
 * <ul>
 *   <li>{@link dev.clave.cas.store.CasStore}: the contract; {@link dev.clave.cas.store.SqliteCasStore} the
 *       embedded implementation, {@link dev.clave.cas.store.PostgresCasStore} the one several CAS replicas share
 *       (below); both share the operations and checks of {@code AbstractCasStore}.
 *   <li>{@link dev.clave.cas.store.Sealer}: seals the data key to the platform; {@link
 *       dev.clave.cas.store.SimulationSealer} for machines without SGX, SGX sealing later.
 *   <li>Errors: {@link dev.clave.cas.store.StoreIntegrityException} (forged or damaged state), {@link
 *       dev.clave.cas.store.StoreRollbackException} (stale or forked state), {@link
 *       dev.clave.cas.store.UnsealException} (wrong platform, secret or identity), {@link
 *       dev.clave.cas.store.SessionExistsException}, {@link dev.clave.cas.store.StaleSessionException}, {@link
 *       dev.clave.cas.store.NoSuchSessionException}, {@link dev.clave.cas.store.AlreadyProvisionedException},
 *       {@link dev.clave.cas.store.StoreLimitException}; all are {@link dev.clave.cas.store.StoreException}s.
 * </ul>
 *
 * <h2>State directory</h2>
 *
 * Directory 0700; files 0600: {@code cas.db} (+ {@code cas.db-wal}, {@code cas.db-shm}), {@code cas.key-store},
 * {@code cas.lock}, and with the simulation sealer {@code sealing-simulation.secret}. A consistent snapshot is
 * {@code cas.db} after {@link dev.clave.cas.store.SqliteCasStore#checkpoint()} or {@code close()} plus {@code
 * cas.key-store}; restoring it anywhere else than the newest state is refused as a rollback (by design).
 *
 * <h2>Keys</h2>
 *
 * A random 32-byte data key and 16-byte store id, sealed together by the {@code Sealer} into the key store once
 * at creation. Purpose keys are derived with HKDF-SHA256 (salt = store id, info = {@code "clave-cas-store-v1
 * content|row|head|key-store|hash-tag"}).
 *
 * <h2>Database (format 1)</h2>
 *
 * SQLite, WAL, {@code synchronous=FULL}, {@code application_id = 0x436c4153}, {@code user_version = 1}, STRICT
 * tables:
 *
 * <ul>
 *   <li>{@code blobs(name, ct)}: named blobs; the provisioning state is the blob {@code !provisioning}.
 *   <li>{@code sessions(name, ct)}: ct holds the current session hash (32 bytes).
 *   <li>{@code session_versions(name, tag, ct)}: every version ever stored; {@code tag} = HMAC(hash-tag key,
 *       field(name) ‖ field(hash)), so session hashes are not stored in clear; ct holds the content.
 *   <li>{@code secrets(name, ct)}: the secrets of a session.
 *   <li>{@code head(id = 1, format, store_id, version, digest, prev_mac, mac)}.
 * </ul>
 *
 * Every {@code ct} is {@code nonce(12) ‖ AES-256-GCM ciphertext ‖ tag(16)} under the content key with
 * associated data = the row identity {@code "clave-cas-row-v1\0" ‖ u8 table (blobs 1, sessions 2,
 * session_versions 3, secrets 4) ‖ field(name UTF-8) ‖ field(tag or empty)}, where {@code field(x) = u32
 * length(x) ‖ x}, integers big-endian. A ciphertext moved to another row therefore does not decrypt.
 *
 * <h2>Head: integrity in O(rows) at start and O(1) per write</h2>
 *
 * Each row has a term HMAC(row key, identity ‖ u32 length(ct) ‖ ct); {@code digest} is the sum of all terms
 * modulo 2<sup>256</sup> (a keyed multiset hash: order-free, and a row added, removed or replaced changes it
 * in O(1)). {@code mac} = HMAC(head key, {@code "clave-cas-head-v1\0"} ‖ u32 format ‖ store id ‖ u64 version ‖
 * digest ‖ prev_mac), where {@code prev_mac} is the previous head's MAC, so heads form a chain. Names, tags,
 * ciphertexts and versions are all covered: a flipped byte anywhere, a deleted, added or swapped row changes
 * the digest or breaks a MAC.
 *
 * <p>At open the store recomputes the digest over all rows (one pass, no decryption) and checks it and the
 * head MAC; it then keeps every row's term in memory and checks each row it reads against it (and decrypts it,
 * which checks the identity binding again), so changes made while it runs are caught at read. After any
 * integrity failure the store refuses every further operation.
 *
 * <h2>Key store and rollback</h2>
 *
 * {@code cas.key-store}: {@code "CLAVE-KS" ‖ u8 1 ‖ field(sealed data key and store id) ‖ u64 version ‖ head
 * MAC(32) ‖ HMAC(key-store key, all before)(32)}, replaced atomically (temporary file, fsync, rename, fsync
 * directory) after every write. At open, with database head version d and key store version k:
 *
 * <ul>
 *   <li>d = k: the MACs must be equal (else a fork: rollback error);
 *   <li>d = k + 1: the last write was committed but the key store update was interrupted: accepted if the
 *       database head's {@code prev_mac} equals the key store's head MAC, and the key store is rolled forward;
 *   <li>d &lt; k: the database was restored from an older copy (or its WAL was lost): rollback error;
 *   <li>d &gt; k + 1: the key store was restored from an older copy: rollback error.
 * </ul>
 *
 * Write order: database commit (durable), then key store; a write is acknowledged only after both. So a crash
 * between them never loses an acknowledged write nor trips the rollback check; and the database is never more
 * than one version ahead of the key store (a write whose key store update failed blocks further writes until
 * it succeeds).
 *
 * <p><b>Limits of the protection.</b> Restoring <em>both</em> files from the same old snapshot is not detected:
 * that needs state outside the host (a monotonic counter, or a version witnessed by backup CAS peers or the
 * owner). With the simulation sealer, anyone who can read the state directory has the secret file and can
 * unseal the key store; only SGX sealing keeps the data key from the host.
 *
 * <h2>PostgreSQL: several replicas on one database</h2>
 *
 * The same rows, row identities, encryption, terms, digest and head (format 1), in BYTEA columns; plus {@code
 * head_log(version PRIMARY KEY, digest, prev_mac, mac, changes)}, every head ever committed with the keys of the
 * rows its write changed ({@code u32 count ‖ (u8 table ‖ field(name) ‖ field(tag))*}). The store uses the
 * connection's current schema. Each replica has a state directory with its own key store ({@code cas.key-store},
 * the format above, sealed by the replica's sealer): the version and MAC it holds are the newest head the
 * replica has <em>witnessed</em> (committed, or read). A new replica gets the data key from a {@link
 * dev.clave.cas.store.DataKeySource}: its registration in {@code backup_registrations} (made by a running replica
 * after attesting it, as for backups; the first replica of an empty database makes the key), or {@code
 * cas.data-key}, sealed in a directory the replicas share.
 *
 * <ul>
 *   <li><b>Writes</b>: one READ COMMITTED transaction: {@code SELECT … FROM head FOR UPDATE} (serializes the
 *       writes of all replicas), catch up to that head, check and change rows, {@code UPDATE head … WHERE version
 *       = v}, {@code INSERT INTO head_log} (version v+1: a second commit for it fails), commit; then the replica's
 *       key store records v+1 before the write is acknowledged.
 *   <li><b>Catching up</b> (a replica's view is at version c, the database at d &gt; c): the log entries c..d
 *       must form a MAC chain starting at the MAC the replica knows for c (else: a fork, {@code
 *       StoreRollbackException}); the rows named by entries c+1..d are re-read and the replica's digest must then
 *       equal head d's (else: tampering, {@code StoreIntegrityException}; this is why the change lists need no
 *       MAC). O(changes), in the same snapshot as the read that triggered it.
 *   <li><b>Reads</b>: head and row in one statement (one snapshot, REPEATABLE READ); a head older than the
 *       replica's view is a rollback; a newer one is caught up first; then the row is checked against its term.
 *   <li><b>Open</b>: all rows against the head (as SQLite), and the chain from the witnessed head to the
 *       database's head; a database older than the witness is a rollback.
 * </ul>
 *
 * <p><b>Detected</b>: any change to rows, head or log (at open, and at read or catch-up while running); a
 * database older than what a running or restarting replica witnessed (acknowledged writes are always witnessed
 * by the replica that acknowledged them); a fork (a rollback followed by new writes past the witnessed version).
 * <b>Not detected</b>: a rollback to a version at or above every surviving replica's witness — e.g. a replica
 * that was down during writes never witnessed them, so it alone cannot tell that they were lost; or all
 * witnesses rolled back with the database. Future work: witnesses exchanged between replicas or a monotonic
 * counter; pruning the head log (it grows by one row per write).
 */
package dev.clave.cas.store;
