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
  FragmentResolver NONE = imp -> Optional.empty();

  Optional<String> fragment(SecretSpec.SecretImport from);
}
