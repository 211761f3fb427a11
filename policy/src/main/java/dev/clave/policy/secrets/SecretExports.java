package dev.clave.policy.secrets;

import dev.clave.policy.secrets.SecretSpec.SecretExport;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Whether a session may import a secret another session exports (reference §1.5, "Export and import").
 *
 * <p>An {@code export:} entry allows an importer when:
 *
 * <ul>
 *   <li>{@code session: S} — the importer's name is exactly S; with {@code session_hash: H} its current
 *       hash must also equal H (hex, compared case-insensitively and in constant time). Without a hash the
 *       rule trusts whoever owns the name S now and later.
 *   <li>{@code namespace: N} — the importer is nested inside N: its name starts with {@code N + "/"}. The
 *       namespace session N itself is <em>not</em> included ("all nested sessions"); export to it with a
 *       {@code session: N} entry. The root namespace {@code /} includes every session except {@code /}.
 * </ul>
 *
 * <p>No export list, or no matching entry: refused (fail closed). Names are compared exactly (no case
 * folding, no {@code ./}/{@code ../} resolution: the parser makes export names absolute).
 */
public final class SecretExports {
  private SecretExports() {}

  /**
   * The answer: allowed, or refused with a message for both sides saying which rule did or did not match.
   */
  public record Decision(boolean allowed, String reason) {
    static Decision allow(String reason) {
      return new Decision(true, reason);
    }

    static Decision refuse(String reason) {
      return new Decision(false, reason);
    }
  }

  /**
   * May {@code importerName} (with session hash {@code importerHashHex}) import {@code secret} of session
   * {@code exporterName}?
   *
   * @param importerHashHex the importer's current session hash, 64 hex characters, or null when unknown (then
   *     every hash-pinned rule refuses)
   */
  public static Decision check(String exporterName, SecretSpec secret, String importerName, String importerHashHex) {
    String what = "secret '" + secret.name() + "' of session '" + exporterName + "'";
    List<SecretExport> exports = secret.exports();
    if (exports.isEmpty()) {
      return Decision.refuse(what + " is not exported");
    }
    String hashMismatch = null;
    List<String> rules = new ArrayList<>(exports.size());
    for (SecretExport rule : exports) {
      rules.add(describe(rule));
      if (rule.session() != null) {
        if (!rule.session().equals(importerName)) {
          continue;
        }
        if (rule.sessionHash() == null) {
          return Decision.allow(what + " is exported to session '" + importerName + "'");
        }
        if (sameHash(rule.sessionHash(), importerHashHex)) {
          return Decision.allow(what + " is exported to session '" + importerName + "' with its current hash");
        }
        hashMismatch = describe(rule);
      } else if (rule.namespace() != null && inNamespace(importerName, rule.namespace())) {
        return Decision.allow(what + " is exported to namespace '" + rule.namespace() + "', which contains session '" + importerName + "'");
      }
    }
    if (hashMismatch != null) {
      return Decision.refuse(
          what + " is exported with {" + hashMismatch + "}, but session '" + importerName
              + (importerHashHex == null ? "' has no known hash" : "' has a different hash"));
    }
    return Decision.refuse(
        what + " is exported only to " + String.join(", ", rules) + "; session '" + importerName + "' is not among them");
  }

  static boolean inNamespace(String importerName, String namespace) {
    if (namespace.equals("/")) {
      return !importerName.equals("/") && !importerName.isEmpty();
    }
    String prefix = namespace.endsWith("/") ? namespace : namespace + "/";
    return importerName.length() > prefix.length() && importerName.startsWith(prefix);
  }

  /** Equal 32-byte hashes given as hex, in constant time; false when either is not valid hex. */
  static boolean sameHash(String pinnedHex, String actualHex) {
    if (actualHex == null) {
      return false;
    }
    byte[] pinned = decode(pinnedHex);
    byte[] actual = decode(actualHex);
    return pinned != null && actual != null && MessageDigest.isEqual(pinned, actual);
  }

  private static byte[] decode(String hex) {
    if (hex.length() != 64) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex); // accepts both cases
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String describe(SecretExport rule) {
    if (rule.session() != null) {
      return rule.sessionHash() == null
          ? "session: " + rule.session()
          : "session: " + rule.session() + ", session_hash: " + rule.sessionHash();
    }
    return "namespace: " + rule.namespace();
  }
}
