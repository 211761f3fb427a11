package dev.clave.cas.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The primary's side of {@code clave cas register-backup} (reference §2.6): attests the backup CAS over its
 * client API and, if it is admissible, records the store's key material wrapped for it.
 *
 * <p>Admission: the backup's quote verifies with the primary's verifier and binds the key its TLS connection
 * presented; it has the primary's MRSIGNER and ISVPRODID, an ISVSVN at least the primary's, and a TCB at least as
 * good ({@link CasQuoteCheck#tcbRank}); a TCB other than UpToDate also needs the owner's {@code -C/-G/-S}; a
 * debug-mode backup only for a debug-mode primary. The primary's own values come from its own quote, checked the
 * same way, so a primary without a LAS cannot register backups.
 */
public final class BackupRegistrar {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RESPONSE = 256 * 1024;

  /** The primary's own quote (through its LAS). */
  @FunctionalInterface
  public interface OwnQuote {
    byte[] quote() throws CasQuoteCheck.Refused;
  }

  /** Records the wrapped key material for an admitted backup. */
  @FunctionalInterface
  public interface Recorder {
    void record(byte[] backupSpki, String keyHash, String platformId);
  }

  /** An admitted, recorded backup. */
  public record Registered(String keyHash, String platformId, String tcb, int isvSvn) {}

  private final QuoteVerifier verifier;
  private final OwnQuote ownQuote;
  private final byte[] ownSpki;
  private final Recorder recorder;
  private final Clock clock;

  public BackupRegistrar(QuoteVerifier verifier, OwnQuote ownQuote, byte[] ownSpki, Recorder recorder, Clock clock) {
    this.verifier = verifier;
    this.ownQuote = ownQuote;
    this.ownSpki = ownSpki.clone();
    this.recorder = recorder;
    this.clock = clock;
  }

  /** Attests the CAS at {@code address} (host[:port], 8081 by default) and registers it if admissible. */
  public Registered register(String address, CasQuoteCheck.Tolerance tolerance) throws CasQuoteCheck.Refused {
    CasQuoteCheck.Attested own;
    try {
      own = CasQuoteCheck.verify(verifier, ownQuote.quote(), ownSpki, clock.instant());
    } catch (CasQuoteCheck.Refused e) {
      throw new CasQuoteCheck.Refused("this CAS cannot attest itself, so it has nothing to compare a backup with: "
          + e.getMessage());
    }
    Fetched f = fetch(address);
    CasQuoteCheck.Attested b;
    try {
      b = CasQuoteCheck.verify(verifier, f.quote, f.spki, clock.instant());
    } catch (CasQuoteCheck.Refused e) {
      throw new CasQuoteCheck.Refused("the backup CAS " + address + ": " + e.getMessage());
    }
    String keyHash = KeyHash.of(f.spki).toString();
    if (java.security.MessageDigest.isEqual(f.spki, ownSpki)) {
      throw new CasQuoteCheck.Refused("the backup CAS " + address + " is this CAS (same key)");
    }
    try {
      CasQuoteCheck.checkSigner(b.report(), own.report().mrSigner(), own.report().isvProdId(), own.report().isvSvn());
    } catch (CasQuoteCheck.Refused e) {
      throw new CasQuoteCheck.Refused("the backup CAS " + address + " is not admissible: " + e.getMessage()
          + " (a backup needs this CAS's signer and product and at least its security version "
          + own.report().isvSvn() + ")");
    }
    if (CasQuoteCheck.tcbRank(b.tcb()) > CasQuoteCheck.tcbRank(own.tcb())) {
      throw new CasQuoteCheck.Refused("the backup CAS " + address + " is not admissible: its platform TCB "
          + b.tcb().jsonName() + " is worse than this CAS's " + own.tcb().jsonName());
    }
    try {
      CasQuoteCheck.checkTcb(b.tcb(), tolerance);
    } catch (CasQuoteCheck.Refused e) {
      throw new CasQuoteCheck.Refused("the backup CAS " + address + ": " + e.getMessage());
    }
    if (b.report().debug() && !own.report().debug()) {
      throw new CasQuoteCheck.Refused("the backup CAS " + address + " runs in debug mode and this CAS does not");
    }
    String platformId = b.platformId().hexUpper();
    recorder.record(f.spki, keyHash, platformId);
    return new Registered(keyHash, platformId, b.tcb().jsonName(), b.report().isvSvn());
  }

  private record Fetched(byte[] quote, byte[] spki) {}

  /**
   * The backup's quote and the key its TLS connection presented. Any certificate is accepted here: the backup is
   * not known by key hash yet, and what authenticates it is its quote binding that key.
   */
  private static Fetched fetch(String address) throws CasQuoteCheck.Refused {
    URI uri;
    try {
      String hostPort = address.contains(":") ? address : address + ":8081";
      uri = URI.create("https://" + hostPort + "/v1/cas/attestation");
      if (uri.getHost() == null) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new CasQuoteCheck.Refused("the backup address " + address + " is not host[:port]");
    }
    HttpResponse<byte[]> res;
    try {
      SSLContext tls = SSLContext.getInstance("TLSv1.3");
      tls.init(null, new javax.net.ssl.TrustManager[] {new AnyServer()}, new SecureRandom());
      HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
      res = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new CasQuoteCheck.Refused("cannot reach the backup CAS at " + address + ": " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CasQuoteCheck.Refused("interrupted while attesting the backup CAS at " + address);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("TLS 1.3 is required of every JDK", e);
    }
    byte[] body = res.body();
    JsonNode n = null;
    if (body.length <= MAX_RESPONSE) {
      try {
        n = JSON.readTree(body);
      } catch (IOException e) {
        n = null;
      }
    }
    if (res.statusCode() != 200 || n == null || !n.path("quote").isTextual()) {
      throw new CasQuoteCheck.Refused("the backup CAS at " + address + " has no quote to show (HTTP "
          + res.statusCode() + "): " + (n != null ? n.path("error").asText("no reason given") : "no reason given")
          + "; start it with --las");
    }
    byte[] quote;
    try {
      quote = Base64.getDecoder().decode(n.get("quote").asText());
    } catch (IllegalArgumentException e) {
      throw new CasQuoteCheck.Refused("the backup CAS's quote is not base64");
    }
    try {
      Certificate[] chain = res.sslSession().orElseThrow().getPeerCertificates();
      return new Fetched(quote, chain[0].getPublicKey().getEncoded());
    } catch (javax.net.ssl.SSLPeerUnverifiedException | java.util.NoSuchElementException e) {
      throw new CasQuoteCheck.Refused("the connection to the backup CAS has no server certificate");
    }
  }

  /** Accepts any server: the quote, not a CA, authenticates the backup's key (see {@link #fetch}). */
  private static final class AnyServer extends X509ExtendedTrustManager {
    @Override public void checkClientTrusted(X509Certificate[] c, String a) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client side only");
    }
    @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
    @Override public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
    @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client side only");
    }
    @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
    @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client side only");
    }
    @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
  }
}
