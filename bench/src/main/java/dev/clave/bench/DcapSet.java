package dev.clave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One real quote set of {@code shared/testdata/dcap/} held in memory: the quote, the collateral files' bytes,
 * the instant to verify at (inside the collateral's validity, from {@code expected.json}) and the verdict
 * its origin asserts. Benchmarks read files once here, so that disk I/O is never what they measure.
 */
public final class DcapSet {
  public static final String DEFAULT = "phala-sgx-v3-2025-06";

  private final String name;
  private final Path dir;
  private final byte[] quote;
  private final byte[] pckCrl;
  private final byte[] pckCrlIssuerChain;
  private final byte[] rootCaCrl;
  private final byte[] tcbInfo;
  private final byte[] tcbInfoIssuerChain;
  private final byte[] qeIdentity;
  private final byte[] qeIdentityIssuerChain;
  private final Instant at;
  private final String expectedTcbStatus;
  private final List<String> expectedAdvisoryIds; // null when the origin asserts none

  private DcapSet(Path dir) throws IOException {
    this.dir = dir;
    this.name = dir.getFileName().toString();
    this.quote = Files.readAllBytes(dir.resolve("quote.bin"));
    this.pckCrl = Files.readAllBytes(dir.resolve("pck_crl.der"));
    this.pckCrlIssuerChain = Files.readAllBytes(dir.resolve("pck_crl_issuer_chain.pem"));
    this.rootCaCrl = Files.readAllBytes(dir.resolve("root_ca_crl.der"));
    this.tcbInfo = Files.readAllBytes(dir.resolve("tcb_info.json"));
    this.tcbInfoIssuerChain = Files.readAllBytes(dir.resolve("tcb_info_issuer_chain.pem"));
    this.qeIdentity = Files.readAllBytes(dir.resolve("qe_identity.json"));
    this.qeIdentityIssuerChain = Files.readAllBytes(dir.resolve("qe_identity_issuer_chain.pem"));

    JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    JsonNode unix = expected.at("/verificationTime/unix");
    if (!unix.canConvertToLong()) {
      throw new IOException(dir.resolve("expected.json") + " has no verificationTime.unix");
    }
    this.at = Instant.ofEpochSecond(unix.asLong());
    this.expectedTcbStatus = expected.at("/expected/tcbStatus").asText();
    JsonNode ids = expected.at("/expected/advisoryIds");
    if (ids.isArray()) {
      List<String> out = new ArrayList<>();
      ids.forEach(n -> out.add(n.asText()));
      this.expectedAdvisoryIds = List.copyOf(out);
    } else {
      this.expectedAdvisoryIds = null;
    }
  }

  /**
   * Loads a set by directory, or by name from the first of: system property {@code clave.dcap.dir},
   * environment variable {@code CLAVE_DCAP_DIR}, the nearest {@code shared/testdata/dcap} above the working
   * directory (the repository sits beside {@code shared/}, or inside a worktree below it).
   */
  public static DcapSet load(String nameOrDir) {
    try {
      return new DcapSet(resolve(nameOrDir));
    } catch (IOException e) {
      throw new UncheckedIOException("quote set " + nameOrDir + ": " + e.getMessage(), e);
    }
  }

  static Path resolve(String nameOrDir) throws IOException {
    Path direct = Path.of(nameOrDir);
    if (Files.isRegularFile(direct.resolve("quote.bin"))) {
      return direct.toAbsolutePath().normalize();
    }
    List<Path> roots = new ArrayList<>();
    for (String configured : new String[] {System.getProperty("clave.dcap.dir"), System.getenv("CLAVE_DCAP_DIR")}) {
      if (configured != null && !configured.isBlank()) {
        roots.add(Path.of(configured));
      }
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      roots.add(d.resolve("shared/testdata/dcap"));
    }
    for (Path root : roots) {
      Path dir = root.resolve(nameOrDir);
      if (Files.isRegularFile(dir.resolve("quote.bin"))) {
        return dir.toAbsolutePath().normalize();
      }
    }
    throw new IOException("not found (pass the set directory, or set CLAVE_DCAP_DIR to shared/testdata/dcap)");
  }

  public String name() {
    return name;
  }

  public Path dir() {
    return dir;
  }

  /** The verification instant: inside the collateral window, never the wall clock (the sets have expired). */
  public Instant at() {
    return at;
  }

  /** A fresh copy of the quote bytes. */
  public byte[] quote() {
    return quote.clone();
  }

  /**
   * A new {@link Collateral} built from copies of the file bytes, as a collateral source would build it
   * after a download: nothing about it (instance, arrays, digest) has been seen before.
   */
  public Collateral freshCollateral() {
    return new Collateral(
        Bytes.of(pckCrl),
        new String(pckCrlIssuerChain, StandardCharsets.US_ASCII),
        Bytes.of(rootCaCrl),
        Bytes.of(tcbInfo),
        new String(tcbInfoIssuerChain, StandardCharsets.US_ASCII),
        Bytes.of(qeIdentity),
        new String(qeIdentityIssuerChain, StandardCharsets.US_ASCII));
  }

  /** A new verifier (empty caches) whose collateral source always answers {@code collateral}. */
  public static QuoteVerifier verifier(Collateral collateral) {
    return QuoteVerifier.builder().collateralSource(request -> collateral).build();
  }

  /**
   * Throws unless {@code v} is the verdict the set's origin asserts: a benchmark of a verifier that refuses
   * (quickly) would report a meaningless number.
   */
  public Verdict check(Verdict v) {
    if (!v.verified()) {
      throw new IllegalStateException(name + ": refused, " + v.reason() + ": " + v.message());
    }
    if (!v.tcbStatus().jsonName().equals(expectedTcbStatus)) {
      throw new IllegalStateException(name + ": TCB status " + v.tcbStatus().jsonName() + ", expected " + expectedTcbStatus);
    }
    if (expectedAdvisoryIds != null && !v.advisoryIds().equals(expectedAdvisoryIds)) {
      throw new IllegalStateException(name + ": advisories " + v.advisoryIds() + ", expected " + expectedAdvisoryIds);
    }
    return v;
  }

  @Override
  public String toString() {
    return name;
  }
}
