package dev.clave.operator;

import dev.clave.operator.cas.CasProbe;
import dev.clave.operator.cas.CasReconciler;
import dev.clave.operator.las.LasReconciler;
import dev.clave.operator.policy.EncryptedPolicyReconciler;
import dev.clave.operator.policy.SignedPolicyReconciler;
import dev.clave.operator.sgxplugin.SgxPluginReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;

/**
 * The operator: one reconciler per resource kind, registered on one JOSDK {@link Operator}.
 *
 * <p>Primary resources and dependents are written with ordinary create / update / JSON patch, never
 * server-side apply: one write path for every API server, including fabric8's mock, on which the tests run it.
 */
public final class ClaveOperator implements AutoCloseable {
  private final Operator operator;
  private final OperatorMetrics metrics;

  private ClaveOperator(Operator operator, OperatorMetrics metrics) {
    this.operator = operator;
    this.metrics = metrics;
  }

  /** Registers every reconciler and starts them; returns once the informers have synced. */
  public static ClaveOperator start(KubernetesClient client, OperatorConfig config, CasProbe casProbe) {
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .checkingCRDAndValidateLocalModel(false)
        .withMetrics(metrics)
        .withReconciliationTerminationTimeout(Duration.ofSeconds(5)));
    operator.register(new SgxPluginReconciler(config));
    operator.register(new LasReconciler(config));
    operator.register(new CasReconciler(config, casProbe));
    operator.register(new SignedPolicyReconciler(config));
    operator.register(new EncryptedPolicyReconciler(config));
    operator.start();
    return new ClaveOperator(operator, metrics);
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
    operator.stop();
  }
}
