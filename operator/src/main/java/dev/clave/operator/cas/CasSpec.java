package dev.clave.operator.cas;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.PodSettings;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;
import java.util.Map;

/**
 * The original's CAS spec, the parts Clave acts on: pod settings, {@code service} and {@code persistence}.
 * Unknown fields of the original (snapshots, backup controller, safety service…) are not in the schema yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CasSpec extends PodSettings {
  private Service service = new Service();
  private Persistence persistence = new Persistence();

  public Service getService() {
    return service;
  }

  public void setService(Service service) {
    this.service = service == null ? new Service() : service;
  }

  public Persistence getPersistence() {
    return persistence;
  }

  public void setPersistence(Persistence persistence) {
    this.persistence = persistence == null ? new Persistence() : persistence;
  }

  /** {@code service}: type (ClusterIP | NodePort | LoadBalancer), ports, node ports, LB IP, annotations. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Service {
    @Pattern("^(ClusterIP|NodePort|LoadBalancer)$")
    private String type;
    private Integer clientPort;
    private Integer enclavePort;
    private String loadBalancerIP;
    private NodePorts nodePorts;
    private Map<String, String> annotations;

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public Integer getClientPort() {
      return clientPort;
    }

    public void setClientPort(Integer clientPort) {
      this.clientPort = clientPort;
    }

    public Integer getEnclavePort() {
      return enclavePort;
    }

    public void setEnclavePort(Integer enclavePort) {
      this.enclavePort = enclavePort;
    }

    public String getLoadBalancerIP() {
      return loadBalancerIP;
    }

    public void setLoadBalancerIP(String loadBalancerIP) {
      this.loadBalancerIP = loadBalancerIP;
    }

    public NodePorts getNodePorts() {
      return nodePorts;
    }

    public void setNodePorts(NodePorts nodePorts) {
      this.nodePorts = nodePorts;
    }

    public Map<String, String> getAnnotations() {
      return annotations;
    }

    public void setAnnotations(Map<String, String> annotations) {
      this.annotations = annotations;
    }
  }

  /** {@code service.nodePorts}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class NodePorts {
    private Integer clientPort;
    private Integer enclavePort;

    public Integer getClientPort() {
      return clientPort;
    }

    public void setClientPort(Integer clientPort) {
      this.clientPort = clientPort;
    }

    public Integer getEnclavePort() {
      return enclavePort;
    }

    public void setEnclavePort(Integer enclavePort) {
      this.enclavePort = enclavePort;
    }
  }

  /** {@code persistence}: the store's volume (default 1Gi ReadWriteOnce at /etc/cas/db). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Persistence {
    private Boolean enabled;
    private String mountPath;
    private String size;
    private String storageClass;
    private List<String> accessModes;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public boolean on() {
      return Boolean.TRUE.equals(enabled);
    }

    public String getMountPath() {
      return mountPath;
    }

    public void setMountPath(String mountPath) {
      this.mountPath = mountPath;
    }

    public String getSize() {
      return size;
    }

    public void setSize(String size) {
      this.size = size;
    }

    public String getStorageClass() {
      return storageClass;
    }

    public void setStorageClass(String storageClass) {
      this.storageClass = storageClass;
    }

    public List<String> getAccessModes() {
      return accessModes;
    }

    public void setAccessModes(List<String> accessModes) {
      this.accessModes = accessModes;
    }
  }
}
