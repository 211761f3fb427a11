package dev.clave.sgxplugin;

import dev.clave.sgxplugin.api.AllocateRequest;
import dev.clave.sgxplugin.api.AllocateResponse;
import dev.clave.sgxplugin.api.ContainerAllocateRequest;
import dev.clave.sgxplugin.api.ContainerAllocateResponse;
import dev.clave.sgxplugin.api.ContainerPreferredAllocationRequest;
import dev.clave.sgxplugin.api.ContainerPreferredAllocationResponse;
import dev.clave.sgxplugin.api.Device;
import dev.clave.sgxplugin.api.DevicePluginGrpc;
import dev.clave.sgxplugin.api.DevicePluginOptions;
import dev.clave.sgxplugin.api.DeviceSpec;
import dev.clave.sgxplugin.api.Empty;
import dev.clave.sgxplugin.api.ListAndWatchResponse;
import dev.clave.sgxplugin.api.Mount;
import dev.clave.sgxplugin.api.PreStartContainerRequest;
import dev.clave.sgxplugin.api.PreStartContainerResponse;
import dev.clave.sgxplugin.api.PreferredAllocationRequest;
import dev.clave.sgxplugin.api.PreferredAllocationResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code v1beta1.DevicePlugin} service of one resource. Every device of a resource is an equal share of
 * the same device nodes, so all are healthy or all are not.
 *
 * <p>Health: while the resource is available it lists its devices healthy. When its device nodes vanish, the
 * devices it had listed stay listed, unhealthy (kubelet keeps the capacity and stops admitting pods to it);
 * a resource that was never available lists nothing.
 */
final class DevicePluginService extends DevicePluginGrpc.DevicePluginImplBase {
  static final String HEALTHY = "Healthy";
  static final String UNHEALTHY = "Unhealthy";
  /** kubelet sends one container per call; a pod cannot have more containers than this anyway. */
  static final int MAX_CONTAINER_REQUESTS = 256;
  /** Neither preferred allocation nor pre-start hooks matter for interchangeable shares (as Intel's plugin). */
  static final DevicePluginOptions OPTIONS = DevicePluginOptions.newBuilder()
      .setPreStartRequired(false)
      .setGetPreferredAllocationAvailable(false)
      .build();

  private static final Logger LOG = LoggerFactory.getLogger("sgx-plugin");

  private final SgxResource resource;
  private final Set<ServerCallStreamObserver<ListAndWatchResponse>> watchers = new HashSet<>();
  // Guarded by this: the current list and what allocations grant.
  private ListAndWatchResponse devices = ListAndWatchResponse.getDefaultInstance();
  private int listed;
  private boolean healthy;
  private List<DeviceNode> granted = List.of();
  private String lastWhy = "";

  DevicePluginService(SgxResource resource) {
    this.resource = resource;
  }

  SgxResource resource() {
    return resource;
  }

  /** Applies what the resource offers now; a changed device list goes to every ListAndWatch stream. */
  synchronized void update(Availability now) {
    if (!now.why().equals(lastWhy)) {
      if (now.available()) {
        LOG.info("{}: advertising {} healthy devices: {}", resource.name(), now.count(), now.why());
      } else if (listed > 0) {
        LOG.warn("{}: {} devices unhealthy: {}", resource.name(), listed, now.why());
      } else {
        LOG.info("{}: advertising nothing: {}", resource.name(), now.why());
      }
      lastWhy = now.why();
    }
    granted = now.granted();
    int count = now.available() ? now.count() : listed;
    boolean nowHealthy = now.available();
    if (count == listed && nowHealthy == healthy) {
      return;
    }
    listed = count;
    healthy = nowHealthy;
    ListAndWatchResponse.Builder list = ListAndWatchResponse.newBuilder();
    String health = nowHealthy ? HEALTHY : UNHEALTHY;
    for (int i = 0; i < count; i++) {
      list.addDevices(Device.newBuilder().setID(resource.idPrefix() + i).setHealth(health));
    }
    devices = list.build();
    for (ServerCallStreamObserver<ListAndWatchResponse> watcher : List.copyOf(watchers)) {
      send(watcher);
    }
  }

