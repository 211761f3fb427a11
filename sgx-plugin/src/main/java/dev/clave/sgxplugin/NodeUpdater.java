package dev.clave.sgxplugin;

/**
 * Publishes the node's SGX state through the Kubernetes API. Called from the plugin's single worker thread,
 * only when the state changed or the last call failed.
 */
public interface NodeUpdater extends AutoCloseable {
  /** Makes the node show {@code state}; throws with a sentence for the log when it cannot. */
  void publish(NodeState state) throws Exception;

  /** What the updater acts on, for the start-up log line. */
  String describe();

  @Override
  default void close() {}

  /** Publishes nothing: the plugin runs without access to the Kubernetes API. */
  NodeUpdater NONE = new NodeUpdater() {
    @Override
    public void publish(NodeState state) {}

    @Override
    public String describe() {
      return "no node updates (no node name given)";
    }
  };
}
