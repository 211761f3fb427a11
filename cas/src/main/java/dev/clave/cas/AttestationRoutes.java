package dev.clave.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.audit.AuditEvent;
import dev.clave.cas.audit.AuditEventType;
import dev.clave.cas.audit.AuditLog;
import dev.clave.policy.ServiceEvaluation;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The enclave API: {@code POST /v1/attest} over TLS, the service presenting the certificate its quote's report
 * data binds ({@code SHA-512(certificate DER)}):
 *
 * <pre>request:  {"configId": "SESSION/SERVICE", "quote": "&lt;base64&gt;",
 *            "hostArguments": ["prog", "arg1", …], "hostEnvironment": {"NAME": "value"}}
 * allowed:  200 {"outcome": "ALLOWED", "config": {"argv": [...], "environment": {...}, "pwd": "/",
 *            "files": [{"path", "permission": "0o600", "content": "&lt;base64&gt;"} | {"path", "permission", "fromFileSystem": true}]}}
 * refused:  403 {"outcome": "QUOTE_REFUSED" | "REPORT_DATA_NOT_BOUND" | "POLICY_DENIED", "error": "…", "decision": {...}}
 *           404 {"outcome": "UNKNOWN_SESSION" | "UNKNOWN_SERVICE", "error": "…"}</pre>
 *
 * The refusal's explanation goes back to the caller (it is not authenticated: the original warns about the
 * same) and to the audit log, as every decision does.
 */
final class AttestationRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = JSON.writer();
  private static final io.helidon.http.Header CONTENT_TYPE_JSON =
      io.helidon.http.HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
  /** A quote with certification data is a few KB; the whole request is bounded well above that. */
  private static final int MAX_REQUEST = 256 * 1024;

  private final Attestation attestation;
  private final AuditLog audit;
  private final Timer latency;
  /** One counter per outcome, registered once (a registry lookup per attestation costs a map probe and tags). */
  private final java.util.EnumMap<Attestation.Outcome, io.micrometer.core.instrument.Counter> outcomes =
      new java.util.EnumMap<>(Attestation.Outcome.class);

  AttestationRoutes(Attestation attestation, AuditLog audit, MeterRegistry metrics) {
    this.attestation = attestation;
    this.audit = audit;
    this.latency = Timer.builder("clave_cas_attestation_seconds").description("attestation handling time")
        .publishPercentileHistogram().register(metrics);
    for (Attestation.Outcome o : Attestation.Outcome.values()) {
      outcomes.put(o, metrics.counter("clave_cas_attestations", "outcome", o.name()));
    }
  }

  void register(HttpRouting.Builder r) {
    r.post("/v1/attest", this::attest);
  }

  private void attest(ServerRequest req, ServerResponse res) {
    long start = System.nanoTime();
    byte[] cert = CasServer.clientCertificate(req);
    if (cert.length == 0) {
      send(res, Status.UNAUTHORIZED_401, error("REPORT_DATA_NOT_BOUND",
          "present the TLS certificate whose SHA-512 the quote's report data holds"));
      return;
    }
    JsonNode body;
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(MAX_REQUEST + 1);
      if (b.length > MAX_REQUEST) {
        send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, error("BAD_REQUEST", "the request is larger than " + MAX_REQUEST + " bytes"));
        return;
      }
      body = JSON.readTree(b);
    } catch (IOException e) {
      send(res, Status.BAD_REQUEST_400, error("BAD_REQUEST", "the request is not JSON"));
      return;
    }
    if (body == null || !body.path("configId").isTextual() || !body.path("quote").isTextual()) {
      send(res, Status.BAD_REQUEST_400, error("BAD_REQUEST", "the request needs configId (SESSION/SERVICE) and quote (base64)"));
      return;
    }
    byte[] quote;
    try {
      quote = Base64.getDecoder().decode(body.get("quote").asText());
    } catch (IllegalArgumentException e) {
      send(res, Status.BAD_REQUEST_400, error("BAD_REQUEST", "quote is not base64"));
      return;
    }
    List<String> argv = new ArrayList<>();
    body.path("hostArguments").forEach(a -> argv.add(a.asText()));
    Map<String, String> env = new LinkedHashMap<>();
    body.path("hostEnvironment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    Attestation.Result r = attestation.attest(body.get("configId").asText(), quote, cert, new ServiceEvaluation.Host(argv, env));
    outcomes.get(r.outcome()).increment();
    latency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    AuditEvent.Builder event = AuditEvent.builder(
        r.outcome() == Attestation.Outcome.ALLOWED ? AuditEventType.ATTESTATION_ALLOWED : AuditEventType.ATTESTATION_REFUSED);
    if (r.session() != null) {
      event.session(r.session()).service(r.service());
    }
    if (r.reason() != null) {
      event.reason(r.reason());
    }
    audit.append(event.build());
    if (r.outcome() == Attestation.Outcome.ALLOWED) {
      CasServer.LOG.info("Provisioned configuration {}/{}", r.session(), r.service());
      ObjectNode ok = JSON.createObjectNode().put("outcome", "ALLOWED");
      ok.set("config", config(r.config()));
      send(res, Status.OK_200, ok);
      return;
    }
    CasServer.LOG.info("Refused attestation for {}/{}: {}", r.session(), r.service(), r.outcome());
    ObjectNode refused = error(r.outcome().name(), r.message());
    if (r.decision() != null) {
      refused.set("decision", JSON.valueToTree(r.decision()));
    }
    boolean unknown = r.outcome() == Attestation.Outcome.UNKNOWN_SESSION || r.outcome() == Attestation.Outcome.UNKNOWN_SERVICE;
    send(res, unknown ? Status.NOT_FOUND_404 : Status.FORBIDDEN_403, refused);
  }

  private static ObjectNode config(ServiceEvaluation.RuntimeConfig c) {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode argv = n.putArray("argv");
    c.argv().forEach(argv::add);
    ObjectNode env = n.putObject("environment");
    c.environment().forEach(env::put);
    n.put("pwd", c.pwd());
    ArrayNode files = n.putArray("files");
    for (ServiceEvaluation.InjectedFile f : c.files()) {
      ObjectNode fn = files.addObject().put("path", f.path()).put("permission", "0o" + Integer.toOctalString(f.permission()));
      if (f.fromFileSystem()) {
        fn.put("fromFileSystem", true);
      } else {
        fn.put("content", Base64.getEncoder().encodeToString(f.content()));
      }
    }
    return n;
  }

  private static ObjectNode error(String outcome, String message) {
    return JSON.createObjectNode().put("outcome", outcome).put("error", message);
  }

  private static void send(ServerResponse res, Status status, ObjectNode body) {
    res.status(status);
    res.header(CONTENT_TYPE_JSON);
    byte[] bytes;
    try {
      bytes = WRITER.writeValueAsBytes(body); // the same compact JSON as toString(), without the detour through a String
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a JSON tree", e);
    }
    res.send(bytes);
  }
}