  /** The device list as ListAndWatch sends it now. */
  synchronized ListAndWatchResponse devices() {
    return devices;
  }

  /** Ends every ListAndWatch stream: kubelet then marks the devices unhealthy until it reconnects. */
  synchronized void endStreams() {
    for (ServerCallStreamObserver<ListAndWatchResponse> watcher : watchers) {
      try {
        watcher.onCompleted();
      } catch (IllegalStateException | StatusRuntimeException e) {
        // already cancelled by the client
      }
    }
    watchers.clear();
  }

  @Override
  public void getDevicePluginOptions(Empty request, StreamObserver<DevicePluginOptions> response) {
    response.onNext(OPTIONS);
    response.onCompleted();
  }

  @Override
  public void listAndWatch(Empty request, StreamObserver<ListAndWatchResponse> response) {
    ServerCallStreamObserver<ListAndWatchResponse> watcher = (ServerCallStreamObserver<ListAndWatchResponse>) response;
    watcher.setOnCancelHandler(() -> {
      synchronized (this) {
        watchers.remove(watcher);
      }
    });
    synchronized (this) {
      watchers.add(watcher);
      send(watcher);
    }
  }

  // Called with the lock held: a stream observer is not thread-safe.
  private void send(ServerCallStreamObserver<ListAndWatchResponse> watcher) {
    if (watcher.isCancelled()) {
      watchers.remove(watcher);
      return;
    }
    try {
      watcher.onNext(devices);
    } catch (IllegalStateException | StatusRuntimeException e) {
      watchers.remove(watcher);
    }
  }

