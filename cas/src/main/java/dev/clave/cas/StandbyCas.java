package dev.clave.cas;

import java.io.IOException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warm standby (issue #7): a registered backup CAS that runs — its JVM started, its code compiled, its
 * collateral loaded — as an unprovisioned backup with its own empty store, and on {@link #takeOver} restarts its
 * CAS in the same process from the newest snapshot ({@code restoreFrom}) on the same ports. A takeover then costs
 * the restore and the listeners' restart, not a JVM start (seconds).
 */
public final class StandbyCas implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StandbyCas.class);

  private final CasConfig takeOverConfig;
  private CasServer current;
  private boolean tookOver;

  private StandbyCas(CasConfig takeOverConfig, CasServer current) {
    this.takeOverConfig = takeOverConfig;
    this.current = current;
  }

  /**
   * Starts the standby: {@code config} without its {@code restoreFrom} until {@link #takeOver}.
   *
   * @throws IllegalArgumentException if {@code config} names no snapshot directory to restore from
   */
  public static StandbyCas start(CasConfig config) throws IOException {
    CasConfig.Snapshots sn = config.snapshots();
    if (sn.restoreFrom() == null) {
      throw new IllegalArgumentException("a standby CAS needs the snapshots to take over from (--restore-from DIR)");
    }
    CasServer cas = CasServer.start(config.withSnapshots(
        new CasConfig.Snapshots(sn.directory(), sn.interval(), sn.keep(), null)));
    LOG.info("standby CAS: serving as a backup; it takes over from the newest snapshot in {} when told to",
        sn.restoreFrom());
    return new StandbyCas(config.withPorts(cas.clientPort(), cas.enclavePort()), cas);
  }

  /** The CAS serving now. */
  public synchronized CasServer current() {
    return current;
  }

  /**
   * Takes over: stops the standby's CAS and starts it again from the newest intact snapshot, on the same ports, with
   * the restored store's owner, sessions and identity. Once only; later calls return the CAS that took over.
   */
  public synchronized CasServer takeOver() throws IOException {
    if (tookOver) {
      return current;
    }
    LOG.warn("standby CAS: taking over from the newest snapshot in {}", takeOverConfig.snapshots().restoreFrom());
    current.close();
    current = Objects.requireNonNull(CasServer.start(takeOverConfig));
    tookOver = true;
    return current;
  }

  @Override
  public synchronized void close() {
    current.close();
  }
}
