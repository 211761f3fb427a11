package dev.clave.operator;

import dev.clave.cas.client.ClientIdentity;
import dev.clave.operator.las.PlatformIdReader;
import dev.clave.policy.protect.KeyHash;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the reconcilers need beyond the resources: where cluster-scoped workloads go, the image used when a
 * resource names none, the CAS key hashes the operator pins policies' CASes by, its client identity towards
 * CASes, how it reads a LAS's platform ID, and how often it asks.
 *
 * @param namespace namespace of the SGXPlugin and LAS DaemonSets when the resource names none
 * @param defaultImage the Clave image (entrypoint {@code clave}) when a resource names none
 * @param casKeyHashes CAS address → key hash, for policies whose resource carries no {@code casKeyHash}
 * @param identity the operator's TLS client identity towards CASes (policies' creator)
 * @param platformIds reads a LAS pod's platform ID
 * @param probeInterval how often LAS platform IDs and unsettled policies are looked at again
 */
public record OperatorConfig(String namespace, String defaultImage, Map<String, KeyHash> casKeyHashes,
    ClientIdentity identity, PlatformIdReader platformIds, Duration probeInterval) {
  public static final String DEFAULT_NAMESPACE = "clave-system";
  public static final String DEFAULT_IMAGE = "clave:latest";

  public OperatorConfig {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(defaultImage, "defaultImage");
    casKeyHashes = Map.copyOf(casKeyHashes);
    Objects.requireNonNull(identity, "identity");
    Objects.requireNonNull(platformIds, "platformIds");
    Objects.requireNonNull(probeInterval, "probeInterval");
  }

  /** Defaults: namespace clave-system, image clave:latest, a fresh identity, LAS pods asked over HTTP every 30 s. */
  public static OperatorConfig defaults() {
    return new OperatorConfig(DEFAULT_NAMESPACE, DEFAULT_IMAGE, Map.of(), ClientIdentity.generate(),
        PlatformIdReader.http(Duration.ofSeconds(5)), Duration.ofSeconds(30));
  }

  public OperatorConfig withNamespace(String ns) {
    return new OperatorConfig(ns, defaultImage, casKeyHashes, identity, platformIds, probeInterval);
  }

  public OperatorConfig withDefaultImage(String image) {
    return new OperatorConfig(namespace, image, casKeyHashes, identity, platformIds, probeInterval);
  }

  public OperatorConfig withCasKeyHashes(Map<String, KeyHash> hashes) {
    return new OperatorConfig(namespace, defaultImage, hashes, identity, platformIds, probeInterval);
  }

  public OperatorConfig withIdentity(ClientIdentity id) {
    return new OperatorConfig(namespace, defaultImage, casKeyHashes, id, platformIds, probeInterval);
  }

  public OperatorConfig withPlatformIds(PlatformIdReader reader) {
    return new OperatorConfig(namespace, defaultImage, casKeyHashes, identity, reader, probeInterval);
  }

  public OperatorConfig withProbeInterval(Duration interval) {
    return new OperatorConfig(namespace, defaultImage, casKeyHashes, identity, platformIds, interval);
  }

  /** Puts this configuration where the dependents of one reconciliation find it. */
  public void putInto(Context<?> context) {
    context.managedWorkflowAndDependentResourceContext().put(OperatorConfig.class, this);
  }

  /** The configuration {@link #putInto} left in this reconciliation's context. */
  public static OperatorConfig from(Context<?> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(OperatorConfig.class, OperatorConfig.class);
  }
}
