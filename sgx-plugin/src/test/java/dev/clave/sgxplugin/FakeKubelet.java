package dev.clave.sgxplugin;

import dev.clave.sgxplugin.api.AllocateRequest;
import dev.clave.sgxplugin.api.AllocateResponse;
import dev.clave.sgxplugin.api.ContainerAllocateRequest;
import dev.clave.sgxplugin.api.DevicePluginGrpc;
import dev.clave.sgxplugin.api.DevicePluginOptions;
import dev.clave.sgxplugin.api.Empty;
import dev.clave.sgxplugin.api.ListAndWatchResponse;
import dev.clave.sgxplugin.api.RegisterRequest;
import dev.clave.sgxplugin.api.RegistrationGrpc;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for kubelet's device manager speaking the real protocol: {@code v1beta1.Registration} on
 * {@code kubelet.sock}; on Register it checks the request as kubelet does, connects back to the plugin's
 * socket, asks for its options and keeps a ListAndWatch stream open, recording every device list.
 */
final class FakeKubelet implements AutoCloseable {
  final Path dir;
  private final EventLoopGroup group;
  private final Server server;
  final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  final Map<String, DevicePluginOptions> options = new ConcurrentHashMap<>();
  /** Every device list received per resource, in order. */
  final Map<String, List<ListAndWatchResponse>> lists = new ConcurrentHashMap<>();
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();

  private FakeKubelet(Path dir, EventLoopGroup group) throws IOException {
    this.dir = dir;
    this.group = group;
    this.server = UnixSockets.serve(dir.resolve("kubelet.sock"), new Registration(), group);
  }

  static FakeKubelet start(Path dir, EventLoopGroup group) throws IOException {
    return new FakeKubelet(dir, group);
  }

  /** What kubelet does when it starts: it removes every socket in the directory, then listens anew. */
  static FakeKubelet restart(FakeKubelet old) throws IOException {
    old.close();
    try (var files = Files.list(old.dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".sock")).toList()) {
        Files.deleteIfExists(f);
      }
    }
    return new FakeKubelet(old.dir, old.group);
  }

  /** The latest device list of {@code resource}, or null before the first. */
  ListAndWatchResponse devices(String resource) {
    List<ListAndWatchResponse> l = lists.get(resource);
    return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
  }

  /** Allocate as kubelet calls it: one container request per call. */
  AllocateResponse allocate(String resource, String... ids) {
    return plugin(resource).allocate(AllocateRequest.newBuilder()
        .addContainerRequests(ContainerAllocateRequest.newBuilder().addAllDevicesIds(List.of(ids)))
        .build());
  }

  DevicePluginGrpc.DevicePluginBlockingStub plugin(String resource) {
    ManagedChannel c = channels.get(resource);
    if (c == null) {
      throw new IllegalStateException(resource + " is not registered");
    }
    return DevicePluginGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private final class Registration extends RegistrationGrpc.RegistrationImplBase {
    @Override
    public void register(RegisterRequest request, StreamObserver<Empty> response) {
      if (!request.getVersion().equals("v1beta1")) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("unsupported version " + request.getVersion()).asRuntimeException());
        return;
      }
      String name = request.getResourceName();
      if (!name.contains("/") || name.contains("kubernetes.io/")) {
        response.onError(Status.INVALID_ARGUMENT.withDescription("not an extended resource name: " + name).asRuntimeException());
        return;
      }
      ManagedChannel channel = UnixSockets.channel(dir.resolve(request.getEndpoint()), group);
      ManagedChannel old = channels.put(name, channel);
      if (old != null) {
        old.shutdownNow();
      }
      try {
        options.put(name, DevicePluginGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getDevicePluginOptions(Empty.getDefaultInstance()));
      } catch (RuntimeException e) {
        response.onError(Status.UNAVAILABLE.withDescription("cannot reach the plugin: " + e).asRuntimeException());
        return;
      }
      registrations.add(request);
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
      // After Register returns, kubelet reads the plugin's stream for as long as it lasts (in the root
      // context: the Register call's context is cancelled when it completes).
      List<ListAndWatchResponse> received = new CopyOnWriteArrayList<>();
      lists.put(name, received);
      Context.ROOT.run(() -> watch(channel, received));
    }

    private void watch(ManagedChannel channel, List<ListAndWatchResponse> received) {
      DevicePluginGrpc.newStub(channel).listAndWatch(Empty.getDefaultInstance(), new StreamObserver<>() {
        @Override
        public void onNext(ListAndWatchResponse value) {
          received.add(value);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
      });
    }
  }

  @Override
  public void close() {
    channels.values().forEach(ManagedChannel::shutdownNow);
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
