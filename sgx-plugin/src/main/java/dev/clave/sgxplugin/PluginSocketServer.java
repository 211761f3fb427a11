package dev.clave.sgxplugin;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** A gRPC server on a unix socket that can tell whether its socket file is still the one it bound. */
final class PluginSocketServer implements AutoCloseable {
  private final Path socket;
  private final Server server;
  private final Object fileKey;

  private PluginSocketServer(Path socket, Server server, Object fileKey) {
    this.socket = socket;
    this.server = server;
    this.fileKey = fileKey;
  }

  /** Serves {@code service} on {@code socket}, replacing a stale socket file of an earlier run. */
  static PluginSocketServer start(Path socket, BindableService service, EventLoopGroup group) throws IOException {
    if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("cannot serve on " + socket + ": it is a directory");
    }
    Files.deleteIfExists(socket);
    Server server = UnixSockets.serve(socket, service, group);
    return new PluginSocketServer(socket, server, fileKey(socket));
  }

  Path socket() {
    return socket;
  }

  /**
   * Whether the server runs and its socket file is still there: kubelet deletes every socket in the
   * device-plugins directory when it starts, which leaves the server unreachable.
   */
  boolean isServing() {
    return !server.isShutdown() && fileKey != null && Objects.equals(fileKey, fileKey(socket));
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Remove the socket only if it is still ours, never one another process created meanwhile.
    if (fileKey != null && Objects.equals(fileKey, fileKey(socket))) {
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        // nothing left to do: a stale socket is replaced at the next start
      }
    }
  }

  /** The file's identity (device and inode on Linux), or null when it does not exist. */
  static Object fileKey(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.fileKey() == null ? a.lastModifiedTime() : a.fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
