package dev.clave.operator.cas;

import dev.clave.cas.CasConfig;
import dev.clave.operator.Workloads;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDNoGCKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/** The CAS's Service: client API (default 8081) and enclave API (default 18765), of {@code service.type}. */
@KubernetesDependent(informer = @Informer(labelSelector = Workloads.MANAGED_BY + "=" + Workloads.OPERATOR))
public class CasService extends CRUDNoGCKubernetesDependentResource<Service, Cas> {
  public CasService() {
    super(Service.class);
  }

  @Override
  protected Service desired(Cas cas, Context<Cas> context) {
    CasSpec.Service s = cas.getSpec().getService();
    String name = CasWorkload.name(cas);
    CasSpec.NodePorts nodePorts = s.getNodePorts();
    boolean withNodePorts = nodePorts != null && !"ClusterIP".equals(type(s));
    return new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(cas.getMetadata().getNamespace())
          .withLabels(Workloads.labels(CasWorkload.APP, name)).withAnnotations(s.getAnnotations() != null ? s.getAnnotations() : Map.of())
        .endMetadata()
        .withNewSpec()
          .withType(type(s))
          .withSelector(Workloads.selector(CasWorkload.APP, name))
          .withLoadBalancerIP("LoadBalancer".equals(type(s)) ? s.getLoadBalancerIP() : null)
          .withPorts(new ServicePortBuilder().withName("client").withProtocol("TCP").withPort(CasWorkload.clientPort(cas))
                  .withTargetPort(new IntOrString(CasConfig.DEFAULT_CLIENT_PORT))
                  .withNodePort(withNodePorts ? nodePorts.getClientPort() : null).build(),
              new ServicePortBuilder().withName("enclave").withProtocol("TCP").withPort(CasWorkload.enclavePort(cas))
                  .withTargetPort(new IntOrString(CasConfig.DEFAULT_ENCLAVE_PORT))
                  .withNodePort(withNodePorts ? nodePorts.getEnclavePort() : null).build())
        .endSpec()
        .build();
  }

  private static String type(CasSpec.Service s) {
    return s.getType() != null ? s.getType() : "ClusterIP";
  }
}
