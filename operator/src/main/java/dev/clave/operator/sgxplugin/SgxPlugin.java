package dev.clave.operator.sgxplugin;

import dev.clave.operator.model.WorkloadStatus;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** {@code SGXPlugin} (cluster-scoped): the SGX device plugin as a DaemonSet on SGX nodes. */
@Group("base.clave.dev")
@Version("v1beta1")
@Kind("SGXPlugin")
@Plural("sgxplugins")
@ShortNames("sgx")
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Serving", jsonPath = ".status.servingReplicaRatio", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Selected", jsonPath = ".status.desiredReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class SgxPlugin extends CustomResource<SgxPluginSpec, SgxPlugin.Status> {
  @Override
  protected SgxPluginSpec initSpec() {
    return new SgxPluginSpec();
  }

  @Override
  protected Status initStatus() {
    return new Status();
  }

  /** DaemonSet counts as the original reports them. */
  @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
  public static class Status extends WorkloadStatus {
    private Integer desiredReplicas;
    private Integer readyReplicas;
    private String servingReplicaRatio;

    public Integer getDesiredReplicas() {
      return desiredReplicas;
    }

    public void setDesiredReplicas(Integer desiredReplicas) {
      this.desiredReplicas = desiredReplicas;
    }

    public Integer getReadyReplicas() {
      return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
      this.readyReplicas = readyReplicas;
    }

    public String getServingReplicaRatio() {
      return servingReplicaRatio;
    }

    public void setServingReplicaRatio(String servingReplicaRatio) {
      this.servingReplicaRatio = servingReplicaRatio;
    }
  }
}
