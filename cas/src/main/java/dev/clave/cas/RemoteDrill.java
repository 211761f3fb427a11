package dev.clave.cas;

import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.KeyHashPinning;
import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.SqliteCasStore;
import dev.clave.cas.store.StoreException;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's side of a scheduled restore drill ({@code POST /v1/cas/restore-drills}, issue #7): it sends its
 * newest snapshot to a backup CAS — one of its registered backups, checked by key hash during the handshake, so a
 * report from anyone else is never believed — authenticating as itself (the backup accepts drills from the CAS
 * whose identity the snapshot keeps), and returns the backup's report.
 */
final class RemoteDrill {
  private RemoteDrill() {}

  /** Why no drill was run; the message is safe to return. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The backup's answer: its HTTP status and JSON body; and which snapshot was sent. */
  record Answer(int status, String body, Snapshot snapshot) {}

  static Answer run(Path snapshots, SqliteCasStore store, CasIdentity identity, String backup) throws Refused {
    List<Path> all;
    try {
      all = Snapshot.list(snapshots);
    } catch (IOException e) {
      throw new Refused("cannot list the snapshots in " + snapshots + ": " + e.getMessage());
    }
    if (all.isEmpty()) {
      throw new Refused("there is no snapshot yet in " + snapshots);
    }
    Snapshot newest;
    try {
      newest = Snapshot.read(all.get(0));
    } catch (StoreException e) {
      throw new Refused("the newest snapshot is damaged: " + e.getMessage());
    }
    List<KeyHash> registered = new ArrayList<>();
    for (Snapshot.Registration r : store.backupRegistrations()) {
      try {
        registered.add(KeyHash.parse(r.keyHash()));
      } catch (IllegalArgumentException e) {
        // a record this build cannot name is no backup to trust
      }
    }
    if (registered.isEmpty()) {
      throw new Refused("this CAS has no registered backup (clave cas register-backup) to drill on");
    }
    try {
      byte[] manifest = Files.readAllBytes(newest.dir().resolve(Snapshot.MANIFEST_FILE));
      byte[] head = ByteBuffer.allocate(4 + manifest.length).putInt(manifest.length).put(manifest).array();
      HttpResponse<String> res = CasClient.connect(backup, KeyHashPinning.anyOf(registered), identity.privateKey(),
          identity.certificate()).post("/v1/cas/restore-drill", "application/octet-stream",
          HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
              HttpRequest.BodyPublishers.ofFile(newest.databaseFile())), Duration.ofMinutes(10));
      return new Answer(res.statusCode(), res.body(), newest);
    } catch (IOException e) {
      throw new Refused("cannot reach a registered backup CAS at " + backup + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted");
    } catch (IllegalArgumentException e) {
      throw new Refused(e.getMessage());
    }
  }
}
