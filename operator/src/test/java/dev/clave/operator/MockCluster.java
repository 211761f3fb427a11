package dev.clave.operator;

import static org.awaitility.Awaitility.await;

import dev.clave.operator.cas.CasProbe;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import org.awaitility.core.ConditionFactory;

/** The operator running against fabric8's mock API server, and what tests do in place of kubelet and controllers. */
public final class MockCluster {
  public static final String NAMESPACE = "clave-system";

  private MockCluster() {}

  /** Every reconciler on {@code client}; LAS and unsettled resources looked at again every 300 ms. */
  public static ClaveOperator start(KubernetesClient client, OperatorConfig config, CasProbe probe) {
    return ClaveOperator.start(client, config.withNamespace(NAMESPACE).withProbeInterval(Duration.ofMillis(300)), probe);
  }

  public static CasProbe noCas() {
    return (cas, pin) -> {
      throw new IOException("no CAS in this test");
    };
  }

  public static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).ignoreExceptions();
  }

  /**
   * Runs an edit again when the API server answers 409: the operator may update the same object (its status)
   * between the test's read and write, as any controller may in a real cluster.
   */
  public static void retryOnConflict(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 20) {
          throw e;
        }
      }
    }
  }

  /** What the DaemonSet controller would report once {@code n} nodes run the current template. */
  public static void markDaemonSetReady(KubernetesClient client, String namespace, String name, int n) {
    retryOnConflict(() -> client.apps().daemonSets().inNamespace(namespace).withName(name).editStatus(ds -> {
      ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(n).withCurrentNumberScheduled(n)
          .withNumberReady(n).withNumberAvailable(n).withUpdatedNumberScheduled(n)
          .withObservedGeneration(ds.getMetadata().getGeneration()).build());
      return ds;
    }));
  }

  public static DaemonSet daemonSet(KubernetesClient client, String namespace, String name) {
    return client.apps().daemonSets().inNamespace(namespace).withName(name).get();
  }
}
