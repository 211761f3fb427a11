package dev.clave.sgxplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.clave.sgxplugin.api.AllocateRequest;
import dev.clave.sgxplugin.api.AllocateResponse;
import dev.clave.sgxplugin.api.ContainerAllocateResponse;
import dev.clave.sgxplugin.api.ContainerPreferredAllocationRequest;
import dev.clave.sgxplugin.api.Device;
import dev.clave.sgxplugin.api.DevicePluginOptions;
import dev.clave.sgxplugin.api.DeviceSpec;
import dev.clave.sgxplugin.api.Empty;
import dev.clave.sgxplugin.api.ListAndWatchResponse;
import dev.clave.sgxplugin.api.Mount;
import dev.clave.sgxplugin.api.PreStartContainerRequest;
import dev.clave.sgxplugin.api.PreStartContainerResponse;
import dev.clave.sgxplugin.api.PreferredAllocationRequest;
import dev.clave.sgxplugin.api.RegisterRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The plugin against a fake kubelet: real gRPC over unix sockets in a temporary device-plugins directory. */
class DevicePluginKubeletTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static EventLoopGroup group;

  private Path root;
  private Path pluginDir;
  private Path dev;
  private Path sys;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void group() {
    group = UnixSockets.eventLoopGroup("fake-kubelet");
  }

  @AfterAll
  static void closeGroup() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @BeforeEach
  void dirs() throws IOException {
    // Short: a unix socket path has at most 107 bytes.
    root = Files.createTempDirectory(Path.of("/tmp"), "kp");
    pluginDir = Files.createDirectory(root.resolve("dp"));
    dev = Files.createDirectory(root.resolve("dev"));
    sys = Files.createDirectory(root.resolve("sys"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private PluginConfig config() {
    return PluginConfig.DEFAULTS.withPluginDir(pluginDir).withDevRoot(dev).withSysRoot(sys)
        .withLimits(3, 2).withPollInterval(Duration.ofMillis(50)).withRegisterTimeout(Duration.ofSeconds(5));
  }

  private FakeKubelet kubelet() throws IOException {
    return track(FakeKubelet.start(pluginDir, group));
  }

  private SgxDevicePlugin plugin(PluginConfig config) throws IOException {
    return plugin(config, NodeUpdater.NONE);
  }

  private SgxDevicePlugin plugin(PluginConfig config, NodeUpdater updater) throws IOException {
    return track(SgxDevicePlugin.start(config, updater));
  }

  private <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  private void deviceNodes(String... relative) throws IOException {
    for (String r : relative) {
      Path p = dev.resolve(r);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "");
    }
  }

  private static List<String> ids(ListAndWatchResponse list) {
    return list == null ? null : list.getDevicesList().stream().map(Device::getID).toList();
  }

  private static List<String> health(ListAndWatchResponse list) {
    return list == null ? null : list.getDevicesList().stream().map(Device::getHealth).distinct().toList();
  }

  private static DeviceSpec rw(String path) {
    return DeviceSpec.newBuilder().setHostPath(path).setContainerPath(path).setPermissions("rw").build();
  }

  @Test
  void registersEachResourceOnItsOwnSocketAndListsItsDevices() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    FakeKubelet kubelet = kubelet();
    plugin(config());

    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);
    DevicePluginOptions none = DevicePluginOptions.newBuilder().setPreStartRequired(false).setGetPreferredAllocationAvailable(false).build();
    assertThat(kubelet.registrations).containsExactlyInAnyOrder(
        RegisterRequest.newBuilder().setVersion("v1beta1").setEndpoint("sgx.intel.com-enclave.sock")
            .setResourceName("sgx.intel.com/enclave").setOptions(none).build(),
        RegisterRequest.newBuilder().setVersion("v1beta1").setEndpoint("sgx.intel.com-provision.sock")
            .setResourceName("sgx.intel.com/provision").setOptions(none).build());
    assertThat(kubelet.registrations).allMatch(RegisterRequest::hasOptions);
    assertThat(kubelet.options).containsEntry("sgx.intel.com/enclave", none).containsEntry("sgx.intel.com/provision", none);
    assertThat(pluginDir.resolve("sgx.intel.com-enclave.sock")).exists();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(ids(kubelet.devices("sgx.intel.com/enclave"))).containsExactly("sgx-enclave-0", "sgx-enclave-1", "sgx-enclave-2");
      assertThat(ids(kubelet.devices("sgx.intel.com/provision"))).containsExactly("sgx-provision-0", "sgx-provision-1");
    });
    assertThat(health(kubelet.devices("sgx.intel.com/enclave"))).containsExactly("Healthy");
    assertThat(health(kubelet.devices("sgx.intel.com/provision"))).containsExactly("Healthy");
    assertThat(kubelet.devices("sgx.intel.com/enclave").getDevices(0).hasTopology()).isFalse();
  }

  @Test
  void healthFollowsTheDeviceNodes() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    FakeKubelet kubelet = kubelet();
    plugin(config());
    String enclave = "sgx.intel.com/enclave";
    await().atMost(WAIT).until(() -> health(kubelet.devices(enclave)), h -> List.of("Healthy").equals(h));

    Files.delete(dev.resolve("sgx_enclave"));
    await().atMost(WAIT).until(() -> health(kubelet.devices(enclave)), h -> List.of("Unhealthy").equals(h));
    // The capacity stays; only health changes. The other resource is untouched.
    assertThat(ids(kubelet.devices(enclave))).hasSize(3);
    assertThat(health(kubelet.devices("sgx.intel.com/provision"))).containsExactly("Healthy");
    assertThatThrownBy(() -> kubelet.allocate(enclave, "sgx-enclave-0"))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).isEqualTo("sgx.intel.com/enclave is unavailable on this node: no SGX device node present");
        });

    deviceNodes("sgx_enclave");
    await().atMost(WAIT).until(() -> health(kubelet.devices(enclave)), h -> List.of("Healthy").equals(h));
    assertThat(ids(kubelet.devices(enclave))).hasSize(3);
    List<List<String>> transitions = kubelet.lists.get(enclave).stream().map(DevicePluginKubeletTest::health).toList();
    assertThat(transitions).containsSubsequence(List.of("Healthy"), List.of("Unhealthy"), List.of("Healthy"));
  }

  @Test
  void allocateGrantsThePresentDeviceNodesAndTheAesmdSocket() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision", "sgx/enclave", "isgx");
    FakeKubelet kubelet = kubelet();
    plugin(config().withAesmd(true));
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);

    AllocateResponse enclave = kubelet.allocate("sgx.intel.com/enclave", "sgx-enclave-0", "sgx-enclave-2");
    assertThat(enclave.getContainerResponsesList()).hasSize(1);
    ContainerAllocateResponse c = enclave.getContainerResponses(0);
    assertThat(c.getDevicesList()).containsExactly(rw("/dev/sgx_enclave"), rw("/dev/sgx/enclave"), rw("/dev/isgx"));
    assertThat(c.getMountsList()).containsExactly(
        Mount.newBuilder().setHostPath("/var/run/aesmd").setContainerPath("/var/run/aesmd").setReadOnly(true).build());
    assertThat(c.getEnvsMap()).containsExactlyEntriesOf(java.util.Map.of("SGX_AESM_ADDR", "1"));
    assertThat(c.getAnnotationsMap()).isEmpty();
    assertThat(c.getCdiDevicesList()).isEmpty();

    ContainerAllocateResponse p = kubelet.allocate("sgx.intel.com/provision", "sgx-provision-1").getContainerResponses(0);
    assertThat(p.getDevicesList()).containsExactly(rw("/dev/sgx_provision"));
    assertThat(p.getMountsList()).isEmpty();
    assertThat(p.getEnvsMap()).isEmpty();

    assertThat(kubelet.plugin("sgx.intel.com/enclave").preStartContainer(
        PreStartContainerRequest.newBuilder().addDevicesIds("sgx-enclave-0").build()))
        .isEqualTo(PreStartContainerResponse.getDefaultInstance());
  }

  @Test
  void allocateWithoutAesmdGrantsOnlyDeviceNodes() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision", "sgx/provision");
    FakeKubelet kubelet = kubelet();
    plugin(config());
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);

    ContainerAllocateResponse c = kubelet.allocate("sgx.intel.com/enclave", "sgx-enclave-1").getContainerResponses(0);
    assertThat(c.getDevicesList()).containsExactly(rw("/dev/sgx_enclave"));
    assertThat(c.getMountsList()).isEmpty();
    assertThat(c.getEnvsMap()).isEmpty();
    ContainerAllocateResponse p = kubelet.allocate("sgx.intel.com/provision", "sgx-provision-0").getContainerResponses(0);
    assertThat(p.getDevicesList()).containsExactly(rw("/dev/sgx_provision"), rw("/dev/sgx/provision"));
  }

  @Test
  void allocateRefusesWhatKubeletCannotHaveChosen() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    FakeKubelet kubelet = kubelet();
    plugin(config());
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);
    String enclave = "sgx.intel.com/enclave";

    assertInvalid(() -> kubelet.allocate(enclave, "sgx-enclave-3"),
        "allocation of sgx.intel.com/enclave: unknown device ID \"sgx-enclave-3\" (IDs are sgx-enclave-0..sgx-enclave-2)");
    assertInvalid(() -> kubelet.allocate(enclave, "sgx-provision-0"),
        "allocation of sgx.intel.com/enclave: unknown device ID \"sgx-provision-0\" (IDs are sgx-enclave-0..sgx-enclave-2)");
    assertInvalid(() -> kubelet.allocate(enclave, "sgx-enclave-01"),
        "allocation of sgx.intel.com/enclave: unknown device ID \"sgx-enclave-01\" (IDs are sgx-enclave-0..sgx-enclave-2)");
    assertInvalid(() -> kubelet.allocate(enclave, "sgx-enclave-1", "sgx-enclave-1"),
        "allocation of sgx.intel.com/enclave: device ID \"sgx-enclave-1\" named twice");
    assertInvalid(() -> kubelet.allocate(enclave),
        "allocation of sgx.intel.com/enclave: a container request names no device");
    assertInvalid(() -> kubelet.allocate(enclave, "sgx-enclave-0", "sgx-enclave-1", "sgx-enclave-2", "sgx-enclave-0"),
        "allocation of sgx.intel.com/enclave: 4 devices requested, the node has 3");
    assertInvalid(() -> kubelet.plugin(enclave).allocate(AllocateRequest.getDefaultInstance()),
        "an allocation needs 1..256 container requests, got 0");
  }

  private static void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).isEqualTo(message);
    });
  }

  @Test
  void preferredAllocationTakesTheMustIncludeDevicesFirst() throws Exception {
    deviceNodes("sgx_enclave");
    FakeKubelet kubelet = kubelet();
    plugin(config());
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);

    var answer = kubelet.plugin("sgx.intel.com/enclave").getPreferredAllocation(PreferredAllocationRequest.newBuilder()
        .addContainerRequests(ContainerPreferredAllocationRequest.newBuilder()
            .addAllAvailableDeviceIDs(List.of("sgx-enclave-0", "sgx-enclave-1", "sgx-enclave-2"))
            .addMustIncludeDeviceIDs("sgx-enclave-2")
            .setAllocationSize(2))
        .build());
    assertThat(answer.getContainerResponses(0).getDeviceIDsList()).containsExactly("sgx-enclave-2", "sgx-enclave-0");
    assertInvalid(() -> kubelet.plugin("sgx.intel.com/enclave").getPreferredAllocation(PreferredAllocationRequest.newBuilder()
            .addContainerRequests(ContainerPreferredAllocationRequest.newBuilder().addAvailableDeviceIDs("sgx-enclave-0").setAllocationSize(2))
            .build()),
        "preferred allocation of sgx.intel.com/enclave: allocation size 2 is not within 1..1 (the available devices)");
  }

  @Test
  void registersAgainWhenKubeletRestarts() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    FakeKubelet first = kubelet();
    plugin(config());
    await().atMost(WAIT).until(() -> first.registrations.size() == 2);

    // kubelet's start: every socket in the directory is removed, then kubelet.sock comes back.
    FakeKubelet second = track(FakeKubelet.restart(first));
    await().atMost(WAIT).until(() -> second.registrations.size() >= 2);
    assertThat(second.registrations).extracting(RegisterRequest::getResourceName)
        .containsExactlyInAnyOrder("sgx.intel.com/enclave", "sgx.intel.com/provision");
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(ids(second.devices("sgx.intel.com/enclave"))).containsExactly("sgx-enclave-0", "sgx-enclave-1", "sgx-enclave-2"));
    assertThat(pluginDir.resolve("sgx.intel.com-enclave.sock")).exists();
    assertThat(pluginDir.resolve("sgx.intel.com-provision.sock")).exists();
    assertThat(second.allocate("sgx.intel.com/enclave", "sgx-enclave-0").getContainerResponses(0).getDevicesList())
        .containsExactly(rw("/dev/sgx_enclave"));
  }

  @Test
  void registersAgainWhenOnlyTheKubeletSocketIsRecreated() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    FakeKubelet first = kubelet();
    plugin(config());
    await().atMost(WAIT).until(() -> first.registrations.size() == 2);

    first.close();
    Files.deleteIfExists(pluginDir.resolve("kubelet.sock"));
    FakeKubelet second = kubelet();
    await().atMost(WAIT).until(() -> second.registrations.size() >= 2);
    assertThat(second.registrations).extracting(RegisterRequest::getResourceName)
        .containsExactlyInAnyOrder("sgx.intel.com/enclave", "sgx.intel.com/provision");
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(ids(second.devices("sgx.intel.com/provision"))).containsExactly("sgx-provision-0", "sgx-provision-1"));
    assertThat(first.registrations).hasSize(2);
  }

  @Test
  void waitsForAKubeletThatIsNotThereYet() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    SgxDevicePlugin plugin = plugin(config());
    plugin.reconcileNow();
    assertThat(pluginDir.resolve("sgx.intel.com-enclave.sock")).exists();

    FakeKubelet kubelet = kubelet();
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);
  }

  @Test
  void withoutSgxItAdvertisesNothingUntilDeviceNodesAppear() throws Exception {
    FakeKubelet kubelet = kubelet();
    SgxDevicePlugin plugin = plugin(config());
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);
    await().atMost(WAIT).until(() -> kubelet.devices("sgx.intel.com/enclave") != null);
    assertThat(kubelet.devices("sgx.intel.com/enclave").getDevicesList()).isEmpty();
    assertThat(plugin.devices("sgx.intel.com/provision").getDevicesList()).isEmpty();

    deviceNodes("sgx_enclave");
    await().atMost(WAIT).until(() -> ids(kubelet.devices("sgx.intel.com/enclave")),
        l -> l.equals(List.of("sgx-enclave-0", "sgx-enclave-1", "sgx-enclave-2")));
    assertThat(health(kubelet.devices("sgx.intel.com/enclave"))).containsExactly("Healthy");
    // Provisioning needs its own node.
    assertThat(kubelet.devices("sgx.intel.com/provision").getDevicesList()).isEmpty();
  }

  @Test
  void azureFlavorAdvertisesEpcInMiB() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    epcFile(0, 64L << 20);
    epcFile(1, (32L << 20) + 5);
    FakeKubelet kubelet = kubelet();
    plugin(config().withFlavor(Flavor.AZURE).withAesmd(true));

    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 1);
    RegisterRequest r = kubelet.registrations.get(0);
    assertThat(r.getResourceName()).isEqualTo("kubernetes.azure.com/sgx_epc_mem_in_MiB");
    assertThat(r.getEndpoint()).isEqualTo("kubernetes.azure.com-sgx_epc_mem_in_MiB.sock");
    await().atMost(WAIT).until(() -> ids(kubelet.devices(r.getResourceName())), l -> l != null && l.size() == 96);
    assertThat(ids(kubelet.devices(r.getResourceName()))).startsWith("epc-0", "epc-1").endsWith("epc-95");

    ContainerAllocateResponse c = kubelet.allocate(r.getResourceName(), "epc-3", "epc-17", "epc-95").getContainerResponses(0);
    assertThat(c.getDevicesList()).containsExactly(rw("/dev/sgx_enclave"), rw("/dev/sgx_provision"));
    assertThat(c.getEnvsMap()).containsEntry("SGX_AESM_ADDR", "1");
  }

  @Test
  void azureFlavorWithoutAKnownEpcSizeAdvertisesNothing() throws Exception {
    deviceNodes("sgx_enclave");
    FakeKubelet kubelet = kubelet();
    SgxDevicePlugin plugin = plugin(config().withFlavor(Flavor.AZURE));
    await().atMost(WAIT).until(() -> kubelet.devices(SgxResource.AZURE_EPC) != null);
    assertThat(kubelet.devices(SgxResource.AZURE_EPC).getDevicesList()).isEmpty();
    plugin.close();

    FakeKubelet.restart(kubelet).close();
    FakeKubelet again = kubelet();
    plugin(config().withFlavor(Flavor.AZURE).withEpcBytes(OptionalLong.of(8L << 20)));
    await().atMost(WAIT).until(() -> ids(again.devices(SgxResource.AZURE_EPC)), l -> l != null && l.size() == 8);
  }

  @Test
  void publishesTheNodeStateAndRetriesAFailedUpdate() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    epcFile(0, 93L << 20);
    List<NodeState> published = new CopyOnWriteArrayList<>();
    int[] failuresLeft = {2};
    NodeUpdater updater = new NodeUpdater() {
      @Override
      public void publish(NodeState state) {
        if (failuresLeft[0]-- > 0) {
          throw new IllegalStateException("API server unreachable");
        }
        published.add(state);
      }

      @Override
      public String describe() {
        return "test node";
      }
    };
    kubelet();
    plugin(config(), updater);
    await().atMost(WAIT).until(() -> published.size() == 1);
    assertThat(published.get(0)).isEqualTo(new NodeState(true, OptionalLong.of(93L << 20)));

    Files.delete(dev.resolve("sgx_enclave"));
    await().atMost(WAIT).until(() -> published.size() == 2);
    assertThat(published.get(1)).isEqualTo(new NodeState(false, OptionalLong.empty()));
  }

  @Test
  void aHangingApiServerDoesNotHoldUpKubelet() throws Exception {
    deviceNodes("sgx_enclave", "sgx_provision");
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    NodeUpdater hanging = new NodeUpdater() {
      @Override
      public void publish(NodeState state) throws InterruptedException {
        calls.incrementAndGet();
        release.await();
      }

      @Override
      public String describe() {
        return "a hanging API server";
      }
    };
    FakeKubelet kubelet = kubelet();
    try {
      plugin(config(), hanging);
      await().atMost(WAIT).until(() -> calls.get() == 1 && kubelet.registrations.size() == 2);
      Files.delete(dev.resolve("sgx_enclave"));
      await().atMost(WAIT).until(() -> health(kubelet.devices("sgx.intel.com/enclave")), h -> List.of("Unhealthy").equals(h));
      // One publication at a time: the hanging one is not piled upon.
      assertThat(calls.get()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  @Test
  void refusesToStartWithoutTheDevicePluginsDirectory() {
    PluginConfig missing = config().withPluginDir(root.resolve("nope"));
    assertThatThrownBy(() -> SgxDevicePlugin.start(missing, NodeUpdater.NONE))
        .isInstanceOf(IOException.class)
        .hasMessage("the device-plugins directory " + root.resolve("nope")
            + " does not exist; is kubelet running on this node? (--plugin-dir sets it)");
  }

  @Test
  void refusesASocketPathTooLongForUnixSockets() throws IOException {
    Path deep = Files.createDirectories(root.resolve("x".repeat(60)).resolve("y".repeat(40)));
    assertThatThrownBy(() -> SgxDevicePlugin.start(config().withPluginDir(deep), NodeUpdater.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("socket path " + deep.resolve("kubelet.sock"))
        .hasMessageEndingWith("unix sockets allow at most 107");
  }

  @Test
  void listAndWatchSendsTheCurrentListFirst() throws Exception {
    deviceNodes("sgx_enclave");
    FakeKubelet kubelet = kubelet();
    plugin(config());
    await().atMost(WAIT).until(() -> kubelet.registrations.size() == 2);
    var first = kubelet.plugin("sgx.intel.com/enclave").listAndWatch(Empty.getDefaultInstance()).next();
    assertThat(ids(first)).containsExactly("sgx-enclave-0", "sgx-enclave-1", "sgx-enclave-2");
  }

  private void epcFile(int node, long bytes) throws IOException {
    Path f = sys.resolve("devices/system/node/node" + node + "/x86/sgx_total_bytes");
    Files.createDirectories(f.getParent());
    Files.writeString(f, bytes + "\n");
  }
}
