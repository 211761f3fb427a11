package dev.clave.policy;

import java.util.List;

/**
 * {@code access_policy:}: who may read, update, create sessions under, and list this session (reference
 * §1.9). Absent operations take their defaults: read and update {@code [CREATOR]}, create_sessions the
 * update rule, list_sessions the read rule.
 */
public record AccessPolicy(AccessRule read, AccessRule update, AccessRule createSessions, AccessRule listSessions) {

  public static final AccessPolicy DEFAULT = of(null, null, null, null);

  /** Fills in the defaults for the rules that are null. */
  public static AccessPolicy of(AccessRule read, AccessRule update, AccessRule createSessions, AccessRule listSessions) {
    AccessRule r = read != null ? read : AccessRule.creator();
    AccessRule u = update != null ? update : AccessRule.creator();
    return new AccessPolicy(r, u, createSessions != null ? createSessions : u, listSessions != null ? listSessions : r);
  }

  /**
   * A rule: a list of principals of which any one suffices, or governance ({@code require-all},
   * {@code require-at-least-N}) over nested rules.
   */
  public sealed interface AccessRule {
    static AccessRule creator() {
      return new AnyOf(List.of(new Principal.Creator()));
    }
  }

  /** Any one of the principals. */
  public record AnyOf(List<Principal> principals) implements AccessRule {
    public AnyOf {
      principals = List.copyOf(principals);
    }
  }

  /** Every nested rule must be satisfied. */
  public record RequireAll(List<AccessRule> rules) implements AccessRule {
    public RequireAll {
      rules = List.copyOf(rules);
    }
  }

  /** At least {@code n} of the nested rules must be satisfied. */
  public record RequireAtLeast(int n, List<AccessRule> rules) implements AccessRule {
    public RequireAtLeast {
      rules = List.copyOf(rules);
    }
  }

  /** Who an entry names. */
  public sealed interface Principal {
    /** The TLS client identity that created the session. */
    record Creator() implements Principal {}

    /** Anyone; stands alone. */
    record Any() implements Principal {}

    /** No one; stands alone. */
    record None() implements Principal {}

    /** A client whose public key has this key hash (Base58Check, reference §2.4). */
    record KeyHash(String hash) implements Principal {}

    /** A client certificate, matched by its public key: the key hash of its SubjectPublicKeyInfo. */
    record Certificate(String keyHash) implements Principal {}

    /** A policy signer: an Ed25519 or P-384 public key (PEM SPKI or the legacy Base58Check form). */
    record Signer(String key) implements Principal {}

    /** {@code $$SCONE::secret$$}: evaluated when permissions are checked. */
    record SecretReference(String placeholder) implements Principal {}
  }
}
