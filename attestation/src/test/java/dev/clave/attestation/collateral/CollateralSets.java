package dev.clave.attestation.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** The real collateral sets in {@code shared/testdata/dcap/}, read as plain files for the collateral tests. */
final class CollateralSets {
  static final String PHALA_SGX = "phala-sgx-v3-2025-06";
  static final String PHALA_TDX = "phala-tdx-v4-2025-06";
  static final String ZKDCAP_SGX = "zkdcap-sgx-v3-2025-01";
  static final String ZKDCAP_TDX = "zkdcap-tdx-v4-2025-01";
  static final List<String> NAMES = List.of(PHALA_SGX, PHALA_TDX, ZKDCAP_SGX, ZKDCAP_TDX);

  private static final ObjectMapper JSON = new ObjectMapper();

  private CollateralSets() {}

  /**
   * The shared directory: the {@code clave.shared.dir} property when it holds the sets, else
   * {@code ../../shared} from the module, else the nearest ancestor's {@code shared} (a git worktree sits
   * deeper than the main checkout the property is computed for).
   */
  static Path sharedDir() {
    String prop = System.getProperty("clave.shared.dir");
    if (prop != null && hasSets(Path.of(prop))) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path relative = Path.of("..", "..", "shared");
    if (hasSets(relative)) {
      return relative.toAbsolutePath().normalize();
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (hasSets(p.resolve("shared"))) {
        return p.resolve("shared").normalize();
      }
    }
    throw new IllegalStateException("no shared/testdata/dcap found; set -Dclave.shared.dir");
  }

  private static boolean hasSets(Path shared) {
    return Files.isDirectory(shared.resolve("testdata/dcap").resolve(PHALA_SGX));
  }

  static Path dir(String set) {
    return sharedDir().resolve("testdata/dcap").resolve(set);
  }

  static byte[] file(String set, String name) {
    return read(dir(set).resolve(name));
  }

  static String text(String set, String name) {
    return new String(file(set, name), java.nio.charset.StandardCharsets.US_ASCII);
  }

  static JsonNode json(String set, String name) {
    try {
      return JSON.readTree(file(set, name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode expected(String set) {
    return json(set, "expected.json");
  }

  static Instant verificationTime(String set) {
    return Instant.ofEpochSecond(expected(set).at("/verificationTime/unix").asLong());
  }

  static Instant notBefore(String set) {
    return Instant.ofEpochSecond(expected(set).at("/collateralValidityWindow/notBeforeUnix").asLong());
  }

  static Instant notAfterExclusive(String set) {
    return Instant.ofEpochSecond(expected(set).at("/collateralValidityWindow/notAfterExclusiveUnix").asLong());
  }

  static boolean isTdx(String set) {
    return set.contains("tdx");
  }

  static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
