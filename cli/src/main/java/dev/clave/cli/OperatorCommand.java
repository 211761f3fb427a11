package dev.clave.cli;

import dev.clave.cas.client.ClientIdentity;
import dev.clave.operator.ClaveOperator;
import dev.clave.operator.Crds;
import dev.clave.operator.LeaderElection;
import dev.clave.operator.MetricsServer;
import dev.clave.operator.OperatorConfig;
import dev.clave.operator.cas.CasProbe;
import dev.clave.policy.protect.KeyHash;
import dev.clave.sgxplugin.Quantities;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code operator} group: the Kubernetes operator for SGXPlugin, LAS, CAS, SignedPolicy and EncryptedPolicy. */
@Command(
    name = "operator",
    mixinStandardHelpOptions = true,
    description = "Kubernetes operator: keeps SGXPlugin, LAS and CAS resources running and submits SignedPolicy and"
        + " EncryptedPolicy resources to their CAS.",
    subcommands = {OperatorCommand.Serve.class, OperatorCommand.PrintCrds.class})
final class OperatorCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code clave operator serve}: runs the operator in the foreground until it is stopped. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = {
        "Run the operator against the cluster of the in-cluster service account or the current kubeconfig context.",
        "Metrics (Prometheus) on GET /metrics, probes on /healthz and /readyz of --metrics-listen.",
        "Environment: CLAVE_OPERATOR_NAMESPACE (else SCONE_OPERATOR_NAMESPACE), CLAVE_OPERATOR_IMAGE,"
            + " CLAVE_OPERATOR_IDENTITY (a PEM file); options override them.",
        "Leader election (several replicas, one reconciles): a Lease in the operator's namespace, held by HOSTNAME"
            + " (the pod name); on by default when the environment names the operator's namespace (in a cluster)."
      })
  static final class Serve implements Callable<Integer> {
    @Option(names = "--namespace", paramLabel = "NS", description = "namespace of the SGX plugin and LAS DaemonSets (default clave-system)")
    String namespace;

    @Option(names = "--image", paramLabel = "IMAGE", description = "the Clave image for resources that name none (default clave:latest)")
    String image;

    @Option(names = "--cas-key-hash", paramLabel = "ADDR=HASH",
        description = "pin the CAS at ADDR (as policies' casAddress names it) by its key hash; repeatable")
    List<String> casKeyHashes = new ArrayList<>();

    @Option(names = "--identity", paramLabel = "PEM", description = "the operator's client identity towards CASes (default: a new one per start)")
    Path identity;

    @Option(names = "--metrics-listen", paramLabel = "HOST:PORT", description = "metrics and probes (default 0.0.0.0:8080)")
    String metricsListen = "0.0.0.0:8080";

    @Option(names = "--probe-interval", paramLabel = "DURATION", description = "how often LAS platform IDs and CAS state are read, e.g. 30s (default 30s)")
    String probeInterval;

    @Option(names = "--leader-election", negatable = true,
        description = "only the holder of the Lease reconciles, so several replicas can run (default: on when"
            + " CLAVE_OPERATOR_NAMESPACE or SCONE_OPERATOR_NAMESPACE is set, i.e. in a cluster; off otherwise)")
    Boolean leaderElection;

    @Option(names = "--lease-name", paramLabel = "NAME",
        description = "the leader election Lease, in the operator's namespace (default " + LeaderElection.DEFAULT_LEASE_NAME + ")")
    String leaseName = LeaderElection.DEFAULT_LEASE_NAME;

    /** The environment; tests replace it. */
    Map<String, String> env = System.getenv();

    OperatorConfig config() throws IOException {
      OperatorConfig c = OperatorConfig.defaults();
      String ns = namespace != null ? namespace : env.getOrDefault("CLAVE_OPERATOR_NAMESPACE", env.get("SCONE_OPERATOR_NAMESPACE"));
      if (ns != null && !ns.isBlank()) {
        c = c.withNamespace(ns.strip());
      }
      String img = image != null ? image : env.get("CLAVE_OPERATOR_IMAGE");
      if (img != null && !img.isBlank()) {
        c = c.withDefaultImage(img.strip());
      }
      Map<String, KeyHash> pins = new LinkedHashMap<>();
      for (String entry : casKeyHashes) {
        int eq = entry.lastIndexOf('=');
        if (eq <= 0 || eq == entry.length() - 1) {
          throw new IllegalArgumentException("--cas-key-hash: expected ADDR=HASH, got " + entry);
        }
        pins.put(entry.substring(0, eq).strip(), KeyHash.parse(entry.substring(eq + 1).strip()));
      }
      c = c.withCasKeyHashes(pins);
      Path id = identity != null ? identity : env.containsKey("CLAVE_OPERATOR_IDENTITY") ? Path.of(env.get("CLAVE_OPERATOR_IDENTITY")) : null;
      if (id != null) {
        c = c.withIdentity(ClientIdentity.fromPem(Files.readString(id)));
      }
      if (probeInterval != null) {
        c = c.withProbeInterval(Quantities.duration(probeInterval, "--probe-interval"));
      }
      return c;
    }

    /**
     * Leader election, or null for none. Default: on when the environment names the operator's namespace (the chart
     * sets CLAVE_OPERATOR_NAMESPACE from the pod's): in a cluster, where the chart may run several replicas; off for
     * a single operator started by hand against a kubeconfig. The Lease lives in {@code config.namespace()}.
     */
    LeaderElection leaderElection(OperatorConfig config) {
      boolean namespaceFromEnvironment = isSet(env.get("CLAVE_OPERATOR_NAMESPACE")) || isSet(env.get("SCONE_OPERATOR_NAMESPACE"));
      boolean on = leaderElection != null ? leaderElection : namespaceFromEnvironment;
      if (!on) {
        return null;
      }
      if (leaseName == null || leaseName.isBlank()) {
        throw new IllegalArgumentException("--lease-name: must not be empty");
      }
      if (!leaseName.strip().matches("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")) {
        throw new IllegalArgumentException("--lease-name: not a Kubernetes object name: " + leaseName);
      }
      return LeaderElection.of(leaseName.strip(), config.namespace(), LeaderElection.identity(env));
    }

    private static boolean isSet(String value) {
      return value != null && !value.isBlank();
    }

    String[] metricsAddress() {
      int colon = metricsListen.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("--metrics-listen: expected HOST:PORT, got " + metricsListen);
      }
      try {
        int port = Integer.parseInt(metricsListen.substring(colon + 1));
        if (port < 0 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--metrics-listen: not a port: " + metricsListen.substring(colon + 1));
      }
      return new String[] {metricsListen.substring(0, colon), metricsListen.substring(colon + 1)};
    }

    private static String rootCause(Throwable e) {
      Throwable t = e;
      while (t.getCause() != null && t.getCause() != t) {
        t = t.getCause();
      }
      String m = t.getMessage();
      return m != null ? m : t.getClass().getSimpleName();
    }

    @Override
    public Integer call() throws Exception {
      OperatorConfig config;
      String[] metrics;
      LeaderElection election;
      try {
        config = config();
        metrics = metricsAddress();
        election = leaderElection(config);
      } catch (IllegalArgumentException | IOException e) {
        throw new Errors.UserError(e.getMessage());
      }
      KubernetesClient client = new KubernetesClientBuilder().build();
      try {
        // Before any informer starts: one clear sentence instead of every informer's failure.
        client.getKubernetesVersion();
      } catch (KubernetesClientException e) {
        client.close();
        throw new Errors.UserError("cannot reach the Kubernetes API server at " + client.getMasterUrl() + ": " + rootCause(e));
      }
      ClaveOperator operator;
      MetricsServer server;
      try {
        operator = ClaveOperator.start(client, config, CasProbe.inCluster(), election);
        server = MetricsServer.start(metrics[0], Integer.parseInt(metrics[1]), operator.metrics(), operator::running);
      } catch (KubernetesClientException | IOException | IllegalStateException
          | io.javaoperatorsdk.operator.OperatorException e) {
        client.close();
        throw new Errors.UserError("cannot start the operator: " + rootCause(e));
      }
      ClaveOperator started = operator;
      return Foreground.runUntilStopped(() -> {
        server.close();
        started.close();
        client.close();
      }, "operator");
    }
  }

  /** {@code clave operator crds}: the CRDs, for {@code kubectl apply -f -}. */
  @Command(name = "crds", mixinStandardHelpOptions = true,
      description = "Print the CustomResourceDefinitions (YAML) of the operator's resources, for kubectl apply -f -.")
  static final class PrintCrds implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().print(Crds.yaml());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
