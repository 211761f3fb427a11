package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import dev.clave.policy.protect.KeyHash;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** A CAS on real sockets with TLS: its identity, its log lines as the seed's scripts read them, health, metrics. */
class CasServerTest {
  @TempDir Path state;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> capture;

  @BeforeEach
  void captureTheLogWithTheShippedPattern() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
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

  private CasServer start() throws Exception {
    return CasServer.start(CasConfig.fromEnvironment(java.util.Map.of()).withStateDir(state).withHost("127.0.0.1").withPorts(0, 0));
  }

  /** Runs a shell pipeline (the seed's text) with the captured log on its standard input. */
  private String pipeline(String command) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    p.getOutputStream().write(log.toByteArray());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  @Test
  void theSeedsPipelinesPrintTheKeyHashAndTheToken() throws Exception {
    try (CasServer cas = start()) {
      String keyHash = cas.identity().keyHash().toString();
      // Seed 003, verbatim but for `kubectl logs cas-0`, which is the log itself here.
      assertThat(pipeline("grep \"CAS key hash\" | awk ' { print $7 } '")).isEqualTo(keyHash);
      String token = pipeline("grep \"CAS provisioning token\" | awk ' { print $7 } '");
      assertThat(token).matches("[0-9a-f]{32}");
      // kubectl-provision's form: the last field, last line.
      assertThat(pipeline("grep \"CAS provisioning token\" | awk '{print $NF}' | tail -1")).isEqualTo(token);
      assertThat(pipeline("grep \"CAS key hash\" | awk '{print $NF}' | tail -1")).isEqualTo(keyHash);
      assertThat(KeyHash.parse(keyHash).matches(cas.identity().certificate().getPublicKey().getEncoded())).isTrue();
    }
  }

  @Test
  void theIdentitySurvivesARestartAndTheTokenDoesNot() throws Exception {
    String hash;
    String token;
    try (CasServer cas = start()) {
      hash = cas.identity().keyHash().toString();
      token = pipeline("grep \"CAS provisioning token\" | awk '{print $NF}' | tail -1");
    }
    log.reset();
    try (CasServer cas = start()) {
      assertThat(cas.identity().keyHash().toString()).isEqualTo(hash);
      assertThat(pipeline("grep \"CAS provisioning token\" | awk '{print $NF}' | tail -1")).isNotEqualTo(token);
    }
  }

  @Test
  void bothListenersServeHealthOverTls13AndTheClientApiServesMetrics() throws Exception {
    try (CasServer cas = start()) {
      SSLContext tls = trusting(cas);
      HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
      for (int port : List.of(cas.clientPort(), cas.enclavePort())) {
        HttpResponse<String> live = client.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health/live")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
        assertThat(live.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");
      }
      HttpResponse<String> about = client.send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + cas.clientPort() + "/v1/cas")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(about.body()).contains("\"keyHash\":\"" + cas.identity().keyHash() + "\"");
      HttpResponse<String> metrics = client.send(
          HttpRequest.newBuilder(URI.create("https://localhost:" + cas.clientPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).contains("clave_cas_requests_total");
    }
  }

  @Test
  void theCasChoosesAes128WithSha256EvenWhenTheClientPrefersAes256() throws Exception {
    try (CasServer cas = start()) {
      SSLContext tls = trusting(cas);
      for (int port : List.of(cas.clientPort(), cas.enclavePort())) {
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
          s.setEnabledCipherSuites(new String[] {"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"});
          s.startHandshake();
          assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_AES_128_GCM_SHA256");
        }
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
          s.setEnabledCipherSuites(new String[] {"TLS_AES_256_GCM_SHA384"}); // a client without it is still served
          s.startHandshake();
          assertThat(s.getSession().getCipherSuite()).isEqualTo("TLS_AES_256_GCM_SHA384");
        }
      }
    }
  }

  @Test
  void tls12IsRefused() throws Exception {
    try (CasServer cas = start()) {
      SSLContext tls = trusting(cas);
      try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("localhost", cas.clientPort())) {
        s.setEnabledProtocols(new String[] {"TLSv1.2"});
        org.assertj.core.api.Assertions.assertThatThrownBy(s::startHandshake).isInstanceOf(java.io.IOException.class);
      }
    }
  }

  private static SSLContext trusting(CasServer cas) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("cas", cas.identity().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
