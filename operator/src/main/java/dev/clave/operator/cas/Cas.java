package dev.clave.operator.cas;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.clave.operator.model.WorkloadStatus;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** {@code CAS} (namespaced): a Configuration and Attestation Service as StatefulSet, Service and store volume. */
@Group("services.clave.dev")
@Version("v1beta1")
@Kind("CAS")
@Plural("cas")
@Singular("cas")
@AdditionalPrinterColumn(name = "Status", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Provisioned", jsonPath = ".status.provisioned", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Attestable", jsonPath = ".status.attestable", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Snapshots", jsonPath = ".status.snapshotStatus", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Migration", jsonPath = ".status.migrationNodeRatio", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Version", jsonPath = ".status.version", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Cas extends CustomResource<CasSpec, Cas.Status> implements Namespaced {
  @Override
  protected CasSpec initSpec() {
    return new CasSpec();
  }

  @Override
  protected Status initStatus() {
    return new Status();
  }

  /**
   * The original's CAS status fields that Clave fills: {@code phase}, {@code provisioned} and {@code attestable}
   * (Unknown | No | Yes; attestable: the CAS shows a quote from its node's LAS), {@code readyReplicas}, {@code version} (the image tag). Clave adds {@code keyHash}: the key hash the
   * CAS gave on first contact, pinned from then on, which policies for this CAS are submitted under.
   *
   * <p>{@code snapshotStatus} (Failed | Initializing | Ephemeral | Persisted | Disabled), {@code snapshotTimestamp}
   * and {@code snapshotConfiguredInterval} come from the CAS itself ({@code GET /v1/cas}). The migration fields
   * ({@code desiredNumMigratableNodes}: SGX nodes, {@code numMigratableNodes}: nodes with a registered backup,
   * {@code migrationNodeRatio} "N/M") are written by the CAS backup controller, never by the operator: the
   * operator's status patches are diffs, and it leaves them as it read them.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class Status extends WorkloadStatus {
    private String phase;
    private String provisioned = "Unknown";
    private String attestable = "Unknown";
    private Integer readyReplicas;
    private String version;
    private String keyHash;
    private String snapshotStatus;
    private String snapshotTimestamp;
    private String snapshotConfiguredInterval;
    private Integer desiredNumMigratableNodes;
    private Integer numMigratableNodes;
    private String migrationNodeRatio;
    // Written by the CAS backup controller after each scheduled restore drill.
    private String restoreDrillTimestamp;
    private String restoreDrillResult;
    private String restoreDrillNode;
    private Long restoreDrillRecoveryPointSeconds;
    private String restoreDrillMessage;

    /** When the last scheduled restore drill ran (ISO-8601). */
    public String getRestoreDrillTimestamp() {
      return restoreDrillTimestamp;
    }

    public void setRestoreDrillTimestamp(String restoreDrillTimestamp) {
      this.restoreDrillTimestamp = restoreDrillTimestamp;
    }

    /** Passed | Failed. */
    public String getRestoreDrillResult() {
      return restoreDrillResult;
    }

    public void setRestoreDrillResult(String restoreDrillResult) {
      this.restoreDrillResult = restoreDrillResult;
    }

    /** The node whose backup CAS restored the snapshot. */
    public String getRestoreDrillNode() {
      return restoreDrillNode;
    }

    public void setRestoreDrillNode(String restoreDrillNode) {
      this.restoreDrillNode = restoreDrillNode;
    }

    /** The age of the snapshot the drill restored (the recovery point), when it passed. */
    public Long getRestoreDrillRecoveryPointSeconds() {
      return restoreDrillRecoveryPointSeconds;
    }

    public void setRestoreDrillRecoveryPointSeconds(Long restoreDrillRecoveryPointSeconds) {
      this.restoreDrillRecoveryPointSeconds = restoreDrillRecoveryPointSeconds;
    }

    /** Why the drill failed. */
    public String getRestoreDrillMessage() {
      return restoreDrillMessage;
    }

    public void setRestoreDrillMessage(String restoreDrillMessage) {
      this.restoreDrillMessage = restoreDrillMessage;
    }

    public String getSnapshotStatus() {
      return snapshotStatus;
    }

    public void setSnapshotStatus(String snapshotStatus) {
      this.snapshotStatus = snapshotStatus;
    }

    public String getSnapshotTimestamp() {
      return snapshotTimestamp;
    }

    public void setSnapshotTimestamp(String snapshotTimestamp) {
      this.snapshotTimestamp = snapshotTimestamp;
    }

    public String getSnapshotConfiguredInterval() {
      return snapshotConfiguredInterval;
    }

    public void setSnapshotConfiguredInterval(String snapshotConfiguredInterval) {
      this.snapshotConfiguredInterval = snapshotConfiguredInterval;
    }

    public Integer getDesiredNumMigratableNodes() {
      return desiredNumMigratableNodes;
    }

    public void setDesiredNumMigratableNodes(Integer desiredNumMigratableNodes) {
      this.desiredNumMigratableNodes = desiredNumMigratableNodes;
    }

    public Integer getNumMigratableNodes() {
      return numMigratableNodes;
    }

    public void setNumMigratableNodes(Integer numMigratableNodes) {
      this.numMigratableNodes = numMigratableNodes;
    }

    public String getMigrationNodeRatio() {
      return migrationNodeRatio;
    }

    public void setMigrationNodeRatio(String migrationNodeRatio) {
      this.migrationNodeRatio = migrationNodeRatio;
    }

    public String getKeyHash() {
      return keyHash;
    }

    public void setKeyHash(String keyHash) {
      this.keyHash = keyHash;
    }

    public String getPhase() {
      return phase;
    }

    public void setPhase(String phase) {
      this.phase = phase;
    }

    public String getProvisioned() {
      return provisioned;
    }

    public void setProvisioned(String provisioned) {
      this.provisioned = provisioned;
    }

    public String getAttestable() {
      return attestable;
    }

    public void setAttestable(String attestable) {
      this.attestable = attestable;
    }

    public Integer getReadyReplicas() {
      return readyReplicas;
    }

    public void setReadyReplicas(Integer readyReplicas) {
      this.readyReplicas = readyReplicas;
    }

    public String getVersion() {
      return version;
    }

    public void setVersion(String version) {
      this.version = version;
    }
  }
}
