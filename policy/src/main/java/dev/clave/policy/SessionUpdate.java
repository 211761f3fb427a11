package dev.clave.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The update rule of reference §1.2: a session is created without {@code predecessor} (a name that exists
 * already is refused), and replaced only by a session whose {@code predecessor} is the current session's
 * hash, which prevents lost updates. CAS applies it under its store's lock; the hashes compared are public,
 * the comparison is constant-time all the same.
 */
public final class SessionUpdate {
  private SessionUpdate() {}

  /**
   * Checks that {@code next} may follow {@code current}.
   *
   * @param current the active session of that name, or null when there is none
   * @throws PolicyUpdateException saying why not and what the policy must say instead
   */
  public static void check(Session current, Session next) throws PolicyUpdateException {
    if (current == null) {
      if (next.predecessor() != null) {
        throw new PolicyUpdateException("session " + next.name() + " does not exist, so it cannot be updated: remove predecessor to create it");
      }
      return;
    }
    if (!current.name().equals(next.name())) {
      throw new IllegalArgumentException("comparing sessions " + current.name() + " and " + next.name());
    }
    String hash = current.hash();
    if (next.predecessor() == null) {
      throw new PolicyUpdateException("session " + next.name() + " exists already: to replace it, set predecessor: " + hash);
    }
    if (!MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII), next.predecessor().getBytes(StandardCharsets.US_ASCII))) {
      throw new PolicyUpdateException("session " + next.name() + " was changed since this update was written: its hash is "
          + hash + ", the update names predecessor " + next.predecessor() + "; start from the current session");
    }
    if (next.namespaceHash() != null) {
      throw new PolicyUpdateException("namespace_hash is checked only when a session is created; remove it from the update");
    }
  }

  /** Why an update is refused. */
  public static final class PolicyUpdateException extends Exception {
    public PolicyUpdateException(String message) {
      super(message, null, false, false);
    }
  }
}
