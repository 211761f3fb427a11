package dev.clave.operator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Leader election between operator replicas: one {@code coordination.k8s.io} Lease; only its holder reconciles,
 * the others keep their informers warm and take over once the holder stops renewing it.
 *
 * @param leaseName the Lease's name
 * @param namespace the Lease's namespace (the operator's own)
 * @param identity this replica's name in the Lease's {@code holderIdentity}
 * @param leaseDuration how long a Lease not renewed stays its holder's (how long a takeover may wait)
 * @param renewDeadline how long the holder keeps trying to renew before it gives leadership up
 * @param retryPeriod how often the Lease is tried / renewed
 * @param onLostLeadership what happens when this replica, while running, loses the Lease (production: exit,
 *     so that the process restarts as a follower and no two replicas reconcile at once)
 */
public record LeaderElection(String leaseName, String namespace, String identity, Duration leaseDuration,
    Duration renewDeadline, Duration retryPeriod, Runnable onLostLeadership) {
  public static final String DEFAULT_LEASE_NAME = "clave-operator-lease";

  public LeaderElection {
    Objects.requireNonNull(leaseName, "leaseName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(onLostLeadership, "onLostLeadership");
    if (leaseName.isBlank() || namespace.isBlank() || identity.isBlank()) {
      throw new IllegalArgumentException("lease name, namespace and identity must not be blank");
    }
    if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0) || retryPeriod.isNegative()
        || retryPeriod.isZero()) {
      throw new IllegalArgumentException("expected lease duration > renew deadline > retry period > 0, got "
          + leaseDuration + ", " + renewDeadline + ", " + retryPeriod);
    }
  }

  /** Kubernetes' usual timings (lease 15 s, renew deadline 10 s, retry 2 s); losing the Lease exits the process. */
  public static LeaderElection of(String leaseName, String namespace, String identity) {
    return new LeaderElection(leaseName, namespace, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
        Duration.ofSeconds(2), LeaderElection::exit);
  }

  public LeaderElection withTimings(Duration lease, Duration renew, Duration retry) {
    return new LeaderElection(leaseName, namespace, identity, lease, renew, retry, onLostLeadership);
  }

  public LeaderElection onLostLeadership(Runnable action) {
    return new LeaderElection(leaseName, namespace, identity, leaseDuration, renewDeadline, retryPeriod, action);
  }

  /**
   * This replica's identity: the pod name (Kubernetes sets {@code HOSTNAME} to it), unique among running pods;
   * outside a pod, {@code clave-operator-} and a random suffix.
   */
  public static String identity(Map<String, String> env) {
    String host = env.get("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host.strip();
    }
    return "clave-operator-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void exit() {
    System.err.println("clave: operator lost its leader Lease; exiting so that it restarts as a follower");
    // Not on the leader elector's thread: System.exit runs the shutdown hooks, which stop the operator.
    Thread t = new Thread(() -> System.exit(1), "operator-lost-lease");
    t.setDaemon(true);
    t.start();
  }
}
