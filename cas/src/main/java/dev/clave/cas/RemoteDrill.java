package dev.clave.cas;

import dev.clave.cas.client.CasClient;
import dev.clave.cas.client.KeyHashPinning;
import dev.clave.cas.store.Snapshot;
import dev.clave.cas.store.SqliteCasStore;
import dev.clave.cas.store.StoreException;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

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
      HttpClient http = HttpClient.newBuilder().sslContext(tls(identity, registered)).sslParameters(tls13())
          .connectTimeout(Duration.ofSeconds(15)).version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> res = http.send(HttpRequest.newBuilder(CasClient.connectUri(backup, "/v1/cas/restore-drill"))
          .timeout(Duration.ofMinutes(10)).header("Content-Type", "application/octet-stream")
          .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
              HttpRequest.BodyPublishers.ofFile(newest.databaseFile())))
          .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
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

  private static SSLParameters tls13() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    return p;
  }

  private static SSLContext tls(CasIdentity identity, List<KeyHash> registered) {
    try {
      char[] none = new char[0];
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("cas", identity.privateKey(), none, new Certificate[] {identity.certificate()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {KeyHashPinning.anyOf(registered)}, null);
      return ctx;
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS with the CAS identity: " + e.getMessage(), e);
    }
  }
}
