package dev.clave.operator.las;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.WorkloadStatus;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;
import java.util.TreeMap;

/** {@code LAS} (cluster-scoped): a Local Attestation Service on every SGX node, as a DaemonSet. */
@Group("base.clave.dev")
@Version("v1beta1")
@Kind("LAS")
@Plural("las")
@Singular("las")
@ShortNames("las")
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Available", jsonPath = ".status.numberAvailable", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Desired", jsonPath = ".status.desiredNumberScheduled", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.nodes", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
public class Las extends CustomResource<LasSpec, Las.Status> {
  @Override
  protected LasSpec initSpec() {
    return new LasSpec();
  }

  @Override
  protected Status initStatus() {
    return new Status();
  }

  /** The original's LAS status: counts, {@code version} (the image tag) and one entry per node. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends WorkloadStatus {
    private String version;
    private Integer desiredNumberScheduled;
    private Integer numberAvailable;
    private Map<String, LasNode> nodes = new TreeMap<>();

    public String getVersion() {
      return version;
    }

    public void setVersion(String version) {
      this.version = version;
    }

    public Integer getDesiredNumberScheduled() {
      return desiredNumberScheduled;
    }

    public void setDesiredNumberScheduled(Integer desiredNumberScheduled) {
      this.desiredNumberScheduled = desiredNumberScheduled;
    }

    public Integer getNumberAvailable() {
      return numberAvailable;
    }

    public void setNumberAvailable(Integer numberAvailable) {
      this.numberAvailable = numberAvailable;
    }

    public Map<String, LasNode> getNodes() {
      return nodes;
    }

    public void setNodes(Map<String, LasNode> nodes) {
      this.nodes = nodes == null ? new TreeMap<>() : new TreeMap<>(nodes);
    }
  }
}
