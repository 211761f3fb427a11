package dev.clave.operator.las;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.PodSettings;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * The original's LAS spec: pod settings, {@code namespace} of the DaemonSet, {@code hostPort} (default
 * 18766), {@code dcapKey}. Clave adds {@code mode} (sim | hw, the LAS's {@code SCONE_MODE}). {@code autoUpdate}
 * is accepted for compatibility and has no effect.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LasSpec extends PodSettings {
  public static final int DEFAULT_HOST_PORT = 18766;

  private String namespace;
  @Min(1)
  @Max(65535)
  private Integer hostPort;
  private String dcapKey;
  @Pattern("^(sim|hw)$")
  private String mode;
  private Boolean autoUpdate;

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public Integer getHostPort() {
    return hostPort;
  }

  public void setHostPort(Integer hostPort) {
    this.hostPort = hostPort;
  }

  public int hostPortOrDefault() {
    return hostPort != null ? hostPort : DEFAULT_HOST_PORT;
  }

  public String getDcapKey() {
    return dcapKey;
  }

  public void setDcapKey(String dcapKey) {
    this.dcapKey = dcapKey;
  }

  public String getMode() {
    return mode;
  }

  public void setMode(String mode) {
    this.mode = mode;
  }

  public Boolean getAutoUpdate() {
    return autoUpdate;
  }

  public void setAutoUpdate(Boolean autoUpdate) {
    this.autoUpdate = autoUpdate;
  }
}
