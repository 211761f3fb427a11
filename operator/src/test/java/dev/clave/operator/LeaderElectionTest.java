package dev.clave.operator;

import static dev.clave.operator.MockCluster.NAMESPACE;
import static dev.clave.operator.MockCluster.daemonSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clave.operator.sgxplugin.SgxPlugin;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas on one mock API server (CRUD mode, which keeps Leases like any object and refuses a stale
 * resourceVersion): one holds the Lease and reconciles; when it stops, the other takes over.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
  // Instance fields: a fresh mock API server per test (no expectation left over from another test).
  KubernetesClient client;
  KubernetesMockServer server;
  private static final String LEASE = LeaderElection.DEFAULT_LEASE_NAME;

  private final List<KubernetesClient> clients = new ArrayList<>();
  private final List<ClaveOperator> operators = new ArrayList<>();
  private final AtomicInteger lostWhileRunning = new AtomicInteger();

  /**
   * JOSDK asks (SelfSubjectRulesReview) whether it may get, create and update Leases before it campaigns (fabric8
   * then renews with a merge patch): the mock API server answers {@code verbs}, e.g. what the chart's Role grants.
   */
  private void grants(String... verbs) {
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, review(verbs)).always();
  }

  @BeforeEach
  void rulesReview(org.junit.jupiter.api.TestInfo test) {
    if (!test.getTestMethod().orElseThrow().getName().startsWith("without")) {
      grants("get", "create", "update", "patch");
    }
  }

  @AfterEach
  void stopAll() {
    operators.forEach(ClaveOperator::close);
    clients.forEach(KubernetesClient::close);
    client.resources(SgxPlugin.class).delete();
    client.leases().inNamespace(NAMESPACE).delete();
  }

  private static SelfSubjectRulesReview review(String... verbs) {
    return new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
        .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs(verbs).build())
        .endStatus().build();
  }

  /** A replica with its own client (as a separate process has), with short timings: lease 2 s, renew 1.5 s, retry 0.25 s. */
  private ClaveOperator replica(String identity) {
    KubernetesClient own = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
    clients.add(own);
    LeaderElection election = LeaderElection.of(LEASE, NAMESPACE, identity)
        .withTimings(Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250))
        .onLostLeadership(lostWhileRunning::incrementAndGet);
    ClaveOperator op = ClaveOperator.start(own,
        OperatorConfig.defaults().withNamespace(NAMESPACE).withProbeInterval(Duration.ofMillis(300)), MockCluster.noCas(),
        election);
    operators.add(op);
    return op;
  }

  private String holder() {
    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  private static SgxPlugin plugin(String name) {
    SgxPlugin p = new SgxPlugin();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    p.getSpec().setImage("clave:1.0");
    return p;
  }

  private SgxPlugin get(String name) {
    return client.resources(SgxPlugin.class).withName(name).get();
  }

  @Test
  void oneReplicaLeadsAndReconcilesAndTheOtherTakesOverWhenItStops() {
    ClaveOperator a = replica("operator-a");
    await().atMost(Duration.ofSeconds(10)).until(a::leader);
    ClaveOperator b = replica("operator-b");
    assertThat(holder()).isEqualTo("operator-a");
    Lease lease = client.leases().inNamespace(NAMESPACE).withName(LEASE).get();
    assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(2);

    // Exactly one leader, over several renewals.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> a.leader() && !b.leader());
    assertThat(holder()).isEqualTo("operator-a");

    // The leader reconciles.
    client.resources(SgxPlugin.class).resource(plugin("one")).create();
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
        .until(() -> daemonSet(client, NAMESPACE, "one-sgx-plugin") != null && get("one").getStatus().getState() != null);

    // The leader stops (without releasing the Lease, as a crashed pod would not): b takes over once it expires.
    long stopped = System.nanoTime();
    a.close();
    await().atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(50)).until(b::leader);
    Duration takeover = Duration.ofNanos(System.nanoTime() - stopped);
    assertThat(takeover).as("within the lease duration plus a retry or two").isLessThan(Duration.ofMillis(3500));
    assertThat(holder()).isEqualTo("operator-b");

    // ... and reconciles: a change made after the handover reaches the DaemonSet.
    MockCluster.retryOnConflict(() -> client.resources(SgxPlugin.class).withName("one").edit(p -> {
      p.getSpec().setImage("clave:1.1");
      return p;
    }));
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> daemonSet(client, NAMESPACE, "one-sgx-plugin")
        .getSpec().getTemplate().getSpec().getContainers().get(0).getImage().equals("clave:1.1"));
    assertThat(lostWhileRunning).as("a deliberate close is no lost leadership").hasValue(0);
  }

  /** Another replica took the Lease (e.g. this one was partitioned): this one must stop — in production, exit. */
  @Test
  void aLeaderWhoseLeaseIsTakenGivesUp() {
    ClaveOperator a = replica("operator-a");
    await().atMost(Duration.ofSeconds(10)).until(a::leader);
    MockCluster.retryOnConflict(() -> client.leases().inNamespace(NAMESPACE).withName(LEASE).edit(l -> {
      l.getSpec().setHolderIdentity("thief");
      l.getSpec().setLeaseDurationSeconds(3600);
      l.getSpec().setRenewTime(java.time.ZonedDateTime.now());
      return l;
    }));
    await().atMost(Duration.ofSeconds(6)).until(() -> !a.leader() && lostWhileRunning.get() == 1);
    assertThat(holder()).isEqualTo("thief");
  }

  @Test
  void aFollowerDoesNotReconcile() {
    // A Lease some other (live) replica holds and keeps renewing: this one must only wait.
    client.leases().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
        .withNewMetadata().withName(LEASE).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withHolderIdentity("elsewhere").withLeaseDurationSeconds(3600)
          .withAcquireTime(java.time.ZonedDateTime.now()).withRenewTime(java.time.ZonedDateTime.now()).withLeaseTransitions(0)
        .endSpec().build()).create();
    ClaveOperator follower = replica("operator-f");
    client.resources(SgxPlugin.class).resource(plugin("waits")).create();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> !follower.leader() && daemonSet(client, NAMESPACE, "waits-sgx-plugin") == null);
    assertThat(holder()).isEqualTo("elsewhere");
    assertThat(follower.running()).as("its informers run (ready to take over)").isTrue();
  }

  @Test
  void withoutLeaseRightsTheOperatorDoesNotStart() {
    grants("get", "patch");
    assertThatThrownBy(() -> replica("operator-x")).rootCause().hasMessageContaining("No permission to lease resource")
        .hasMessageContaining("create").hasMessageContaining("update");
  }

  @Test
  void leaderElectionSettingsAreChecked() {
    assertThat(LeaderElection.identity(Map.of("HOSTNAME", "clave-operator-7c9f-abcde"))).isEqualTo("clave-operator-7c9f-abcde");
    String generated = LeaderElection.identity(Map.of());
    assertThat(generated).startsWith("clave-operator-").isNotEqualTo(LeaderElection.identity(Map.of()));
    assertThatThrownBy(() -> LeaderElection.of(LEASE, NAMESPACE, "x")
        .withTimings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(100)))
        .hasMessageContaining("lease duration > renew deadline > retry period");
  }
}
