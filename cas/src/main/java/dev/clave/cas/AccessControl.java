package dev.clave.cas;

import dev.clave.policy.AccessPolicy;
import dev.clave.policy.AccessPolicy.AccessRule;
import dev.clave.policy.AccessPolicy.Principal;
import dev.clave.policy.protect.KeyHash;
import dev.clave.policy.secrets.Placeholders;
import dev.clave.policy.secrets.SecretException;
import dev.clave.policy.secrets.SecretValue;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a session's {@code access_policy} rule for a client (reference §1.9): a list is satisfied by any
 * one principal; {@code require-all} and {@code require-at-least-N} count nested rules. A client is its TLS
 * key hash; {@code CREATOR} is the key hash that created the session; {@code signer:} entries are satisfied
 * only by signatures of a signed upload; a {@code $$SCONE::secret$$} entry is read from the session's own
 * secrets when checked, and a missing or unusable value grants nothing.
 */
final class AccessControl {
  private AccessControl() {}

  /**
   * @param client the requesting client's key hash (null: no client certificate)
   * @param creator the session's creator key hash (null for a session being created)
   * @param secrets the session's secret values (for secret entries), possibly empty
   * @param signers the normalised signer keys whose signatures came with this request
   */
  static boolean allows(AccessRule rule, KeyHash client, KeyHash creator, Map<String, SecretValue> secrets, Set<String> signers) {
    return switch (rule) {
      case AccessPolicy.AnyOf any -> {
        for (Principal p : any.principals()) {
          if (matches(p, client, creator, secrets, signers)) {
            yield true;
          }
        }
        yield false;
      }
      case AccessPolicy.RequireAll all -> all.rules().stream().allMatch(r -> allows(r, client, creator, secrets, signers));
      case AccessPolicy.RequireAtLeast n ->
          n.rules().stream().filter(r -> allows(r, client, creator, secrets, signers)).count() >= n.n();
    };
  }

  private static boolean matches(Principal p, KeyHash client, KeyHash creator, Map<String, SecretValue> secrets, Set<String> signers) {
    return switch (p) {
      case Principal.Any a -> true;
      case Principal.None n -> false;
      case Principal.Creator c -> client != null && client.equals(creator);
      case Principal.KeyHash k -> client != null && client.equals(KeyHash.parse(k.hash()));
      case Principal.Certificate c -> client != null && client.equals(KeyHash.parse(c.keyHash()));
      case Principal.Signer s -> signers.contains(s.key());
      case Principal.SecretReference r -> secretMatches(r.placeholder(), client, creator, secrets);
    };
  }

  private static boolean secretMatches(String placeholder, KeyHash client, KeyHash creator, Map<String, SecretValue> secrets) {
    if (client == null) {
      return false;
    }
    try {
      String body = placeholder.substring(Placeholders.OPEN.length(), placeholder.length() - 2);
      SecretValue v = secrets.get(Placeholders.resolve(body, secrets.keySet()).name());
      if (v instanceof SecretValue.Certificate cert) {
        return client.matches(cert.x509().getPublicKey().getEncoded());
      }
      String text = Placeholders.substituteText(placeholder, secrets).strip();
      if (text.equals("CREATOR")) {
        return client.equals(creator);
      }
      return client.equals(KeyHash.parse(text));
    } catch (SecretException | RuntimeException e) {
      return false; // reference §1.9: missing or invalid values are ignored
    }
  }
}
