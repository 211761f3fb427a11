package dev.clave.operator.sgxplugin;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.PodSettings;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;

/**
 * The original's SGXPlugin spec: pod settings, {@code namespace} of the DaemonSet, {@code capacitySGXPods}
 * (containers that may share the SGX devices on a node). {@code autoUpdate} and {@code reinstallOnFatal} are
 * accepted for compatibility and have no effect. Clave adds {@code flavor} (intel | azure resource names)
 * and {@code serviceAccountName} (the plugin labels its node through the API).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SgxPluginSpec extends PodSettings {
  private String namespace;
  @Min(1)
  @Max(10000)
  private Integer capacitySGXPods;
  @Pattern("^(intel|azure)$")
  private String flavor;
  private String serviceAccountName;
  private Boolean autoUpdate;
  private Boolean reinstallOnFatal;

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public Integer getCapacitySGXPods() {
    return capacitySGXPods;
  }

  public void setCapacitySGXPods(Integer capacitySGXPods) {
    this.capacitySGXPods = capacitySGXPods;
  }

  public String getFlavor() {
    return flavor;
  }

  public void setFlavor(String flavor) {
    this.flavor = flavor;
  }

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public Boolean getAutoUpdate() {
    return autoUpdate;
  }

  public void setAutoUpdate(Boolean autoUpdate) {
    this.autoUpdate = autoUpdate;
  }

  public Boolean getReinstallOnFatal() {
    return reinstallOnFatal;
  }

  public void setReinstallOnFatal(Boolean reinstallOnFatal) {
    this.reinstallOnFatal = reinstallOnFatal;
  }
}
