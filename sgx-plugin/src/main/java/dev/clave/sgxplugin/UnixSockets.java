package dev.clave.sgxplugin;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** gRPC over unix domain sockets (grpc-netty-shaded's epoll transport; Linux only, as kubelet's sockets). */
public final class UnixSockets {
  private UnixSockets() {}

  /** An event loop group for unix-socket servers and channels; fails with the reason when epoll is missing. */
  public static EventLoopGroup eventLoopGroup(String threadName) {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException("unix domain sockets need Linux epoll, which is unavailable here: "
          + Epoll.unavailabilityCause());
    }
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new EpollEventLoopGroup(2, threads);
  }

  /** Checks that {@code socket} fits a unix socket address. */
  public static void checkPathLength(Path socket) {
    int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > PluginConfig.MAX_SOCKET_PATH_BYTES) {
      throw new IllegalArgumentException("socket path " + socket + " is " + bytes + " bytes long; unix sockets allow at most "
          + PluginConfig.MAX_SOCKET_PATH_BYTES);
    }
  }

  /** Starts a gRPC server with {@code service} listening on {@code socket} (which must not exist). */
  public static Server serve(Path socket, BindableService service, EventLoopGroup group) throws IOException {
    checkPathLength(socket);
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollServerDomainSocketChannel.class)
        .bossEventLoopGroup(group)
        .workerEventLoopGroup(group)
        // grpc sets TCP keep-alive, which a unix socket does not have (netty would warn on every connection).
        .withChildOption(ChannelOption.SO_KEEPALIVE, null)
        .addService(service)
        .build()
        .start();
  }

  /** A plaintext channel to the gRPC server on {@code socket}, with kubelet's authority. */
  public static ManagedChannel channel(Path socket, EventLoopGroup group) {
    checkPathLength(socket);
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(group)
        .withOption(ChannelOption.SO_KEEPALIVE, null)
        .overrideAuthority("localhost")
        .usePlaintext()
        .build();
  }
}
