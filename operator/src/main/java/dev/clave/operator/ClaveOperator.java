package dev.clave.operator;

import dev.clave.operator.cas.CasProbe;
import dev.clave.operator.cas.CasReconciler;
import dev.clave.operator.las.LasReconciler;
import dev.clave.operator.policy.EncryptedPolicyReconciler;
import dev.clave.operator.policy.SignedPolicyReconciler;
import dev.clave.operator.sgxplugin.SgxPluginReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The operator: one reconciler per resource kind, registered on one JOSDK {@link Operator}.
 *
 * <p>Primary resources and dependents are written with ordinary create / update / JSON patch, never
 * server-side apply: one write path for every API server, including fabric8's mock, on which the tests run it.
 *
 * <p>With {@link LeaderElection}, every replica starts its informers but only the holder of the Lease reconciles;
 * a holder that loses the Lease while running calls {@link LeaderElection#onLostLeadership()}.
 */
public final class ClaveOperator implements AutoCloseable {
  private final Operator operator;
  private final OperatorMetrics metrics;
  private final AtomicBoolean leader;
  private final AtomicBoolean closing;

  private ClaveOperator(Operator operator, OperatorMetrics metrics, AtomicBoolean leader, AtomicBoolean closing) {
    this.operator = operator;
    this.metrics = metrics;
    this.leader = leader;
    this.closing = closing;
  }

  /** Registers every reconciler and starts them; returns once the informers have synced. No leader election. */
  public static ClaveOperator start(KubernetesClient client, OperatorConfig config, CasProbe casProbe) {
    return start(client, config, casProbe, null);
  }

  /**
   * Registers every reconciler and starts them; returns once the informers have synced. With {@code election}
   * (null: none) they reconcile only while this replica holds the Lease.
   */
  public static ClaveOperator start(KubernetesClient client, OperatorConfig config, CasProbe casProbe,
      LeaderElection election) {
    OperatorMetrics metrics = new OperatorMetrics();
    AtomicBoolean leader = new AtomicBoolean(election == null);
    AtomicBoolean closing = new AtomicBoolean();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withCloseClientOnStop(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .checkingCRDAndValidateLocalModel(false)
          .withMetrics(metrics)
          .withReconciliationTerminationTimeout(Duration.ofSeconds(5));
      if (election != null) {
        o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName())
            .withLeaseNamespace(election.namespace())
            .withIdentity(election.identity())
            .withLeaseDuration(election.leaseDuration())
            .withRenewDeadline(election.renewDeadline())
            .withRetryPeriod(election.retryPeriod())
            // JOSDK would System.exit on every stop, a deliberate close included: the callback below decides.
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(new LeaderCallbacks(
                () -> leader.set(true),
                () -> {
                  leader.set(false);
                  if (!closing.get()) {
                    election.onLostLeadership().run();
                  }
                },
                newLeader -> {}))
            .build());
      }
    });
    operator.register(new SgxPluginReconciler(config));
    operator.register(new LasReconciler(config));
    operator.register(new CasReconciler(config, casProbe));
    operator.register(new SignedPolicyReconciler(config));
    operator.register(new EncryptedPolicyReconciler(config));
    operator.start();
    return new ClaveOperator(operator, metrics, leader, closing);
  }

  /** True while this replica reconciles: always without leader election, else while it holds the Lease. */
  public boolean leader() {
    return leader.get();
  }

  public OperatorMetrics metrics() {
    return metrics;
  }

  /** True while every controller's informers run. */
  public boolean running() {
    return operator.getRuntimeInfo().allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    closing.set(true);
    operator.stop();
  }
}
