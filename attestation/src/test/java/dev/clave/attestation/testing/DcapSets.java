package dev.clave.attestation.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Intel quote sets in {@code ../shared/testdata/dcap/}, with the verdicts their origins assert.
 * Shared by tests of several modules (through the attestation test-jar).
 */
public final class DcapSets {
  public static final List<String> NAMES =
      List.of("phala-sgx-v3-2025-06", "phala-tdx-v4-2025-06", "zkdcap-sgx-v3-2025-01", "zkdcap-tdx-v4-2025-01");

  private DcapSets() {}

  /**
   * The shared directory: the {@code clave.shared.dir} property (set by the build) when it holds the sets,
   * else the nearest {@code shared/} with {@code testdata/dcap} above the working directory (git worktrees
   * nest deeper than a clone).
   */
  public static Path sharedDir() {
    String prop = System.getProperty("clave.shared.dir");
    if (prop != null && Files.isDirectory(Path.of(prop).resolve("testdata/dcap"))) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path candidate = d.resolve("shared");
      if (Files.isDirectory(candidate.resolve("testdata/dcap"))) {
        return candidate.normalize();
      }
    }
    throw new IllegalStateException("no shared/testdata/dcap above " + Path.of("").toAbsolutePath()
        + " and clave.shared.dir=" + prop);
  }

  public static Set set(String name) {
    return new Set(name, sharedDir().resolve("testdata/dcap").resolve(name));
  }

  public static List<Set> all() {
    return NAMES.stream().map(DcapSets::set).toList();
  }

  /** One set: its directory (a collateral bundle), quote, verification time and expected verdict. */
  public record Set(String name, Path dir) {
    public byte[] quote() {
      return read(dir.resolve("quote.bin"));
    }

    public JsonNode expected() {
      try {
        return new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public Instant verificationTime() {
      return Instant.ofEpochSecond(expected().at("/verificationTime/unix").asLong());
    }

    public Instant notBefore() {
      return Instant.ofEpochSecond(expected().at("/collateralValidityWindow/notBeforeUnix").asLong());
    }

    public Instant notAfterExclusive() {
      return Instant.ofEpochSecond(expected().at("/collateralValidityWindow/notAfterExclusiveUnix").asLong());
    }

    public String expectedTcbStatus() {
      return expected().at("/expected/tcbStatus").asText();
    }

    /** The advisory IDs the origin asserts, or null when it asserts none. */
    public List<String> expectedAdvisoryIds() {
      JsonNode ids = expected().at("/expected/advisoryIds");
      if (ids.isMissingNode()) {
        return null;
      }
      List<String> out = new ArrayList<>();
      ids.forEach(n -> out.add(n.asText()));
      return out;
    }

    public byte[] file(String name) {
      return read(dir.resolve(name));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  public static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
