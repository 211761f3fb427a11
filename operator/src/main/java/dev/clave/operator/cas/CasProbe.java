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
  /** What the CAS said about itself; {@code snapshots} is empty when the CAS does not report them. */
  record CasInfo(KeyHash keyHash, boolean provisioned, boolean attestable, Optional<Snapshots> snapshots) {
    public CasInfo(KeyHash keyHash, boolean provisioned, boolean attestable) {
      this(keyHash, provisioned, attestable, Optional.empty());
    }
  }

  /**
   * The CAS's database snapshots ({@code "snapshots"} in {@code GET /v1/cas}).
   *
   * @param status Disabled | Initializing | Persisted | Failed
   * @param timestamp ISO-8601 time of the newest snapshot, null when there is none
   * @param interval the configured interval as the CAS writes it ("60s"), null when not given
   * @param error why snapshots fail, null unless Failed
   */
  record Snapshots(String status, String timestamp, String interval, String error) {
    public boolean failed() {
      return "Failed".equals(status);
    }
  }

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
