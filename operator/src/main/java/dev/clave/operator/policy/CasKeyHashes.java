package dev.clave.operator.policy;

import dev.clave.operator.OperatorConfig;
import dev.clave.operator.cas.Cas;
import dev.clave.policy.protect.KeyHash;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/**
 * Which key a policy's CAS must have, in this order: the resource's {@code casKeyHash}; the operator's table
 * ({@code --cas-key-hash ADDR=HASH}); a CAS resource this operator runs, when {@code casAddress} is its
 * Service ({@code NAME}, {@code NAME.NS}, {@code NAME.NS.svc[.…]}, with or without {@code https://} and port)
 * and its status carries the key hash the CAS gave. Nothing else: a CAS that cannot be pinned gets nothing.
 */
final class CasKeyHashes {
  private CasKeyHashes() {}

  /** The pin, or empty when nothing names one; IllegalArgumentException when the resource's own is malformed. */
  static Optional<KeyHash> resolve(CasTarget spec, String namespace, OperatorConfig config, KubernetesClient client) {
    if (spec.getCasKeyHash() != null && !spec.getCasKeyHash().isBlank()) {
      return Optional.of(KeyHash.parse(spec.getCasKeyHash().strip()));
    }
    KeyHash configured = config.casKeyHashes().get(spec.getCasAddress().strip());
    if (configured != null) {
      return Optional.of(configured);
    }
    String host = host(spec.getCasAddress());
    String[] labels = host.split("\\.");
    if (labels.length > 2 && !"svc".equals(labels[2])) {
      return Optional.empty();
    }
    String ns = labels.length > 1 ? labels[1] : namespace;
    Cas cas = client.resources(Cas.class).inNamespace(ns).withName(labels[0]).get();
    if (cas == null || cas.getStatus() == null || cas.getStatus().getKeyHash() == null) {
      return Optional.empty();
    }
    return Optional.of(KeyHash.parse(cas.getStatus().getKeyHash()));
  }

  static String host(String address) {
    String a = address.strip();
    if (a.startsWith("https://")) {
      a = a.substring("https://".length());
    }
    int slash = a.indexOf('/');
    if (slash >= 0) {
      a = a.substring(0, slash);
    }
    if (a.startsWith("[")) {
      return a.substring(1, Math.max(1, a.indexOf(']')));
    }
    int colon = a.indexOf(':');
    return colon >= 0 ? a.substring(0, colon) : a;
  }
}
