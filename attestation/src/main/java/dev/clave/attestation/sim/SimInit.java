package dev.clave.attestation.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.TeeType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * A simulation directory, as {@code clave sim init} makes it and {@code clave sim quote} uses it:
 *
 * <pre>
 * DIR/root/          the simulated root ({@link SimulationRoot#save}): root_ca.pem (trust this), keys 0600
 * DIR/collateral/    a collateral bundle for the platform (verify quotes with --collateral DIR/collateral)
 * DIR/platform/      the default platform ({@link SimPlatform#save})
 * DIR/tcb_levels.json the TCB levels the collateral lists ({@link TcbLevels} file format)
 * DIR/sim.json       settings: {"tee": "sgx"|"tdx", "fmspc": "…"}
 * </pre>
 *
 * Running init again on the same directory reuses its root and its platform's attestation key (so the
 * platform ID stays), re-issues the platform's PCK certificate for the requested FMSPC and levels, and
 * rewrites the collateral with fresh dates.
 */
public final class SimInit {
  public static final String ROOT_DIR = "root";
  public static final String COLLATERAL_DIR = "collateral";
  public static final String PLATFORM_DIR = "platform";
  public static final String TCB_LEVELS_FILE = "tcb_levels.json";
  public static final String SETTINGS_FILE = "sim.json";

  private static final JsonMapper JSON = new JsonMapper();

  private SimInit() {}

  /**
   * What {@code sim init} does.
   *
   * @param fmspc null: {@link PlatformTcb#DEFAULT_FMSPC}
   * @param tcbLevels null: {@link TcbLevels#platformLadder()}
   * @param tee the TEE the collateral is for (SGX or TDX)
   * @param now null: the current time
   */
  public record Options(Bytes fmspc, TcbLevels tcbLevels, TeeType tee, Instant now) {
    public Options {
      Objects.requireNonNull(tee, "tee");
      if (fmspc != null) {
        SimValues.exact(fmspc, 6, "FMSPC");
      }
    }

    public static Options defaults() {
      return new Options(null, null, TeeType.SGX, null);
    }

    public Options withFmspc(Bytes v) {
      return new Options(v, tcbLevels, tee, now);
    }

    public Options withTcbLevels(TcbLevels v) {
      return new Options(fmspc, v, tee, now);
    }

    public Options withTee(TeeType v) {
      return new Options(fmspc, tcbLevels, v, now);
    }

    public Options withNow(Instant v) {
      return new Options(fmspc, tcbLevels, tee, v);
    }
  }

  /**
   * What init did, for the CLI to print.
   *
   * @param rootCreated false when an existing root in the directory was reused
   * @param rootCertificate the PEM root certificate to trust ({@code --trust-root})
   * @param rootFingerprint SHA-256 of the root certificate (DER), hex
   * @param rootSpkiSha256 SHA-256 of its public key (SubjectPublicKeyInfo), hex: what verifiers pin
   * @param platformId the default platform's ID, as verdicts report it
   * @param collateralNextUpdate when the collateral stops being fresh (run init again after)
   */
  public record Summary(
      Path dir,
      boolean rootCreated,
      Path rootCertificate,
      Path rootCertificateDer,
      String rootFingerprint,
      String rootSpkiSha256,
      Path collateralDir,
      Path platformDir,
      TeeType tee,
      Bytes fmspc,
      Bytes platformId,
      Instant collateralNextUpdate) {}

  /** Creates or refreshes the simulation directory {@code dir}; see the class comment. */
  public static Summary run(Path dir, Options options) throws IOException {
    Objects.requireNonNull(options, "options");
    Instant now = options.now() != null ? options.now() : Instant.now();
    Bytes fmspc = options.fmspc() != null ? options.fmspc() : PlatformTcb.DEFAULT_FMSPC;
    TcbLevels levels = options.tcbLevels() != null ? options.tcbLevels() : TcbLevels.platformLadder();
    Files.createDirectories(dir);

    Path rootDir = dir.resolve(ROOT_DIR);
    boolean rootCreated = !SimulationRoot.exists(rootDir);
    SimulationRoot root;
    if (rootCreated) {
      root = SimulationRoot.create(now);
      root.save(rootDir);
    } else {
      root = SimulationRoot.load(rootDir);
    }

    PlatformTcb tcb = levels.highestTcb().withFmspc(fmspc);
    Path platformDir = dir.resolve(PLATFORM_DIR);
    SimPlatform platform =
        SimPlatform.exists(platformDir)
            ? root.reissuePlatform(SimPlatform.load(platformDir, root), tcb, now)
            : root.issuePlatform(tcb, now);
    platform.save(platformDir);

    CollateralOptions collateralOptions =
        CollateralOptions.builder().fmspc(fmspc).teeType(options.tee()).tcbLevels(levels).issueDate(now).build();
    Path collateralDir = dir.resolve(COLLATERAL_DIR);
    root.collateral(collateralOptions).writeBundle(collateralDir);

    SimFiles.writePublic(dir.resolve(TCB_LEVELS_FILE), levels.toJson());
    ObjectNode settings = JSON.createObjectNode();
    settings.put("tee", options.tee().pcsName());
    settings.put("fmspc", fmspc.hexUpper());
    SimFiles.writePublic(dir.resolve(SETTINGS_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(settings) + "\n");

    return new Summary(dir, rootCreated, rootDir.resolve(SimulationRoot.ROOT_CERT),
        rootDir.resolve(SimulationRoot.ROOT_CERT_DER), root.rootFingerprint(), root.rootSpkiSha256(), collateralDir,
        platformDir, options.tee(), fmspc, platform.platformId(), collateralOptions.nextUpdate());
  }

  /**
   * What {@code sim quote} does.
   *
   * @param svn null: the saved platform's TCB; else {@link PlatformTcb#ofSvn} (its PCK certificate is
   *     re-issued for that TCB, the platform ID stays)
   * @param qeSvn null: the saved platform's QE SVN
   * @param reportData up to 64 bytes, zero-padded; null: zeros
   * @param debug a debug enclave / TD
   * @param tee null: the TEE the directory was initialized for
   * @param now null: the current time (for a re-issued PCK certificate)
   */
  public record QuoteOptions(Integer svn, Integer qeSvn, Bytes reportData, boolean debug, TeeType tee, Instant now) {
    public QuoteOptions {
      if (svn != null) {
        SimValues.range(svn, 0, 0xff, "SVN");
      }
      if (qeSvn != null) {
        SimValues.range(qeSvn, 0, 0xffff, "QE SVN");
      }
      if (reportData != null) {
        SimValues.padded(reportData, 64, "report data");
      }
    }

    public static QuoteOptions defaults() {
      return new QuoteOptions(null, null, null, false, null, null);
    }

    public QuoteOptions withSvn(Integer v) {
      return new QuoteOptions(v, qeSvn, reportData, debug, tee, now);
    }

    public QuoteOptions withQeSvn(Integer v) {
      return new QuoteOptions(svn, v, reportData, debug, tee, now);
    }

    public QuoteOptions withReportData(Bytes v) {
      return new QuoteOptions(svn, qeSvn, v, debug, tee, now);
    }

    public QuoteOptions withDebug(boolean v) {
      return new QuoteOptions(svn, qeSvn, reportData, v, tee, now);
    }

    public QuoteOptions withTee(TeeType v) {
      return new QuoteOptions(svn, qeSvn, reportData, debug, v, now);
    }

    public QuoteOptions withNow(Instant v) {
      return new QuoteOptions(svn, qeSvn, reportData, debug, tee, v);
    }
  }

  /**
   * A quote made by {@link #quote}.
   *
   * @param quote the quote bytes (v3 SGX or v4 TDX)
   * @param tcb the TCB of the platform that made it
   */
  public record SimQuote(byte[] quote, TeeType tee, Bytes platformId, PlatformTcb tcb) {
    public SimQuote {
      quote = quote.clone();
    }

    @Override
    public byte[] quote() {
      return quote.clone();
    }
  }

  /** A quote from the directory's platform, with the given TCB changes and enclave/TD options. */
  public static SimQuote quote(Path dir, QuoteOptions options) throws IOException {
    Objects.requireNonNull(options, "options");
    Instant now = options.now() != null ? options.now() : Instant.now();
    Path rootDir = dir.resolve(ROOT_DIR);
    if (!SimulationRoot.exists(rootDir)) {
      throw new NoSuchFileException(
          rootDir.toString(), null, "no simulation root; run `clave sim init --dir " + dir + "` first");
    }
    SimulationRoot root = SimulationRoot.load(rootDir);
    SimPlatform platform = SimPlatform.load(dir.resolve(PLATFORM_DIR), root);

    PlatformTcb saved = platform.tcb();
    PlatformTcb tcb = saved;
    if (options.svn() != null) {
      tcb = PlatformTcb.ofSvn(options.svn())
          .withFmspc(saved.fmspc())
          .withQeSvn(saved.qeSvn())
          .withTdxModule(saved.tdxModule());
    }
    if (options.qeSvn() != null) {
      tcb = tcb.withQeSvn(options.qeSvn());
    }
    if (!tcb.equals(saved)) {
      platform = root.reissuePlatform(platform, tcb, now);
    }

    TeeType tee = options.tee() != null ? options.tee() : settingsTee(dir);
    Bytes reportData = options.reportData() != null ? options.reportData() : Bytes.EMPTY;
    byte[] quote =
        tee == TeeType.TDX
            ? platform.quoteTdx(TdSpec.builder().reportData(reportData).debug(options.debug()).build())
            : platform.quoteSgx(SgxEnclaveSpec.builder().reportData(reportData).debug(options.debug()).build());
    return new SimQuote(quote, tee, platform.platformId(), platform.tcb());
  }

  /** The TEE the directory was initialized for; SGX when {@code sim.json} is absent. */
  static TeeType settingsTee(Path dir) throws IOException {
    Path file = dir.resolve(SETTINGS_FILE);
    if (!Files.exists(file)) {
      return TeeType.SGX;
    }
    JsonNode json;
    try {
      json = JSON.readTree(SimFiles.readText(file));
    } catch (JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
    JsonNode tee = json == null ? null : json.get("tee");
    if (tee == null || !tee.isTextual()) {
      throw new IOException(file + ": missing \"tee\" (\"sgx\" or \"tdx\")");
    }
    return switch (tee.textValue().toLowerCase(Locale.ROOT)) {
      case "sgx" -> TeeType.SGX;
      case "tdx" -> TeeType.TDX;
      default -> throw new IOException(file + ": \"tee\" must be \"sgx\" or \"tdx\", got \"" + tee.textValue() + "\"");
    };
  }
}
