package dev.clave.las;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.sim.PlatformTcb;
import dev.clave.attestation.sim.SgxEnclaveSpec;
import dev.clave.attestation.sim.SimInit;
import dev.clave.attestation.sim.SimulationRoot;
import dev.clave.attestation.sim.TcbLevels;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Local Attestation Service: one per platform, its quoting service and its identity (SCONE's LAS).
 * Enclaves on the platform ask it for DCAP quotes of their reports; the CAS verifies those quotes and
 * identifies the platform by their attestation key.
 *
 * <h2>Simulation mode</h2>
 *
 * Without SGX the LAS runs the real DCAP protocol on a software root ({@code clave sim init}): on first
 * start it issues its own platform under that root and saves it in its state dir ({@link PlatformState});
 * later starts load it, so the platform ID is the same after every restart. The platform's TCB comes from
 * the configuration ({@link LasConfig#svn()}); when it differs from the saved platform's, the LAS issues a
 * new platform with a new attestation key, so <b>the platform ID changes after a TCB change</b> (policies
 * pinning platforms must be updated). A simulated enclave always has the DEBUG attribute set, whatever the
 * request's {@code debug} says: its memory is not protected (the CAS counts simulation quotes as debug
 * anyway). Hardware mode refuses to start on a machine without {@code /dev/sgx_enclave}.
 *
 * <h2>Identity in the log</h2>
 *
 * At start the LAS logs, on the logger {@code las}, {@code QE has public key <ID>} with the platform ID
 * (SHA-256 of the attestation public key, 64 uppercase hex digits, what verifiers report as the quote's
 * platform ID). With Clave's log pattern ({@code <time> <zone> <level> <logger>: <message>}) the ID is
 * field 8, so {@code grep public | tail -n 1 | awk '{print $8}'} prints it; no later line says "public".
 *
 * <h2>Protocol</h2>
 *
 * Plain HTTP with JSON bodies on {@link LasConfig#host()}:{@link LasConfig#port()} (loopback, port 18766 by
 * default: only local enclaves should reach it).
 *
 * <pre>
 * GET  /v1/platform-id  → 200 {"platformId": "&lt;64 HEX&gt;"}
 * POST /v1/quote        {"mrenclave": "&lt;64 hex&gt;", "mrsigner": "&lt;64 hex&gt;", "isvProdId": 0..65535,
 *                        "isvSvn": 0..65535, "debug": true|false, "reportData": "&lt;128 hex&gt;"}
 *                       → 200 {"quote": "&lt;base64 DCAP v3 SGX quote&gt;", "platformId": "&lt;64 HEX&gt;"}
 * </pre>
 *
 * Request bodies are at most 16 KiB (413 beyond) and read strictly ({@link QuoteRequest}): unknown or
 * duplicate fields, wrong types and bad hex are answered 400 {@code {"error": "<field>: <why>"}}. Unexpected
 * failures are answered 500 {@code {"error": "internal error"}}; no response carries a stack trace.
 */
public final class LasServer implements AutoCloseable {
  /** Largest request body accepted. */
  public static final int MAX_BODY = 16 * 1024;
  /** The device hardware mode needs. */
  public static final Path SGX_DEVICE = Path.of("/dev/sgx_enclave");

  private static final Logger LOG = LoggerFactory.getLogger("las");
  /**
   * Helidon logs through java.util.logging in its own format; its routine INFO lines would interleave with
   * the LAS's (which operators grep). Warnings still show. Kept in a field: JUL holds loggers weakly.
   */
  private static final java.util.logging.Logger HELIDON_LOG = quietHelidon();

  private static java.util.logging.Logger quietHelidon() {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger("io.helidon");
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }
  private static final JsonMapper JSON = new JsonMapper();

  private final PlatformState.Opened opened;
  private final WebServer server;

  private LasServer(PlatformState.Opened opened, LasConfig config) {
    this.opened = opened;
    this.server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .connectionOptions(o -> o.tcpNoDelay(true))
        .routing(this::routes)
        .shutdownHook(false)
        .build();
  }

  /**
   * Opens (or, on first start or after a TCB change, issues) the platform and starts serving.
   *
   * @throws IllegalStateException hardware mode on a machine without SGX
   * @throws IllegalArgumentException simulation mode without a simulation directory
   * @throws IOException the state or simulation directory cannot be read or written
   */
  public static LasServer start(LasConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    if (config.mode() == LasConfig.Mode.HW) {
      refuseHardware(SGX_DEVICE);
    }
    if (config.simDir() == null) {
      throw new IllegalArgumentException("simulation mode needs a simulation directory (clave sim init --dir DIR; then --sim-root DIR)");
    }
    Path rootDir = config.simDir().resolve(SimInit.ROOT_DIR);
    if (!SimulationRoot.exists(rootDir)) {
      throw new NoSuchFileException(rootDir.toString(), null,
          "no simulation root; run `clave sim init --dir " + config.simDir() + "` first");
    }
    SimulationRoot root = SimulationRoot.load(rootDir);
    PlatformTcb tcb = configuredTcb(config);
    PlatformState.Opened opened = PlatformState.openOrIssue(config.stateDir(), root, tcb);
    LasServer las = new LasServer(opened, config);
    las.server.start();
    if (opened.replaced()) {
      LOG.warn("platform TCB changed: issued a new platform, so the platform ID changed");
    } else if (opened.issued()) {
      LOG.info("issued a new simulated platform in {}", config.stateDir());
    }
    // The seed's scripts read the ID from this line (field 8); keep its words and keep "public" out of
    // every later line.
    LOG.info("QE has public key {}", opened.platformId());
    LOG.info("LAS serving on {}:{} (simulation mode, FMSPC {}, PCESVN {}, DEBUG enclaves only)",
        config.host(), las.port(), tcb.fmspc().hexUpper(), tcb.pceSvn());
    return las;
  }

  /** Hardware quoting is not available here: say why and what to do instead. */
  static void refuseHardware(Path device) {
    if (!Files.exists(device)) {
      throw new IllegalStateException("hardware mode needs SGX, but this machine has no " + device
          + "; run the LAS in simulation mode: --mode sim (or SCONE_MODE=sim) with --sim-root DIR");
    }
    throw new IllegalStateException("hardware quoting is not implemented yet; use --mode sim (or SCONE_MODE=sim)");
  }

  /**
   * The TCB configured: {@link LasConfig#svn()}, else the highest level of the simulation's ladder, with the
   * LAS's QE SVN ({@link LasConfig#qeSvn()}) when given, and with the
   * FMSPC of the simulation directory's {@code sim.json} (so its collateral applies) or the default FMSPC.
   */
  static PlatformTcb configuredTcb(LasConfig config) throws IOException {
    PlatformTcb tcb = config.svn() != null ? PlatformTcb.ofSvn(config.svn()) : TcbLevels.platformLadder().highestTcb();
    if (config.qeSvn() != null) {
      tcb = tcb.withQeSvn(config.qeSvn());
    }
    return tcb.withFmspc(simFmspc(config.simDir()));
  }

  private static Bytes simFmspc(Path simDir) throws IOException {
    Path file = simDir.resolve(SimInit.SETTINGS_FILE);
    if (!Files.isRegularFile(file)) {
      return PlatformTcb.DEFAULT_FMSPC;
    }
    if (Files.size(file) > MAX_BODY) {
      throw new IOException(file + ": larger than " + MAX_BODY + " bytes");
    }
    JsonNode fmspc;
    try {
      JsonNode json = JSON.readTree(file.toFile());
      fmspc = json == null ? null : json.get("fmspc");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage());
    }
    if (fmspc == null) {
      return PlatformTcb.DEFAULT_FMSPC;
    }
    String s = fmspc.asText();
    if (!fmspc.isTextual() || !s.matches("[0-9A-Fa-f]{12}")) {
      throw new IOException(file + ": \"fmspc\" must be 12 hex digits");
    }
    return Bytes.fromHex(s);
  }

  private void routes(HttpRouting.Builder r) {
    r.get("/v1/platform-id", (req, res) -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("platformId", opened.platformId());
      send(res, Status.OK_200, body);
    });
    r.post("/v1/quote", this::quote);
    r.error(Exception.class, (req, res, e) -> {
      // The type only: messages of unexpected failures may carry details nobody outside should see.
      LOG.error("request failed: {}", e.getClass().getName());
      send(res, Status.INTERNAL_SERVER_ERROR_500, error("internal error"));
    });
  }

  private void quote(ServerRequest req, ServerResponse res) throws IOException {
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, error("body: larger than " + MAX_BODY + " bytes"));
      return;
    }
    QuoteRequest q;
    try {
      q = QuoteRequest.parse(body);
    } catch (QuoteRequest.BadRequest e) {
      send(res, Status.BAD_REQUEST_400, error(e.getMessage()));
      return;
    }
    // Simulated enclaves are never protected: always DEBUG, whatever the request says.
    SgxEnclaveSpec spec = SgxEnclaveSpec.builder()
        .mrEnclave(q.mrEnclave())
        .mrSigner(q.mrSigner())
        .isvProdId(q.isvProdId())
        .isvSvn(q.isvSvn())
        .reportData(q.reportData())
        .debug(true)
        .build();
    byte[] quote = opened.platform().quoteSgx(spec);
    ObjectNode out = JSON.createObjectNode();
    out.put("quote", Base64.getEncoder().encodeToString(quote));
    out.put("platformId", opened.platformId());
    send(res, Status.OK_200, out);
  }

  private static ObjectNode error(String message) {
    ObjectNode e = JSON.createObjectNode();
    e.put("error", message);
    return e;
  }

  private static void send(ServerResponse res, Status status, ObjectNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body.toString());
  }

  /** The platform ID: SHA-256 of the attestation public key, 64 uppercase hex digits. */
  public String platformId() {
    return opened.platformId();
  }

  /** The port it listens on (the configured one, or the one picked for port 0). */
  public int port() {
    return server.port();
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.stop();
  }
}
