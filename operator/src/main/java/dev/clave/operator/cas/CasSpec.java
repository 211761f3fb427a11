package dev.clave.operator.cas;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.PodSettings;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import java.util.List;
import java.util.Map;

/**
 * The original's CAS spec, the parts Clave acts on: pod settings, {@code service}, {@code persistence} and
 * {@code databaseSnapshots}. Unknown fields of the original (backup controller, safety service…) are not in the
 * schema yet.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CasSpec extends PodSettings {
  private Service service = new Service();
  private Persistence persistence = new Persistence();
  private DatabaseSnapshots databaseSnapshots = new DatabaseSnapshots();

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

  public DatabaseSnapshots getDatabaseSnapshots() {
    return databaseSnapshots;
  }

  public void setDatabaseSnapshots(DatabaseSnapshots databaseSnapshots) {
    this.databaseSnapshots = databaseSnapshots == null ? new DatabaseSnapshots() : databaseSnapshots;
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

  /**
   * {@code databaseSnapshots}: the CAS copies its store to {@code targetDirectory} every {@code interval}; a
   * backup CAS restores from there. On by default, on a volume of its own.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DatabaseSnapshots {
    @JsonPropertyDescription("snapshots of the CAS store; default true")
    private Boolean enabled;
    @JsonPropertyDescription("time between snapshots, like 60s, 5m or 24h0m0s; default 60s")
    @Pattern("^([0-9]+h([0-9]+m)?([0-9]+s)?|[0-9]+m([0-9]+s)?|[0-9]+s)$")
    private String interval;
    @JsonPropertyDescription("where the snapshots volume is mounted; default /var/mnt/cas-database-snapshots")
    @Pattern("^/.*")
    private String targetDirectory;
    private SnapshotPersistence persistence = new SnapshotPersistence();

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    /** Unset means on, as in the original. */
    public boolean on() {
      return !Boolean.FALSE.equals(enabled);
    }

    public String getInterval() {
      return interval;
    }

    public void setInterval(String interval) {
      this.interval = interval;
    }

    public String getTargetDirectory() {
      return targetDirectory;
    }

    public void setTargetDirectory(String targetDirectory) {
      this.targetDirectory = targetDirectory;
    }

    public SnapshotPersistence getPersistence() {
      return persistence;
    }

    public void setPersistence(SnapshotPersistence persistence) {
      this.persistence = persistence == null ? new SnapshotPersistence() : persistence;
    }
  }

  /** {@code databaseSnapshots.persistence}: the snapshots' own claim (default: as {@code persistence.enabled}, 1Gi). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class SnapshotPersistence {
    @JsonPropertyDescription("a volume claim for the snapshots; default: as persistence.enabled (else an emptyDir)")
    private Boolean enabled;
    @JsonPropertyDescription("the claim's storage class; empty: the cluster's default")
    private String storageClass;
    @JsonPropertyDescription("the claim's size; default 1Gi")
    private String size;

    public Boolean getEnabled() {
      return enabled;
    }

    public void setEnabled(Boolean enabled) {
      this.enabled = enabled;
    }

    public String getStorageClass() {
      return storageClass;
    }

    public void setStorageClass(String storageClass) {
      this.storageClass = storageClass;
    }

    public String getSize() {
      return size;
    }

    public void setSize(String size) {
      this.size = size;
    }
  }
}
