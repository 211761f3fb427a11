package dev.clave.operator.sgxplugin;

import dev.clave.operator.OperatorConfig;
import dev.clave.operator.Workloads;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDNoGCKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.ArrayList;
import java.util.List;

/**
 * The device plugin's DaemonSet: {@code clave sgx-plugin serve} on every SGX node, with kubelet's
 * device-plugins directory and read-only views of the host's /dev and /sys. Deleted explicitly with its
 * resource (a finalizer), since the resource is cluster-scoped and the DaemonSet namespaced.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Workloads.MANAGED_BY + "=" + Workloads.OPERATOR))
public class SgxPluginDaemonSet extends CRUDNoGCKubernetesDependentResource<DaemonSet, SgxPlugin> {
  public static final String APP = "clave-sgx-plugin";
  static final String DEVICE_PLUGINS = "/var/lib/kubelet/device-plugins";

  public SgxPluginDaemonSet() {
    super(DaemonSet.class);
  }

  public static String name(SgxPlugin p) {
    return p.getMetadata().getName() + "-sgx-plugin";
  }

  public static String namespace(SgxPlugin p, OperatorConfig config) {
    return Workloads.namespace(p.getSpec().getNamespace(), config);
  }

  @Override
  protected DaemonSet desired(SgxPlugin p, Context<SgxPlugin> context) {
    OperatorConfig config = OperatorConfig.from(context);
    SgxPluginSpec spec = p.getSpec();
    String instance = p.getMetadata().getName();
    List<String> args = new ArrayList<>(List.of("sgx-plugin", "serve", "--plugin-dir", DEVICE_PLUGINS,
        "--dev-root", "/host/dev", "--sys-root", "/host/sys"));
    if (spec.getFlavor() != null) {
      args.addAll(List.of("--flavor", spec.getFlavor()));
    }
    if (spec.getCapacitySGXPods() != null) {
      String n = spec.getCapacitySGXPods().toString();
      args.addAll(List.of("--enclave-limit", n, "--provision-limit", n));
    }
    return new DaemonSetBuilder(Workloads.sgxDaemonSet(name(p), namespace(p, config), APP, instance, spec))
        .editSpec().editTemplate().editSpec()
          .withServiceAccountName(spec.getServiceAccountName() != null ? spec.getServiceAccountName() : APP)
          .addNewContainer()
            .withName("sgx-plugin")
            .withImage(Workloads.image(spec, config))
            .withImagePullPolicy(Workloads.pullPolicy(spec))
            .withArgs(args)
            .addNewEnv().withName("NODE_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("spec.nodeName")
              .endFieldRef().endValueFrom().endEnv()
            .withResources(Workloads.resources(spec))
            .addNewVolumeMount().withName("device-plugins").withMountPath(DEVICE_PLUGINS).endVolumeMount()
            .addNewVolumeMount().withName("host-dev").withMountPath("/host/dev").withReadOnly(true).endVolumeMount()
            .addNewVolumeMount().withName("host-sys").withMountPath("/host/sys").withReadOnly(true).endVolumeMount()
          .endContainer()
          .addNewVolume().withName("device-plugins").withNewHostPath().withPath(DEVICE_PLUGINS).endHostPath().endVolume()
          .addNewVolume().withName("host-dev").withNewHostPath().withPath("/dev").endHostPath().endVolume()
          .addNewVolume().withName("host-sys").withNewHostPath().withPath("/sys").endHostPath().endVolume()
        .endSpec().endTemplate().endSpec()
        .build();
  }
}
