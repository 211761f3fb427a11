package dev.clave.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/**
 * The operator's own metrics in Prometheus form: reconciliations started, failed and finished per
 * controller, and how long each reconcile / cleanup took.
 */
public final class OperatorMetrics implements Metrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  private static String controller(Map<String, Object> metadata) {
    Object name = metadata.get(Constants.CONTROLLER_NAME);
    return name != null ? name.toString() : "unknown";
  }

  private Counter counter(String name, String description, Map<String, Object> metadata) {
    return Counter.builder(name).description(description).tag("controller", controller(metadata)).register(registry);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    counter("clave_operator_reconciliations_started", "reconciliations submitted", metadata).increment();
    if (retryInfo != null && retryInfo.getAttemptCount() > 0) {
      counter("clave_operator_reconciliations_retried", "reconciliations that are retries", metadata).increment();
    }
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    counter("clave_operator_reconciliations_failed", "reconciliations that threw", metadata).increment();
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    counter("clave_operator_reconciliations_succeeded", "reconciliations that finished", metadata).increment();
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    Timer timer = Timer.builder("clave_operator_controller_execution").description("time of one reconcile or cleanup")
        .tag("controller", execution.controllerName()).tag("execution", execution.name()).register(registry);
    Timer.Sample sample = Timer.start(registry);
    try {
      return execution.execute();
    } finally {
      sample.stop(timer);
    }
  }
}
