package dev.clave.sgxplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SgxResourceTest {
  private static final EpcReading NO_EPC = EpcReading.unknown("no sysfs");

  private static PlatformScan scan(EpcReading epc, DeviceNode... nodes) {
    return new PlatformScan(nodes.length == 0 ? EnumSet.noneOf(DeviceNode.class) : EnumSet.of(nodes[0], nodes), epc);
  }

  @Test
  void intelHasEnclaveAndProvisionSlotsOnIntelsSockets() {
    List<SgxResource> r = SgxResource.of(PluginConfig.DEFAULTS.withLimits(7, 3).withAesmd(true));
    assertThat(r).extracting(SgxResource::name).containsExactly("sgx.intel.com/enclave", "sgx.intel.com/provision");
    assertThat(r).extracting(SgxResource::socketFile).containsExactly("sgx.intel.com-enclave.sock", "sgx.intel.com-provision.sock");
    assertThat(r).extracting(SgxResource::slots).containsExactly(7, 3);
    // The AESM socket is for quoting enclaves' users, which request the enclave resource.
    assertThat(r).extracting(SgxResource::aesmd).containsExactly(true, false);
    assertThat(PluginConfig.DEFAULTS.enclaveLimit()).isEqualTo(110);
  }

  @Test
  void slotsNeedTheirOwnDeviceNode() {
    SgxResource enclave = SgxResource.of(PluginConfig.DEFAULTS).get(0);
    SgxResource provision = SgxResource.of(PluginConfig.DEFAULTS).get(1);
    PlatformScan onlyProvision = scan(NO_EPC, DeviceNode.PROVISION);
    assertThat(enclave.assess(onlyProvision))
        .isEqualTo(Availability.none("no SGX device node: none of /dev/sgx_enclave, /dev/sgx/enclave, /dev/isgx exists"));
    assertThat(provision.assess(onlyProvision).count()).isEqualTo(110);
    Availability legacy = enclave.assess(scan(NO_EPC, DeviceNode.ISGX));
    assertThat(legacy.count()).isEqualTo(110);
    assertThat(legacy.granted()).containsExactly(DeviceNode.ISGX);
  }

  @Test
  void azureCountsWholeMiBOfEpcAndCapsTheList() {
    SgxResource epc = SgxResource.of(PluginConfig.DEFAULTS.withFlavor(Flavor.AZURE)).get(0);
    assertThat(epc.name()).isEqualTo("kubernetes.azure.com/sgx_epc_mem_in_MiB");
    assertThat(epc.assess(scan(EpcReading.known((10L << 20) + 4095, "x"), DeviceNode.ENCLAVE)).count()).isEqualTo(10);
    assertThat(epc.assess(scan(EpcReading.known(512L << 30, "x"), DeviceNode.ENCLAVE)).count()).isEqualTo(SgxResource.MAX_EPC_UNITS);
    assertThat(epc.assess(scan(EpcReading.known(1000, "sysfs"), DeviceNode.ENCLAVE)))
        .isEqualTo(Availability.none("EPC size is 1000 bytes (sysfs), less than 1 MiB"));
    assertThat(epc.assess(scan(NO_EPC, DeviceNode.ENCLAVE)))
        .isEqualTo(Availability.none("EPC size unknown: no sysfs; give it with --epc-bytes"));
    // EPC without an enclave device is of no use.
    assertThat(epc.assess(scan(EpcReading.known(64L << 20, "x"), DeviceNode.PROVISION)).available()).isFalse();
  }

  @Test
  void theNodeStateFollowsTheEnclaveDevice() {
    PlatformScan sgx = scan(EpcReading.known(4096, "x"), DeviceNode.ENCLAVE);
    assertThat(NodeState.of(sgx, Flavor.INTEL)).isEqualTo(new NodeState(true, OptionalLong.of(4096)));
    assertThat(NodeState.of(sgx, Flavor.AZURE)).isEqualTo(new NodeState(true, OptionalLong.empty()));
    assertThat(NodeState.of(scan(EpcReading.known(4096, "x")), Flavor.INTEL)).isEqualTo(new NodeState(false, OptionalLong.empty()));
    assertThatThrownBy(() -> new NodeState(false, OptionalLong.of(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void configurationBoundsAreChecked() {
    assertThatThrownBy(() -> PluginConfig.DEFAULTS.withLimits(0, 1)).hasMessage("enclave limit: must be 1..10000, got 0");
    assertThatThrownBy(() -> PluginConfig.DEFAULTS.withLimits(1, 10_001)).hasMessage("provision limit: must be 1..10000, got 10001");
    assertThatThrownBy(() -> PluginConfig.DEFAULTS.withEpcBytes(OptionalLong.of(-1))).hasMessage("EPC size: must be 0 or more bytes, got -1");
    assertThatThrownBy(() -> Flavor.parse("aks", "--flavor")).hasMessage("--flavor: expected \"intel\" or \"azure\", got \"aks\"");
    assertThat(Flavor.parse(" Azure ", "--flavor")).isEqualTo(Flavor.AZURE);
  }
}