  @Override
  public void allocate(AllocateRequest request, StreamObserver<AllocateResponse> response) {
    List<DeviceNode> nodes;
    int count;
    synchronized (this) {
      nodes = healthy ? granted : List.of();
      count = listed;
    }
    try {
      int n = request.getContainerRequestsCount();
      if (n == 0 || n > MAX_CONTAINER_REQUESTS) {
        throw invalid("an allocation needs 1.." + MAX_CONTAINER_REQUESTS + " container requests, got " + n);
      }
      if (nodes.isEmpty()) {
        throw Status.FAILED_PRECONDITION
            .withDescription(resource.name() + " is unavailable on this node: no SGX device node present")
            .asRuntimeException();
      }
      AllocateResponse.Builder out = AllocateResponse.newBuilder();
      for (ContainerAllocateRequest container : request.getContainerRequestsList()) {
        checkIds(container.getDevicesIdsList(), count, "allocation");
        out.addContainerResponses(containerResponse(nodes));
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      LOG.warn("{}: Allocate refused: {}", resource.name(), e.getStatus().getDescription());
      response.onError(e);
    }
  }

  private ContainerAllocateResponse containerResponse(List<DeviceNode> nodes) {
    ContainerAllocateResponse.Builder c = ContainerAllocateResponse.newBuilder();
    for (DeviceNode node : nodes) {
      c.addDevices(DeviceSpec.newBuilder().setHostPath(node.hostPath()).setContainerPath(node.hostPath()).setPermissions("rw"));
    }
    if (resource.aesmd()) {
      // Out-of-process quoting through the host's aesmd. Connecting to a unix socket works on a read-only
      // mount, and the container has no business writing there otherwise.
      c.addMounts(Mount.newBuilder().setHostPath(PluginConfig.AESMD_DIR).setContainerPath(PluginConfig.AESMD_DIR).setReadOnly(true));
      c.putEnvs("SGX_AESM_ADDR", "1");
    }
    return c.build();
  }

  /** Checks that {@code ids} are distinct IDs of this resource's {@code count} devices. */
  private void checkIds(List<String> ids, int count, String what) {
    if (ids.isEmpty()) {
      throw invalid(what + " of " + resource.name() + ": a container request names no device");
    }
    if (ids.size() > count) {
      throw invalid(what + " of " + resource.name() + ": " + ids.size() + " devices requested, the node has " + count);
    }
    Set<String> seen = new HashSet<>();
    for (String id : ids) {
      if (indexOf(id) >= count) {
        throw invalid(what + " of " + resource.name() + ": unknown device ID \"" + clip(id) + "\" (IDs are "
            + resource.idPrefix() + "0.." + resource.idPrefix() + (count - 1) + ")");
      }
      if (!seen.add(id)) {
        throw invalid(what + " of " + resource.name() + ": device ID \"" + id + "\" named twice");
      }
    }
  }

  /** The device index of {@code id}, or Integer.MAX_VALUE when it is not one of this resource's IDs. */
  private int indexOf(String id) {
    String prefix = resource.idPrefix();
    if (!id.startsWith(prefix) || id.length() == prefix.length() || id.length() > prefix.length() + 9) {
      return Integer.MAX_VALUE;
    }
    String digits = id.substring(prefix.length());
    if (!digits.chars().allMatch(c -> c >= '0' && c <= '9') || (digits.length() > 1 && digits.charAt(0) == '0')) {
      return Integer.MAX_VALUE;
    }
    return Integer.parseInt(digits);
  }

  @Override
  public void getPreferredAllocation(PreferredAllocationRequest request, StreamObserver<PreferredAllocationResponse> response) {
    int count;
    synchronized (this) {
      count = listed;
    }
    try {
      int n = request.getContainerRequestsCount();
      if (n == 0 || n > MAX_CONTAINER_REQUESTS) {
        throw invalid("a preferred allocation needs 1.." + MAX_CONTAINER_REQUESTS + " container requests, got " + n);
      }
      PreferredAllocationResponse.Builder out = PreferredAllocationResponse.newBuilder();
      for (ContainerPreferredAllocationRequest c : request.getContainerRequestsList()) {
        out.addContainerResponses(prefer(c, count));
      }
      response.onNext(out.build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      LOG.warn("{}: GetPreferredAllocation refused: {}", resource.name(), e.getStatus().getDescription());
      response.onError(e);
    }
  }

  /** Shares are interchangeable: the must-include devices, then the first available ones, up to the size. */
  private ContainerPreferredAllocationResponse prefer(ContainerPreferredAllocationRequest c, int count) {
    int size = c.getAllocationSize();
    if (size < 1 || size > c.getAvailableDeviceIDsCount()) {
      throw invalid("preferred allocation of " + resource.name() + ": allocation size " + size + " is not within 1.."
          + c.getAvailableDeviceIDsCount() + " (the available devices)");
    }
    if (c.getMustIncludeDeviceIDsCount() > size) {
      throw invalid("preferred allocation of " + resource.name() + ": " + c.getMustIncludeDeviceIDsCount()
          + " devices must be included, more than the allocation size " + size);
    }
    checkIds(c.getAvailableDeviceIDsList(), count, "preferred allocation");
    if (c.getMustIncludeDeviceIDsCount() > 0) {
      checkIds(c.getMustIncludeDeviceIDsList(), count, "preferred allocation");
    }
    Set<String> chosen = new LinkedHashSet<>(c.getMustIncludeDeviceIDsList());
    List<String> available = new ArrayList<>(c.getAvailableDeviceIDsList());
    for (int i = 0; i < available.size() && chosen.size() < size; i++) {
      chosen.add(available.get(i));
    }
    return ContainerPreferredAllocationResponse.newBuilder().addAllDeviceIDs(chosen).build();
  }

  @Override
  public void preStartContainer(PreStartContainerRequest request, StreamObserver<PreStartContainerResponse> response) {
    // Nothing to prepare: the device nodes exist on the host already (and OPTIONS says so).
    response.onNext(PreStartContainerResponse.getDefaultInstance());
    response.onCompleted();
  }

  private static StatusRuntimeException invalid(String message) {
    return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
