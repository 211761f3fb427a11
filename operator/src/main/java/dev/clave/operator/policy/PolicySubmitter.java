package dev.clave.operator.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.cas.client.CasClient;
import dev.clave.operator.OperatorConfig;
import dev.clave.operator.model.Conditions;
import dev.clave.operator.model.State;
import dev.clave.policy.protect.KeyHash;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * Sends a policy resource's document to its CAS exactly as {@code clave session create} sends a signed or
 * encrypted file: {@code POST /session} over TLS pinned to the CAS's key hash, with the operator's client
 * identity. The document is built from the resource's fields and nothing is added or changed: verifying
 * the signatures and decrypting is the CAS's job, and whatever it refuses is reported, never retried.
 */
final class PolicySubmitter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE = 2000;

  /** What became of one submission; {@code settled} outcomes are final for this generation. */
  record Outcome(State state, String reason, String message, String hash, boolean settled) {}

  private final OperatorConfig config;

  PolicySubmitter(OperatorConfig config) {
    this.config = config;
  }

  Outcome submit(CasTarget spec, String namespace, KubernetesClient client) throws InterruptedException {
    Optional<KeyHash> pin;
    try {
      pin = CasKeyHashes.resolve(spec, namespace, config, client);
    } catch (IllegalArgumentException e) {
      return new Outcome(State.UNHEALTHY, "InvalidCasKeyHash", e.getMessage(), null, true);
    }
    if (pin.isEmpty()) {
      return new Outcome(State.PENDING, "CasKeyHashUnknown", "no key hash is known for the CAS at " + spec.getCasAddress()
          + ": set spec.casKeyHash, start the operator with --cas-key-hash ADDR=HASH, or name a CAS resource"
          + " whose status has its key hash", null, false);
    }
    CasClient cas;
    try {
      cas = CasClient.connect(spec.getCasAddress(), pin.get(), config.identity());
    } catch (IllegalArgumentException e) {
      return new Outcome(State.UNHEALTHY, "InvalidCasAddress", e.getMessage(), null, true);
    }
    HttpResponse<String> res;
    try {
      res = cas.post("/session", "application/yaml", spec.uploadDocument());
    } catch (IOException e) {
      return new Outcome(State.PENDING, "CasUnreachable", "cannot reach the CAS at " + cas.base() + ": " + describe(e), null, false);
    }
    if (res.statusCode() == 201) {
      String hash = field(res.body(), "hash");
      return new Outcome(State.APPLIED, "Applied", "the CAS accepted session " + field(res.body(), "name"), hash, true);
    }
    if (res.statusCode() >= 400 && res.statusCode() < 500) {
      return new Outcome(State.REFUSED, "RefusedByCas", refusal(res, spec.confidential()), null, true);
    }
    return new Outcome(State.PENDING, "CasError", "the CAS answered HTTP " + res.statusCode() + "; trying again", null, false);
  }

  /**
   * The CAS's own reason, with the policy problems it listed: "HTTP 400: error; line:col: message; …". Of a
   * confidential policy only the count of problems: their messages quote the decrypted text.
   */
  private static String refusal(HttpResponse<String> res, boolean confidential) {
    StringBuilder b = new StringBuilder("HTTP ").append(res.statusCode()).append(": ");
    try {
      JsonNode n = JSON.readTree(res.body());
      b.append(n.path("error").asText("(no reason given)"));
      if (confidential && n.path("problems").size() > 0) {
        b.append("; ").append(n.path("problems").size())
            .append(" problem(s) in the policy, not shown here since it is encrypted (check it before encrypting:"
                + " clave session check)");
        return b.toString();
      }
      for (JsonNode p : n.path("problems")) {
        b.append("; ").append(p.path("line").asInt()).append(':').append(p.path("column").asInt()).append(": ")
            .append(p.path("message").asText());
      }
      if (n.hasNonNull("currentHash")) {
        b.append("; the session's current hash is ").append(n.get("currentHash").asText());
      }
    } catch (IOException e) {
      b.append("(unreadable answer)");
    }
    return b.length() > MAX_MESSAGE ? b.substring(0, MAX_MESSAGE) + "…" : b.toString();
  }

  private static String field(String body, String name) {
    try {
      return JSON.readTree(body).path(name).asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static String describe(IOException e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** Writes an outcome into a policy's status. */
  static void record(PolicyStatus status, Outcome o, String predecessor, Long generation) {
    Conditions.fromState(status, o.state(), o.reason(), o.message(), generation);
    status.setMessage(o.message());
    if (o.state() == State.APPLIED) {
      status.setHash(o.hash());
      status.setPredecessor(predecessor);
      status.setRevision(generation);
    }
  }
}
