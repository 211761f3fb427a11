package dev.clave.backupcontroller;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the kubelet for the mock API server, where no pod runs: backup CAS pods become Running and ready with an
 * IP; registration pods end Succeeded (exit 0), or Failed (exit 1) on the nodes in {@link #failOn}; restore drill
 * pods end with {@link #drillExit} and print {@link #drillOutput} (the test's mock server serves it as their log).
 */
final class Kubelet implements AutoCloseable {
  private final KubernetesClient client;
  private final String namespace;
  private final Thread thread;
  private final AtomicInteger nextIp = new AtomicInteger(10);
  final Set<String> failOn = ConcurrentHashMap.newKeySet();
  volatile int drillExit = 0;
  volatile String drillOutput = "";
  /** Every pod it started, as the controller created it. */
  final List<Pod> started = new CopyOnWriteArrayList<>();
  private volatile boolean stop;

  Kubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.thread = new Thread(this::loop, "kubelet");
    thread.setDaemon(true);
    thread.start();
  }

  /** How many registration pods ran on {@code node}. */
  long registrations(String node) {
    return started.stream().filter(p -> component(p).equals(BackupPods.REGISTRATION) && p.getSpec().getNodeName().equals(node)).count();
  }

  /** How many restore drill pods ran on {@code node}. */
  long drills(String node) {
    return started.stream().filter(p -> component(p).equals(BackupPods.RESTORE_DRILL) && p.getSpec().getNodeName().equals(node)).count();
  }

  List<Pod> started(String component) {
    return started.stream().filter(p -> component(p).equals(component)).toList();
  }

  private static String component(Pod p) {
    return p.getMetadata().getLabels().getOrDefault(BackupPods.COMPONENT_LABEL, "");
  }

  private void loop() {
    while (!stop) {
      try {
        for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
          if (p.getStatus() == null || p.getStatus().getPhase() == null) {
            start(p);
          }
        }
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // A pod deleted between list and update: look again.
      }
    }
  }

  private void start(Pod p) {
    started.add(p);
    PodBuilder b = new PodBuilder(p);
    if (component(p).equals(BackupPods.BACKUP_CAS)) {
      b.withNewStatus().withPhase("Running").withPodIP("10.1.0." + nextIp.getAndIncrement())
          .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus();
    } else {
      boolean drill = component(p).equals(BackupPods.RESTORE_DRILL);
      int exit = drill ? drillExit : failOn.contains(p.getSpec().getNodeName()) ? 1 : 0;
      b.withNewStatus().withPhase(exit != 0 ? "Failed" : "Succeeded")
          .addNewContainerStatus().withName(p.getSpec().getContainers().get(0).getName()).withNewState().withNewTerminated().withExitCode(exit)
          .endTerminated().endState().endContainerStatus().endStatus();
    }
    client.pods().inNamespace(namespace).resource(b.build()).updateStatus();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(5000);
  }
}
