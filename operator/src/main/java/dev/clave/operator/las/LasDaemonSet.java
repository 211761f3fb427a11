package dev.clave.operator.las;

import dev.clave.operator.OperatorConfig;
import dev.clave.operator.Workloads;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDNoGCKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;

/**
 * The LAS DaemonSet: {@code clave las serve} on every SGX node, listening on the host port (default 18766)
 * where the node's enclaves reach it, with one enclave slot from the device plugin instead of privileged
 * mode. The LAS's state (its simulated platform, if any) lives on the host so that a restarted pod keeps
 * its platform ID.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Workloads.MANAGED_BY + "=" + Workloads.OPERATOR))
public class LasDaemonSet extends CRUDNoGCKubernetesDependentResource<DaemonSet, Las> {
  public static final String APP = "clave-las";
  static final String STATE_DIR = "/var/lib/clave/las";

  public LasDaemonSet() {
    super(DaemonSet.class);
  }

  public static String name(Las las) {
    return las.getMetadata().getName() + "-las";
  }

  public static String namespace(Las las, OperatorConfig config) {
    return Workloads.namespace(las.getSpec().getNamespace(), config);
  }

  @Override
  protected DaemonSet desired(Las las, Context<Las> context) {
    OperatorConfig config = OperatorConfig.from(context);
    LasSpec spec = las.getSpec();
    int port = spec.hostPortOrDefault();
    String instance = las.getMetadata().getName();
    List<EnvVar> env = new ArrayList<>();
    env.add(new EnvVar("SCONE_MODE", spec.getMode() != null ? spec.getMode() : "hw", null));
    return new DaemonSetBuilder(Workloads.sgxDaemonSet(name(las), namespace(las, config), APP, instance, spec))
        .editSpec().editTemplate().editSpec()
          .addNewContainer()
            .withName("las")
            .withImage(Workloads.image(spec, config))
            .withImagePullPolicy(Workloads.pullPolicy(spec))
            .withArgs("las", "serve", "--listen", "0.0.0.0:" + port, "--state-dir", STATE_DIR)
            .withEnv(env)
            .addNewPort().withName("las").withContainerPort(port).withHostPort(port).withProtocol("TCP").endPort()
            .withNewReadinessProbe().withNewHttpGet().withPath("/v1/platform-id").withNewPort(port).endHttpGet()
              .withPeriodSeconds(10).endReadinessProbe()
            .withResources(Workloads.withEnclave(spec))
            .addNewVolumeMount().withName("state").withMountPath(STATE_DIR).endVolumeMount()
          .endContainer()
          .addNewVolume().withName("state").withNewHostPath().withPath(STATE_DIR).withType("DirectoryOrCreate")
            .endHostPath().endVolume()
        .endSpec().endTemplate().endSpec()
        .build();
  }
}
