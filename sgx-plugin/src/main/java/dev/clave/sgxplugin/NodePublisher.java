package dev.clave.sgxplugin;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the node's state to a {@link NodeUpdater} on a thread of its own, so a slow or unreachable API server
 * never delays what kubelet needs. At most one publication runs at a time; one that fails is tried again when
 * the state is next offered (every poll interval).
 */
final class NodePublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("sgx-plugin");
  /**
   * The state is published again this often even when unchanged: kubelet or a person may have removed the
   * label or capacity meanwhile (the Kubernetes updater reads the node and patches only what differs).
   */
  static final Duration REFRESH = Duration.ofMinutes(5);

  private final NodeUpdater updater;
  private final ExecutorService thread;
  private final AtomicBoolean busy = new AtomicBoolean();
  // Guarded by this.
  private NodeState published;
  private long publishedAt;
  private String problem;

  NodePublisher(NodeUpdater updater) {
    this.updater = updater;
    this.thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sgx-plugin-node");
      t.setDaemon(true);
      return t;
    });
  }

  /** Publishes {@code state} unless it is already published and fresh, or a publication is under way. */
  void offer(NodeState state) {
    if (updater == NodeUpdater.NONE) {
      return;
    }
    synchronized (this) {
      if (state.equals(published) && System.nanoTime() - publishedAt < REFRESH.toNanos()) {
        return;
      }
    }
    if (!busy.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.execute(() -> {
        try {
          publish(state);
        } finally {
          busy.set(false);
        }
      });
    } catch (RejectedExecutionException e) {
      busy.set(false); // closing
    }
  }

  private void publish(NodeState state) {
    try {
      updater.publish(state);
    } catch (Exception e) {
      String message = "cannot update the node (" + describe(state) + "): " + e.getMessage();
      synchronized (this) {
        if (!message.equals(problem)) {
          LOG.warn("{}; trying again", message);
          problem = message;
        }
      }
      return;
    }
    synchronized (this) {
      if (!state.equals(published)) {
        LOG.info("node updated: {}", describe(state));
      }
      published = state;
      publishedAt = System.nanoTime();
      problem = null;
    }
  }

  static String describe(NodeState s) {
    String label = s.sgxCapable() ? NodeState.CAPABLE_LABEL + "=true" : "no " + NodeState.CAPABLE_LABEL + " label";
    String epc = s.epcBytes().isPresent() ? NodeState.EPC_RESOURCE + "=" + s.epcBytes().getAsLong() : "no " + NodeState.EPC_RESOURCE;
    return label + ", " + epc;
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    updater.close();
  }
}
