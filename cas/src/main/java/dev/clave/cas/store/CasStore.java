package dev.clave.cas.store;

import java.util.List;
import java.util.Optional;

/**
 * The CAS's persistent state: provisioning and owner data, named blobs, sessions with their history, and each
 * session's generated secrets. Values are opaque bytes (the CAS serializes its own objects); the store
 * encrypts all of them and protects all of them, names included, against tampering and rollback.
 *
 * <p><b>Contract every implementation keeps</b> (the embedded {@link SqliteCasStore}, and {@link
 * PostgresCasStore}, shared by several CAS replicas):
 *
 * <ul>
 *   <li>Each write is atomic and durable once it returns: no acknowledged write is lost by a crash.
 *   <li>Session updates are compare-and-set on the current hash: of concurrent updates naming the same
 *       expected hash (through any replica) exactly one wins; the others get {@link StaleSessionException}. Creating an existing
 *       session fails with {@link SessionExistsException}.
 *   <li>Nothing forged, damaged or stale is ever returned: such state is reported with {@link
 *       StoreIntegrityException} or {@link StoreRollbackException} (at open or at read), and the store then
 *       stops serving (fail closed).
 *   <li>Inputs are checked before anything is written: names ({@link IllegalArgumentException} saying what is
 *       wrong), sizes ({@link StoreLimitException}, values up to {@value #MAX_VALUE_BYTES} bytes).
 *   <li>Thread-safe: reads run concurrently; writes are serialized.
 * </ul>
 *
 * <p>Names: session names have 1 to {@value #MAX_SESSION_NAME_LENGTH} characters without control characters
 * (the session language's stricter rules are the policy parser's); blob names have 1 to {@value
 * #MAX_BLOB_NAME_LENGTH} of {@code A-Z a-z 0-9 . _ - /}. Session hashes are 64 hex characters in either case
 * and are returned in lowercase.
 */
public interface CasStore extends AutoCloseable {
  /** The largest blob, session content or secrets value, in bytes (16 MiB). */
  int MAX_VALUE_BYTES = 16 * 1024 * 1024;

  /** The longest session name, in characters (as in the session language). */
  int MAX_SESSION_NAME_LENGTH = Names.MAX_SESSION_NAME_LENGTH;

  /** The longest blob name, in characters. */
  int MAX_BLOB_NAME_LENGTH = Names.MAX_BLOB_NAME_LENGTH;

  // ---- CAS state

  /** The provisioning state, or empty if none was ever stored (a CAS started for the very first time). */
  Optional<ProvisioningState> provisioningState();

  /**
   * Stores the provisioning token digest of a CAS that has no owner yet (replacing an earlier one).
   *
   * @throws AlreadyProvisionedException if the CAS has an owner
   */
  void setUnprovisioned(ProvisioningState.Unprovisioned state);

  /**
   * Makes {@code owner} the owner. Atomic: of concurrent calls exactly one succeeds. The caller checks the
   * provisioning token first.
   *
   * @throws AlreadyProvisionedException if the CAS already has an owner
   */
  void provision(ProvisioningState.Provisioned owner);

  /**
   * Replaces the owner data of a provisioned CAS (an owner config update).
   *
   * @throws IllegalStateException if the CAS is not provisioned
   */
  void updateOwner(ProvisioningState.Provisioned owner);

  /** The blob called {@code name}, or empty. */
  Optional<byte[]> getBlob(String name);

  /** Stores {@code value} as the blob called {@code name}, replacing any. */
  void putBlob(String name, byte[] value);

  /** Deletes the blob called {@code name}; returns whether it existed. */
  boolean deleteBlob(String name);

  // ---- Sessions

  /**
   * Creates a session with its first version.
   *
   * @throws SessionExistsException if a session of that name exists
   */
  void createSession(String name, String hash, byte[] content);

  /** Like {@link #createSession(String, String, byte[])}, and stores the session's secrets in the same write. */
  void createSession(String name, String hash, byte[] content, byte[] secrets);

  /**
   * Makes {@code newHash}/{@code content} the session's current version if its current hash is {@code
   * expectedCurrentHash}. The old version stays readable through {@link #sessionVersion}; the secrets are
   * kept as they are.
   *
   * @throws NoSuchSessionException if there is no such session
   * @throws StaleSessionException if the current hash is another (it names the current hash)
   * @throws IllegalArgumentException if the session already has a version with {@code newHash}
   */
  void updateSession(String name, String expectedCurrentHash, String newHash, byte[] content);

  /** Like {@link #updateSession(String, String, String, byte[])}, and replaces the secrets in the same write. */
  void updateSession(String name, String expectedCurrentHash, String newHash, byte[] content, byte[] secrets);

  /** The current version of the session, or empty if there is no such session. */
  Optional<StoredSession> currentSession(String name);

  /** The version of the session with {@code hash} (current or older), or empty. */
  Optional<StoredSession> sessionVersion(String name, String hash);

  /** The names of all sessions starting with {@code prefix} (may be empty), sorted. */
  List<String> listSessions(String prefix);

  /** Deletes the session with all its versions and its secrets; returns whether it existed. */
  boolean deleteSession(String name);

  // ---- Session secrets

  /**
   * Stores the secrets of a session (one value per session; the caller keeps or replaces it across updates).
   *
   * @throws NoSuchSessionException if there is no such session
   */
  void putSecrets(String sessionName, byte[] secrets);

  /** The secrets of a session, or empty if none were stored (or there is no such session). */
  Optional<byte[]> secrets(String sessionName);

  // ---- Store

  /** The state version: the number of writes since the store was created. Starts at 0. */
  long stateVersion();

  /** Releases the store; acknowledged writes are durable. Further calls throw {@link IllegalStateException}. */
  @Override
  void close();
}
