package dev.clave.las;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.clave.attestation.collateral.CollateralBundle;
import dev.clave.attestation.sim.SimInit;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.ReasonCode;
import dev.clave.attestation.verify.TrustedRoot;
import dev.clave.attestation.verify.Verdict;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class LasServerTest {
  @TempDir static Path simDir;
  @TempDir Path state;

  private static final JsonMapper JSON = new JsonMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String A = "aa".repeat(32);
  private static final String B = "BB".repeat(32);
  private static final String RD = "01".repeat(64);

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> capture;

  @BeforeAll
  static void simulation() throws Exception {
    SimInit.run(simDir, SimInit.Options.defaults());
  }

  @BeforeEach
  void captureTheLogWithTheShippedPattern() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    @SuppressWarnings("unchecked")
    Appender<ILoggingEvent> console = root.getAppender("OUT");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(((PatternLayoutEncoder) ((OutputStreamAppender<ILoggingEvent>) console).getEncoder()).getPattern());
    encoder.start();
    capture = new OutputStreamAppender<>();
    capture.setContext(ctx);
    capture.setEncoder(encoder);
    capture.setOutputStream(log);
    capture.start();
    root.addAppender(capture);
  }

  @AfterEach
  void stopCapturing() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(capture);
  }

  private LasConfig config() {
    return LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withStateDir(state).withSimDir(simDir).withPort(0);
  }

  private String pipeline(String command) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    p.getOutputStream().write(log.toByteArray());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  private static HttpResponse<String> get(LasServer las, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + las.port() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(LasServer las, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + las.port() + "/v1/quote"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String request(String mrenclave, String reportData) {
    return "{\"mrenclave\":\"" + mrenclave + "\",\"mrsigner\":\"" + B + "\",\"isvProdId\":7,\"isvSvn\":3,"
        + "\"debug\":false,\"reportData\":\"" + reportData + "\"}";
  }

  @Test
  void thePlatformIdSurvivesRestartsAndChangesWithTheTcb() throws Exception {
    String first;
    try (LasServer las = LasServer.start(config())) {
      first = las.platformId();
      assertThat(first).matches("[0-9A-F]{64}");
      JsonNode body = JSON.readTree(get(las, "/v1/platform-id").body());
      assertThat(body.get("platformId").textValue()).isEqualTo(first);
    }
    try (LasServer las = LasServer.start(config())) {
      assertThat(las.platformId()).isEqualTo(first);
    }
    assertThat(PlatformState.savedPlatformId(state)).contains(first);
    assertThat(Files.getPosixFilePermissions(state)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(state.resolve("platform/attestation_key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(state.resolve("platform-id")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    String changed;
    try (LasServer las = LasServer.start(config().withSvn(3))) {
      changed = las.platformId();
    }
    assertThat(changed).isNotEqualTo(first);
    assertThat(PlatformState.savedPlatformId(state)).contains(changed);
    try (LasServer las = LasServer.start(config().withSvn(3))) {
      assertThat(las.platformId()).isEqualTo(changed);
    }
  }

  @Test
  void aLasSecurityVersionChangeGivesANewPlatformIdToo() throws Exception {
    String first;
    try (LasServer las = LasServer.start(config())) {
      first = las.platformId();
    }
    String updated;
    try (LasServer las = LasServer.start(config().withQeSvn(9))) {
      updated = las.platformId();
      assertThat(updated).isNotEqualTo(first);
    }
    try (LasServer las = LasServer.start(config().withQeSvn(9))) {
      assertThat(las.platformId()).isEqualTo(updated);
    }
  }

  @Test
  void theSeedsPipelinePrintsThePlatformId() throws Exception {
    try (LasServer las = LasServer.start(config())) {
      get(las, "/v1/platform-id");
      post(las, request(A, RD));
      post(las, "{");
      assertThat(pipeline("grep public | tail -n 1 | awk '{print $8}'")).isEqualTo(las.platformId());
      String text = log.toString(StandardCharsets.UTF_8);
      String afterKey = text.substring(text.indexOf("QE has public key"));
      assertThat(afterKey.lines().skip(1)).isNotEmpty().noneMatch(l -> l.contains("public"));
    }
  }

  @Test
  void quotesVerifyUnderTheSimulationRootOnly() throws Exception {
    byte[] rootDer = Files.readAllBytes(simDir.resolve("root/root_ca.der"));
    CollateralBundle collateral = CollateralBundle.open(simDir.resolve(SimInit.COLLATERAL_DIR));
    try (LasServer las = LasServer.start(config())) {
      HttpResponse<String> res = post(las, request(A, RD));
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type")).contains("application/json");
      JsonNode body = JSON.readTree(res.body());
      assertThat(body.get("platformId").textValue()).isEqualTo(las.platformId());
      byte[] quote = Base64.getDecoder().decode(body.get("quote").textValue());

      Verdict v = QuoteVerifier.builder().trustRoot(TrustedRoot.simulation(rootDer)).collateralSource(collateral)
          .build().verify(quote, Instant.now());
      assertThat(v.verified()).as(v.message()).isTrue();
      assertThat(v.quoteVersion()).isEqualTo(3);
      assertThat(v.platformId().hexUpper()).isEqualTo(las.platformId());
      assertThat(v.debug()).isTrue();
      assertThat(v.body().toString()).isNotNull();

      Verdict untrusted = QuoteVerifier.builder().collateralSource(collateral).build().verify(quote, Instant.now());
      assertThat(untrusted.verified()).isFalse();
      assertThat(untrusted.reason()).isEqualTo(ReasonCode.PCK_CHAIN_UNTRUSTED);
    }
  }

  @Test
  void theQuoteCarriesTheRequestedEnclave() throws Exception {
    byte[] rootDer = Files.readAllBytes(simDir.resolve("root/root_ca.der"));
    CollateralBundle collateral = CollateralBundle.open(simDir.resolve(SimInit.COLLATERAL_DIR));
    try (LasServer las = LasServer.start(config())) {
      JsonNode body = JSON.readTree(post(las, request(A, RD)).body());
      byte[] quote = Base64.getDecoder().decode(body.get("quote").textValue());
      // The v3 quote: 48-byte header, then the report body: MRENCLAVE at 64, MRSIGNER at 128,
      // ISVPRODID at 256, ISVSVN at 258, REPORTDATA at 320.
      HexFormat hex = HexFormat.of();
      assertThat(hex.formatHex(quote, 48 + 64, 48 + 96)).isEqualTo(A);
      assertThat(hex.formatHex(quote, 48 + 128, 48 + 160)).isEqualToIgnoringCase(B);
      assertThat(quote[48 + 256]).isEqualTo((byte) 7);
      assertThat(quote[48 + 258]).isEqualTo((byte) 3);
      assertThat(hex.formatHex(quote, 48 + 320, 48 + 384)).isEqualTo(RD);
      Verdict v = QuoteVerifier.builder().trustRoot(TrustedRoot.simulation(rootDer)).collateralSource(collateral)
          .build().verify(quote, Instant.now());
      assertThat(v.verified()).as(v.message()).isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {                                                              | body: not valid JSON
      []                                                             | body: expected a JSON object
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"%R","x":1} | x: unknown field
      {"mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"%R"}                       | mrenclave: missing
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"%R"} trailing | body: not valid JSON
      {"mrenclave":"%A","mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"%R"} | body: not valid JSON
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"zz%S"}  | reportData: not hex at character 1
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"%A"}    | reportData: expected 128 hex digits, got 64 characters
      {"mrenclave":7,"mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":true,"reportData":"%R"}       | mrenclave: expected a string of 64 hex digits, got number
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":"1","isvSvn":1,"debug":true,"reportData":"%R"}  | isvProdId: expected an integer 0..65535
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1.5,"isvSvn":1,"debug":true,"reportData":"%R"}  | isvProdId: expected an integer 0..65535
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":65536,"debug":true,"reportData":"%R"} | isvSvn: must be 0..65535, got 65536
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":-1,"debug":true,"reportData":"%R"}   | isvSvn: must be 0..65535, got -1
      {"mrenclave":"%A","mrsigner":"%B","isvProdId":1,"isvSvn":1,"debug":"yes","reportData":"%R"}   | debug: expected true or false
      """)
  void malformedRequestsAreRefusedPrecisely(String body, String error) throws Exception {
    String filled = body.replace("%A", A).replace("%B", B).replace("%R", RD).replace("%S", "00".repeat(63));
    try (LasServer las = LasServer.start(config())) {
      HttpResponse<String> res = post(las, filled);
      assertThat(res.statusCode()).isEqualTo(400);
      assertThat(JSON.readTree(res.body()).get("error").textValue()).startsWith(error);
      assertThat(res.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void oversizedBodiesAreRefused() throws Exception {
    try (LasServer las = LasServer.start(config())) {
      HttpResponse<String> res = post(las, "{\"mrenclave\":\"" + "a".repeat(LasServer.MAX_BODY) + "\"}");
      assertThat(res.statusCode()).isEqualTo(413);
      assertThat(JSON.readTree(res.body()).get("error").textValue()).isEqualTo("body: larger than 16384 bytes");
    }
  }

  @Test
  void hardwareModeIsRefusedWithoutSgx() {
    assertThat(LasServer.SGX_DEVICE).doesNotExist();
    assertThatThrownBy(() -> LasServer.start(config().withMode(LasConfig.Mode.HW)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("/dev/sgx_enclave")
        .hasMessageContaining("--mode sim")
        .hasMessageContaining("SCONE_MODE=sim");
    assertThat(state.resolve("platform")).doesNotExist();
  }

  @Test
  void simulationModeNeedsASimulationRoot(@TempDir Path empty) {
    assertThatThrownBy(() -> LasServer.start(config().withSimDir(null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--sim-root");
    assertThatThrownBy(() -> LasServer.start(config().withSimDir(empty)))
        .hasMessageContaining("clave sim init");
  }

  @Test
  void anotherSimulationRootIsRefusedNotSilentlyReplaced(@TempDir Path otherSim) throws Exception {
    String id;
    try (LasServer las = LasServer.start(config())) {
      id = las.platformId();
    }
    SimInit.run(otherSim, SimInit.Options.defaults());
    assertThatThrownBy(() -> LasServer.start(config().withSimDir(otherSim)))
        .hasMessageContaining("simulation root");
    assertThat(PlatformState.savedPlatformId(state)).contains(id);
  }

  @Test
  void theEnvironmentSetsModeAndAddress() {
    LasConfig c = LasConfig.DEFAULTS.withEnvironment(Map.of("SCONE_MODE", "sim", "SCONE_LAS_ADDR", "0.0.0.0:19000"));
    assertThat(c.mode()).isEqualTo(LasConfig.Mode.SIM);
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(19000);
    assertThat(LasConfig.DEFAULTS.withEnvironment(Map.of("SCONE_MODE", "sim", "CLAVE_MODE", "hw")).mode())
        .isEqualTo(LasConfig.Mode.HW);
    assertThat(LasConfig.DEFAULTS.host()).isEqualTo("127.0.0.1");
    assertThat(LasConfig.DEFAULTS.port()).isEqualTo(18766);
    assertThatThrownBy(() -> LasConfig.DEFAULTS.withEnvironment(Map.of("SCONE_MODE", "fast")))
        .hasMessage("SCONE_MODE: expected \"sim\" or \"hw\", got \"fast\"");
    assertThatThrownBy(() -> LasConfig.DEFAULTS.withEnvironment(Map.of("CLAVE_LAS_ADDR", "localhost")))
        .hasMessageContaining("CLAVE_LAS_ADDR: expected HOST:PORT");
  }
}
