package dev.clave.policy;

import dev.clave.policy.secrets.SecretSpec;
import java.util.Optional;

/**
 * Supplies config-fragments that a session imports from other sessions: the exporting session's fragment
 * value as YAML text (its canonical JSON form is YAML too). CAS implements it over its store, after
 * checking that the exporter allows the importer; outside CAS no fragment of another session is available.
 */
@FunctionalInterface
public interface FragmentResolver {
  FragmentResolver NONE = (importer, imp) -> Optional.empty();

  /**
   * @param importer the importing session's name as written (relative imports resolve against it; empty
   *     when the policy has no usable name)
   */
  Optional<String> fragment(String importer, SecretSpec.SecretImport from);
}
