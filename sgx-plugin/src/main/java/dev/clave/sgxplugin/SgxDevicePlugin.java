package dev.clave.sgxplugin;

import dev.clave.sgxplugin.api.ListAndWatchResponse;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SGX device plugin: one {@code v1beta1.DevicePlugin} server per resource on its own socket in kubelet's
 * device-plugins directory, registered with kubelet.
 *
 * <p>One worker thread does everything that changes state, every poll interval and at once when the
 * directory watch sees a socket come or go: it rescans the device nodes and EPC (health to ListAndWatch, the
 * node's labels and EPC to {@link NodeUpdater}), serves again any socket that vanished (kubelet deletes all
 * sockets there when it starts) and registers again whenever kubelet.sock is new. Nothing of this depends on
 * the watch alone, so missed events only delay it by one interval.
 */
public final class SgxDevicePlugin implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("sgx-plugin");
  /** A failed registration is tried again this soon at the latest (kubelet's socket may not listen yet). */
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final PluginConfig config;
  private final NodeUpdater nodeUpdater;
  private final NodePublisher nodePublisher;
  private final EventLoopGroup group;
  private final List<Endpoint> endpoints;
  private final ScheduledExecutorService worker;
  private final AtomicBoolean queued = new AtomicBoolean();
  private DirectoryWatcher watcher;
  // Worker thread only.
  private boolean kubeletMissingLogged;
  private String nodeProblem;

  /** One resource: its service, the server it runs on now and the kubelet it is registered with. */
  private static final class Endpoint {
    final DevicePluginService service;
    PluginSocketServer server;
    Object registeredWith;
    String problem;

    Endpoint(SgxResource resource) {
      this.service = new DevicePluginService(resource);
    }

    SgxResource resource() {
      return service.resource();
    }
  }

  private SgxDevicePlugin(PluginConfig config, NodeUpdater nodeUpdater, EventLoopGroup group) {
    this.config = config;
    this.nodeUpdater = nodeUpdater;
    this.nodePublisher = new NodePublisher(nodeUpdater);
    this.group = group;
    this.endpoints = SgxResource.of(config).stream().map(Endpoint::new).toList();
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sgx-plugin");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Serves every resource of {@code config} and starts registering them with kubelet. Fails when the
   * device-plugins directory is missing or a socket cannot be served; a kubelet that is not there (yet) is
   * only logged and waited for.
   */
  public static SgxDevicePlugin start(PluginConfig config, NodeUpdater nodeUpdater) throws IOException {
    Path dir = config.pluginDir();
    if (!Files.isDirectory(dir)) {
      throw new IOException("the device-plugins directory " + dir + " does not exist; is kubelet running on this node? (--plugin-dir sets it)");
    }
    UnixSockets.checkPathLength(config.kubeletSocket());
    for (SgxResource r : SgxResource.of(config)) {
      UnixSockets.checkPathLength(dir.resolve(r.socketFile()));
    }
    SgxDevicePlugin plugin = new SgxDevicePlugin(config, nodeUpdater, UnixSockets.eventLoopGroup("sgx-plugin-grpc"));
    try {
      plugin.begin();
    } catch (IOException | RuntimeException e) {
      plugin.close();
      throw e;
    }
    return plugin;
  }

  private void begin() throws IOException {
    LOG.info("SGX device plugin: flavor {}, device-plugins directory {}, device nodes under {}, {}",
        config.flavor().name().toLowerCase(java.util.Locale.ROOT), config.pluginDir(), config.devRoot(), nodeUpdater.describe());
    PlatformScan scan = PlatformScan.of(config);
    for (Endpoint e : endpoints) {
      // The device list is in place before kubelet can ask for it.
      e.service.update(e.resource().assess(scan));
      Path socket = config.pluginDir().resolve(e.resource().socketFile());
      try {
        e.server = PluginSocketServer.start(socket, e.service, group);
      } catch (IOException ex) {
        throw new IOException("cannot serve " + e.resource().name() + " on " + socket + ": " + ex.getMessage(), ex);
      }
    }
    watcher = DirectoryWatcher.start(config.pluginDir(), this::changed);
    long period = config.pollInterval().toMillis();
    worker.scheduleWithFixedDelay(this::reconcileSafely, 0, period, TimeUnit.MILLISECONDS);
  }

  /** The advertised resources, in registration order. */
  public List<String> resourceNames() {
    return endpoints.stream().map(e -> e.resource().name()).toList();
  }

  /** The device list a resource sends on ListAndWatch now (for status output and tests). */
  public ListAndWatchResponse devices(String resourceName) {
    for (Endpoint e : endpoints) {
      if (e.resource().name().equals(resourceName)) {
        return e.service.devices();
      }
    }
    throw new IllegalArgumentException("no resource " + resourceName);
  }

  /** Runs one reconciliation now and waits for it (tests; the CLI never needs it). */
  void reconcileNow() throws InterruptedException, ExecutionException {
    worker.submit(this::reconcile).get();
  }

  /**
   * A file in the device-plugins directory came or went. Which one does not matter: the reconciliation compares
   * the sockets with what it last saw. (Acting on the events themselves would register twice when a
   * deletion's event is handled after the new kubelet.sock is already there.)
   */
  private void changed(String fileName) {
    queue(Duration.ZERO);
  }

  private void queue(Duration delay) {
    if (queued.compareAndSet(false, true)) {
      try {
        worker.schedule(this::reconcileSafely, delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closing
      }
    }
  }

  private void reconcileSafely() {
    queued.set(false);
    try {
      reconcile();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log, and the next round tries anew.
      LOG.error("reconciliation failed: {}", e.toString());
    }
  }

  private void reconcile() {
    PlatformScan scan = PlatformScan.of(config);
    for (Endpoint e : endpoints) {
      e.service.update(e.resource().assess(scan));
    }
    nodePublisher.offer(NodeState.of(scan, config.flavor()));

    Object kubelet = identity(config.kubeletSocket());
    if (kubelet == null && !kubeletMissingLogged) {
      LOG.info("waiting for kubelet: {} does not exist yet", config.kubeletSocket());
    }
    kubeletMissingLogged = kubelet == null;
    boolean retry = false;
    for (Endpoint e : endpoints) {
      if (!serve(e)) {
        retry = true;
        continue;
      }
      if (kubelet == null) {
        continue;
      }
      if (!kubelet.equals(e.registeredWith)) {
        retry |= !register(e, kubelet);
      }
    }
    if (retry) {
      queue(RETRY.compareTo(config.pollInterval()) < 0 ? RETRY : config.pollInterval());
    }
  }

  /** Makes sure {@code e} serves on its socket; false when it cannot now. */
  private boolean serve(Endpoint e) {
    if (e.server != null && e.server.isServing()) {
      return true;
    }
    Path socket = config.pluginDir().resolve(e.resource().socketFile());
    if (e.server != null) {
      LOG.info("{}: socket {} was removed (kubelet restarted?); serving again", e.resource().name(), socket);
      e.server.close();
      e.server = null;
    }
    e.registeredWith = null;
    try {
      e.server = PluginSocketServer.start(socket, e.service, group);
      return true;
    } catch (IOException | RuntimeException ex) {
      problem(e, "cannot serve " + e.resource().name() + " on " + socket + ": " + ex.getMessage());
      return false;
    }
  }

  private boolean register(Endpoint e, Object kubelet) {
    try {
      KubeletRegistration.register(config.kubeletSocket(), e.resource(), group, config.registerTimeout());
    } catch (KubeletRegistration.RegistrationException ex) {
      e.registeredWith = null;
      problem(e, ex.getMessage());
      return false;
    }
    e.registeredWith = kubelet;
    e.problem = null;
    LOG.info("{}: registered with kubelet ({} devices, endpoint {})", e.resource().name(),
        e.service.devices().getDevicesCount(), e.resource().socketFile());
    return true;
  }

  /** Logs a problem once, not every round it persists. */
  private static void problem(Endpoint e, String message) {
    if (!message.equals(e.problem)) {
      LOG.warn("{}; trying again", message);
      e.problem = message;
    }
  }

  /**
   * Identifies one incarnation of kubelet.sock: inode and modification time (a new file may reuse the inode of
   * the deleted one); null when there is none.
   */
  private static Object identity(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return List.of(Objects.requireNonNullElse(a.fileKey(), ""), a.lastModifiedTime(), a.creationTime());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(config.registerTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (watcher != null) {
      watcher.close();
    }
    for (Endpoint e : endpoints) {
      e.service.endStreams();
      if (e.server != null) {
        e.server.close();
      }
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    nodePublisher.close();
  }
}
