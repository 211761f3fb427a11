package dev.clave.operator.cas;

import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.util.Optional;

/**
 * Asks a running CAS who it is: its key hash and whether it has an owner yet ({@code GET /v1/cas}), and whether it
 * can be attested: whether it shows a quote ({@code GET /v1/cas/attestation}; owners verify it with {@code clave
 * cas attest}).
 */
@FunctionalInterface
public interface CasProbe {
  /** What the CAS said about itself. */
  record CasInfo(KeyHash keyHash, boolean provisioned, boolean attestable) {}

  /**
   * Asks the CAS behind {@code cas}'s Service. With {@code pinned}, the CAS must have that key; without, its
   * first answer is believed: the operator made this CAS and reaches it inside the cluster, and from then
   * on pins what it learnt.
   *
   * @throws IOException when it cannot be asked or answers something else; the message says which
   */
  CasInfo describe(Cas cas, Optional<KeyHash> pinned) throws IOException, InterruptedException;

  /** Over HTTPS at {@code <name>.<namespace>.svc:<client port>}. */
  static CasProbe inCluster() {
    return new HttpsCasProbe(cas -> CasWorkload.name(cas) + "." + cas.getMetadata().getNamespace() + ".svc:"
        + CasWorkload.clientPort(cas));
  }

  /** Over HTTPS at the address {@code address} gives for a CAS resource ({@code host:port}). */
  static CasProbe at(java.util.function.Function<Cas, String> address) {
    return new HttpsCasProbe(address);
  }
}
