package dev.clave.policy;

import java.util.Set;

/** The secret a placeholder body names (reference §1.5): {@code name}, {@code name:suffix}, or legacy {@code name.hex}. */
final class Placeholder {
  private static final String[] LEGACY = {".hex", ".crt", ".key", ".chain"};

  private Placeholder() {}

  /**
   * The name part of {@code body}: up to the first ':'; a legacy suffix is split off only when the whole
   * body is not itself a secret name (names may contain '.').
   */
  static String secretName(String body, Set<String> names) {
    int colon = body.indexOf(':');
    String head = colon >= 0 ? body.substring(0, colon) : body;
    if (names.contains(head)) {
      return head;
    }
    for (String suffix : LEGACY) {
      if (head.endsWith(suffix) && names.contains(head.substring(0, head.length() - suffix.length()))) {
        return head.substring(0, head.length() - suffix.length());
      }
    }
    return head;
  }
}
