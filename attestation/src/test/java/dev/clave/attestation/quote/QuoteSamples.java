package dev.clave.attestation.quote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The four real Intel quotes in {@code shared/testdata/dcap/<set>/quote.bin}, by set name, for any test
 * that needs genuine quote bytes. Other modules reach it through the attestation test-jar.
 */
public final class QuoteSamples {
  public static final String PHALA_SGX_V3 = "phala-sgx-v3-2025-06";
  public static final String PHALA_TDX_V4 = "phala-tdx-v4-2025-06";
  public static final String ZKDCAP_SGX_V3 = "zkdcap-sgx-v3-2025-01";
  public static final String ZKDCAP_TDX_V4 = "zkdcap-tdx-v4-2025-01";
  public static final List<String> NAMES = List.of(PHALA_SGX_V3, PHALA_TDX_V4, ZKDCAP_SGX_V3, ZKDCAP_TDX_V4);

  private static final Path DCAP = Path.of("testdata", "dcap");

  private QuoteSamples() {}

  /**
   * The shared directory: the {@code clave.shared.dir} property when it holds the test data (the build sets
   * it), else the nearest {@code shared/} beside the working directory or one of its ancestors. The search
   * covers {@code ../../shared} from a module of the main checkout as well as a git worktree nested deeper.
   */
  public static Path sharedDir() {
    String prop = System.getProperty("clave.shared.dir");
    if (prop != null && Files.isDirectory(Path.of(prop).resolve(DCAP))) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("shared").resolve(DCAP))) {
        return dir.resolve("shared");
      }
    }
    throw new IllegalStateException(
        "no shared/testdata/dcap found (clave.shared.dir=" + prop + ", working directory "
            + Path.of("").toAbsolutePath() + "); set -Dclave.shared.dir");
  }

  /** The set's directory, holding quote.bin, expected.json and its collateral. */
  public static Path setDir(String set) {
    if (!NAMES.contains(set)) {
      throw new IllegalArgumentException("unknown quote set " + set + "; known: " + NAMES);
    }
    return sharedDir().resolve(DCAP).resolve(set);
  }

  /** The set's quote bytes, padding included; a fresh array the caller may change. */
  public static byte[] quote(String set) {
    return read(setDir(set).resolve("quote.bin"));
  }

  /** The set's quote, parsed. */
  public static Quote parsed(String set) {
    try {
      return Quote.parse(quote(set));
    } catch (QuoteFormatException e) {
      throw new IllegalStateException("real quote " + set + " does not parse: " + e.getMessage(), e);
    }
  }

  /** A file of the set, e.g. {@code expected.json}. */
  public static byte[] file(String set, String name) {
    return read(setDir(set).resolve(name));
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
