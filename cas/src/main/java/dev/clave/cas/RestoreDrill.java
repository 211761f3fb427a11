package dev.clave.cas;

import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.cas.backup.SnapshotRestore;
import dev.clave.cas.store.BackupIdentity;
import dev.clave.cas.store.ProvisioningState;
import dev.clave.cas.store.Sealer;
import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.SqliteCasStore;
import dev.clave.cas.store.StoreException;
import dev.clave.policy.ServiceEvaluation;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restore drill on this (backup) CAS (issue #7, {@code clave cas restore-drill}): the snapshot is restored into a
 * scratch directory exactly as {@code cas serve --restore-from} would restore it — this CAS's backup registration
 * opens it, every row is checked against the head, the manifest's MAC and head are checked — then every session
 * is read back (parsed, secrets decrypted), and one attestation runs through the restored store: a drill session
 * for this CAS's own code and platform, a fresh quote from this platform's LAS bound to a fresh certificate, the
 * same verification and policy decision as any service's. Nothing of the scratch store is kept.
 *
 * <p>Only the owner recorded in the snapshot may drill it (checked once the store is open): a drill reveals the
 * session count and names of problems, not contents.
 */
final class RestoreDrill {
  private static final Logger LOG = LoggerFactory.getLogger(RestoreDrill.class);
  private static final HexFormat HEX = HexFormat.of();

  /** The drill's outcome, as {@code POST /v1/cas/restore-drill} returns it. */
  record Report(boolean passed, String snapshot, long stateVersion, Instant created, long recoveryPointSeconds,
      int sessions, int sessionsRead, String attestation, List<String> problems, long durationMillis) {}

  /** The requester is not the owner recorded in the snapshot. */
  static final class NotOwner extends Exception {
    NotOwner(String message) {
      super(message, null, false, false);
    }
  }

  private final Path workRoot;
  private final Sealer sealer;
  private final BackupIdentity self;
  private final QuoteVerifier verifier;
  private final CasAttestation attestation;
  private final Clock clock;
  private final ReentrantLock running = new ReentrantLock();

  RestoreDrill(Path workRoot, Sealer sealer, BackupIdentity self, QuoteVerifier verifier, CasAttestation attestation,
      Clock clock) {
    this.workRoot = workRoot;
    this.sealer = sealer;
    this.self = self;
    this.verifier = verifier;
    this.attestation = attestation;
    this.clock = clock;
  }

  /** Whether a drill is running (one at a time). */
  boolean busy() {
    return running.isLocked();
  }

  /**
   * Runs the drill on the snapshot in {@code snapshotDir} (its manifest and database) for {@code requester}.
   *
   * @throws NotOwner if the snapshot's CAS is owned by someone else
   */
  Report run(Path snapshotDir, KeyHash requester) throws NotOwner {
    if (!running.tryLock()) {
      throw new IllegalStateException("a restore drill is running on this CAS; try again when it has finished");
    }
    long start = System.nanoTime();
    Path work = workRoot.resolve("drill-" + HEX.formatHex(randomBytes()));
    List<String> problems = new ArrayList<>();
    Snapshot snap = null;
    int sessions = 0;
    int read = 0;
    String attested = "not run";
    try {
      try {
        snap = Snapshot.read(snapshotDir);
      } catch (StoreException e) {
        problems.add(e.getMessage());
        return report(false, null, problems, 0, 0, attested, start);
      }
      try {
        snap.copyDatabaseInto(work);
      } catch (StoreException e) {
        problems.add(e.getMessage());
        return report(false, snap, problems, 0, 0, attested, start);
      }
      try (SqliteCasStore store = SqliteCasStore.open(work, sealer, self)) {
        store.checkRestoredFrom(snap);
        if (!mayDrill(store, requester)) {
          throw new NotOwner("only the owner of the CAS in this snapshot, or that CAS itself, may drill it");
        }
        SessionService service = new SessionService(store, clock, new SecureRandom());
        List<String> names = store.listSessions("");
        sessions = names.size();
        for (String name : names) {
          try {
            if (service.current(name).isPresent()) {
              read++;
            } else {
              problems.add("session " + name + " is listed but does not read back");
            }
          } catch (RuntimeException e) {
            problems.add("session " + name + " does not read back: " + e.getMessage());
          }
        }
        attested = attest(service, requester, problems);
      } catch (StoreException e) {
        problems.add(e.getMessage());
      }
      return report(problems.isEmpty() && read == sessions, snap, problems, sessions, read, attested, start);
    } finally {
      try {
        SqliteCasStore.deleteTree(work);
      } catch (IOException e) {
        LOG.warn("could not remove the restore drill's scratch directory {}: {}", work, e.getMessage());
      }
      running.unlock();
    }
  }

  /** The snapshot's owner, or the CAS whose snapshot it is (the identity kept in its store). */
  private static boolean mayDrill(SqliteCasStore store, KeyHash requester) {
    var owner = store.provisioningState();
    if (owner.isPresent() && owner.get() instanceof ProvisioningState.Provisioned p && p.ownerKeyHash().equals(requester)) {
      return true;
    }
    var kept = store.getBlob(CasServer.IDENTITY_KEY_BLOB);
    try {
      return kept.isPresent() && CasIdentity.keyHashOfPkcs8(kept.get()).equals(requester);
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** One attestation through the restored store; its outcome in words, problems added when it fails. */
  private String attest(SessionService service, KeyHash requester, List<String> problems) {
    if (attestation == null) {
      problems.add("this CAS was started without a LAS (cas serve --las), so the drill cannot attest through the"
          + " restored store");
      return "not run: no LAS";
    }
    try {
      ClientCertificate channel = ClientCertificate.generate();
      CasAttestation.Quoted q = attestation.quoteBinding(channel.der());
      String name = "clave-restore-drill-" + HEX.formatHex(randomBytes()).substring(0, 12);
      String policy = """
          name: %s
          version: "0.3"
          security:
            attestation:
              tolerate: [debug-mode, hyperthreading, insecure-igpu, software-hardening-needed, aepic-leak, insecure-configuration, outdated-tcb]
              ignore_advisories: "*"
          services:
            - name: check
              mrenclaves: [%s]
              platforms: [%s]
              command: clave-restore-drill
              pwd: /
          """.formatted(name, q.mrEnclave().hex(), q.platformId());
      service.upload(policy, requester);
      Attestation.Result r = new Attestation(verifier, service, clock)
          .attest(name + "/check", q.quote(), channel.der(), ServiceEvaluation.Host.NONE);
      if (r.outcome() != Attestation.Outcome.ALLOWED) {
        problems.add("the drill attestation was refused: " + r.outcome() + ": " + r.message());
        return "refused: " + r.outcome();
      }
      return "allowed (platform " + q.platformId() + ")";
    } catch (CasAttestation.Unavailable e) {
      problems.add("no quote for the drill attestation: " + e.getMessage());
      return "not run: " + e.getMessage();
    } catch (SessionService.SessionException | RuntimeException e) {
      problems.add("the drill session could not be stored in the restored store: " + e.getMessage());
      return "not run";
    }
  }

  private Report report(boolean passed, Snapshot snap, List<String> problems, int sessions, int read, String attested,
      long start) {
    long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
    Report r = new Report(passed, snap == null ? null : snap.dir().getFileName().toString(),
        snap == null ? -1 : snap.stateVersion(), snap == null ? null : snap.created(),
        snap == null ? -1 : Math.max(0, Duration.between(snap.created(), clock.instant()).toSeconds()),
        sessions, read, attested, List.copyOf(problems), ms);
    if (passed) {
      LOG.info("restore drill passed: snapshot {} (state version {}, {} old), {} sessions read back, attestation {},"
          + " {} ms", r.snapshot(), r.stateVersion(), SnapshotRestore.age(Duration.ofSeconds(r.recoveryPointSeconds())),
          read, attested, ms);
    } else {
      LOG.error("restore drill FAILED: {}", String.join("; ", problems));
    }
    return r;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** A fresh self-signed certificate standing for the drill's TLS channel. */
  record ClientCertificate(byte[] der) {
    static ClientCertificate generate() {
      try {
        var id = dev.clave.cas.client.ClientIdentity.generateEd25519();
        return new ClientCertificate(id.certificate().getEncoded());
      } catch (java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static void createWorkRoot(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      Files.createDirectories(root, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }
  }
}
