package dev.clave.sgxplugin;

import dev.clave.sgxplugin.api.RegisterRequest;
import dev.clave.sgxplugin.api.RegistrationGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Registers a resource's plugin socket with kubelet ({@code v1beta1.Registration/Register} on kubelet.sock). */
final class KubeletRegistration {
  static final String API_VERSION = "v1beta1";

  private KubeletRegistration() {}

  /** A registration that kubelet refused or that could not reach kubelet; the message says which. */
  static final class RegistrationException extends Exception {
    RegistrationException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Registers {@code resource}, served on {@code socketFile} in the device-plugins directory. kubelet answers
   * only after it has connected back and asked for the plugin's options, so the socket must serve already.
   */
  static void register(Path kubeletSocket, SgxResource resource, EventLoopGroup group, Duration timeout) throws RegistrationException {
    RegisterRequest request = RegisterRequest.newBuilder()
        .setVersion(API_VERSION)
        .setEndpoint(resource.socketFile())
        .setResourceName(resource.name())
        .setOptions(DevicePluginService.OPTIONS)
        .build();
    ManagedChannel channel = UnixSockets.channel(kubeletSocket, group);
    try {
      RegistrationGrpc.newBlockingStub(channel)
          .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .register(request);
    } catch (StatusRuntimeException e) {
      Status s = e.getStatus();
      String detail = s.getDescription() == null ? s.getCode().toString() : s.getCode() + ": " + s.getDescription();
      if (s.getCode() == Status.Code.UNAVAILABLE) {
        throw new RegistrationException("cannot reach kubelet at " + kubeletSocket + " to register " + resource.name() + " (" + detail + ")");
      }
      if (s.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw new RegistrationException("kubelet at " + kubeletSocket + " did not answer the registration of " + resource.name()
            + " within " + timeout.toMillis() + " ms");
      }
      throw new RegistrationException("kubelet at " + kubeletSocket + " refused " + resource.name() + ": " + detail);
    } finally {
      channel.shutdownNow();
    }
  }
}
