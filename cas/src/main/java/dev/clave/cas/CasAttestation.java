package dev.clave.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The CAS's own attestation: a DCAP quote from the platform's LAS whose report data is SHA-512 of the CAS
 * key's SubjectPublicKeyInfo, so whoever pins the CAS by key hash can check that this key lives in the
 * measured code on a trusted platform ({@code clave cas attest}, {@code clave cas provision … with-attestation}).
 *
 * <p>Simulated measurement (no SGX here): MRENCLAVE is SHA-256 of the CAS's code, the jar holding this class
 * (or, run from a class directory, SHA-256 over its files' relative paths and contents in sorted order);
 * MRSIGNER, ISVPRODID and ISVSVN are the values of {@link CasEnclave}. The quote is fetched once and kept:
 * the key it binds never changes.
 */
final class CasAttestation {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_RESPONSE = 64 * 1024;
  private static final HexFormat HEX = HexFormat.of();

  private final String las;
  private final byte[] publicKeyInfo;
  private final Bytes mrEnclave;
  private final int securityVersion;
  private volatile Quoted quoted;

  /** The quote and what it claims. */
  record Quoted(byte[] quote, Bytes mrEnclave, String platformId) {}

  /** Why the CAS cannot show a quote right now; the message names the LAS and is safe to return. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  CasAttestation(String las, byte[] publicKeyInfo) throws IOException {
    this(las, publicKeyInfo, CasEnclave.SECURITY_VERSION);
  }

  /** {@code securityVersion} other than {@link CasEnclave#SECURITY_VERSION} only for tests (see CasServer). */
  CasAttestation(String las, byte[] publicKeyInfo, int securityVersion) throws IOException {
    this.securityVersion = securityVersion;
    // A bare host (the operator passes the node's IP as SCONE_LAS_ADDR) means the LAS's default port.
    this.las = las.contains(":") ? las : las + ":18766";
    this.publicKeyInfo = publicKeyInfo.clone();
    this.mrEnclave = measureCode();
  }

  Bytes mrEnclave() {
    return mrEnclave;
  }

  int securityVersion() {
    return securityVersion;
  }

  String las() {
    return las;
  }

  /** The CAS's quote, asking the LAS the first time (and again after a failure). */
  Quoted quote() throws Unavailable {
    Quoted q = quoted;
    if (q == null) {
      synchronized (this) {
        q = quoted;
        if (q == null) {
          q = requestQuote();
          quoted = q;
        }
      }
    }
    return q;
  }

  /**
   * {@code GET /v1/cas/attestation}'s answer: {@code {"quote": "<base64>", "mrenclave", "mrsigner", "isvProdId",
   * "isvSvn", "reportData"}}.
   */
  String attestationJson() throws Unavailable {
    Quoted q = quote();
    return JSON.createObjectNode()
        .put("quote", Base64.getEncoder().encodeToString(q.quote()))
        .put("mrenclave", q.mrEnclave().hex())
        .put("mrsigner", CasEnclave.MR_SIGNER.hex())
        .put("isvProdId", CasEnclave.PRODUCT_ID)
        .put("isvSvn", securityVersion)
        .put("reportData", "SHA-512(SubjectPublicKeyInfo of the CAS key)")
        .toString();
  }

  /** A fresh quote of this CAS's code whose report data is SHA-512 of {@code data} (a restore drill's channel). */
  Quoted quoteBinding(byte[] data) throws Unavailable {
    return requestQuote(data);
  }

  private Quoted requestQuote() throws Unavailable {
    return requestQuote(publicKeyInfo);
  }

  private Quoted requestQuote(byte[] bound) throws Unavailable {
    byte[] reportData;
    try {
      reportData = MessageDigest.getInstance("SHA-512").digest(bound);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-512 is required of every JDK", e);
    }
    String body = JSON.createObjectNode()
        .put("mrenclave", mrEnclave.hex())
        .put("mrsigner", CasEnclave.MR_SIGNER.hex())
        .put("isvProdId", CasEnclave.PRODUCT_ID)
        .put("isvSvn", securityVersion)
        .put("debug", true)
        .put("reportData", HEX.formatHex(reportData))
        .toString();
    URI uri = URI.create("http://" + las + "/v1/quote");
    HttpResponse<InputStream> res;
    try {
      res = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new Unavailable("cannot reach the LAS at " + las + ": " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while asking the LAS at " + las + " for a quote");
    } catch (IllegalArgumentException e) {
      throw new Unavailable("the LAS address " + las + " is not host:port");
    }
    JsonNode n;
    try (InputStream in = res.body()) {
      byte[] b = in.readNBytes(MAX_RESPONSE + 1);
      if (b.length > MAX_RESPONSE) {
        throw new Unavailable("the LAS at " + las + " answered with more than " + MAX_RESPONSE + " bytes");
      }
      n = JSON.readTree(b);
    } catch (IOException e) {
      throw new Unavailable("the LAS at " + las + " answered with something that is not JSON");
    }
    if (res.statusCode() != 200 || n == null || !n.path("quote").isTextual()) {
      throw new Unavailable("the LAS at " + las + " refused to quote the CAS (HTTP " + res.statusCode() + "): "
          + (n != null ? n.path("error").asText("no reason given") : "no reason given"));
    }
    try {
      return new Quoted(Base64.getDecoder().decode(n.get("quote").asText()), mrEnclave,
          n.path("platformId").asText("unknown"));
    } catch (IllegalArgumentException e) {
      throw new Unavailable("the LAS at " + las + " sent a quote that is not base64");
    }
  }

  /** SHA-256 of the code this class was loaded from (see the class comment for the rule). */
  static Bytes measureCode() throws IOException {
    Path source;
    try {
      source = Path.of(CasAttestation.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException | NullPointerException | IllegalArgumentException e) {
      throw new IOException("cannot locate the CAS's code to measure it");
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
    if (Files.isRegularFile(source)) {
      try (InputStream in = Files.newInputStream(source)) {
        byte[] buf = new byte[1 << 16];
        for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
          sha.update(buf, 0, r);
        }
      }
      return Bytes.wrap(sha.digest());
    }
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(source)) {
      walk.filter(Files::isRegularFile).forEach(files::add);
    }
    files.sort(null);
    for (Path f : files) {
      byte[] name = source.relativize(f).toString().getBytes(StandardCharsets.UTF_8);
      byte[] content = Files.readAllBytes(f);
      sha.update(java.nio.ByteBuffer.allocate(8).putInt(name.length).putInt(content.length).array());
      sha.update(name);
      sha.update(content);
    }
    return Bytes.wrap(sha.digest());
  }
}
