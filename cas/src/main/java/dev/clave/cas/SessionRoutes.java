package dev.clave.cas;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.audit.AuditEvent;
import dev.clave.cas.audit.AuditEventType;
import dev.clave.cas.audit.AuditLog;
import dev.clave.policy.PolicyProblem;
import dev.clave.policy.protect.DecryptionException;
import dev.clave.policy.protect.EncryptedPolicy;
import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.protect.SessionEncryptionKeyPair;
import dev.clave.policy.protect.SignedPolicy;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import dev.clave.policy.protect.KeyHash;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The client API's session endpoints, in the original's shapes where they are known (reference §2.2):
 *
 * <ul>
 *   <li>{@code POST /session} with the policy — YAML, a signed policy document ({"policy", "signatures"}:
 *       its signers satisfy {@code signer:} entries), or an encrypted one ({"policy", "encryptionKey"}, to
 *       the key {@code GET /v1/cas} publishes): 201 {"name", "hash", "created"}; creates, or updates when
 *       the policy names the current hash as {@code predecessor};
 *   <li>{@code GET /v1/sessions/NAME[?hash=H]}: {"session": text, "hash"};
 *   <li>{@code DELETE /v1/sessions/NAME}; {@code GET /v1/sessions?prefix=P}: {"sessions": [names]}.
 * </ul>
 *
 * Refusals: 400 {"error", "problems": [{line, column, message}]}, 401 without a client certificate, 403
 * (with the access rule that refused), 404, 409 {"error", "currentHash"}. Every change goes to the audit log.
 */
final class SessionRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_POLICY = dev.clave.policy.PolicyParser.MAX_POLICY_BYTES;
  private static final String SESSIONS = "/v1/sessions/";

  private final SessionService sessions;
  private final AuditLog audit;
  private final SessionEncryptionKeyPair encryptionKey;

  SessionRoutes(SessionService sessions, AuditLog audit, SessionEncryptionKeyPair encryptionKey) {
    this.sessions = sessions;
    this.audit = audit;
    this.encryptionKey = encryptionKey;
  }

  /** A policy as uploaded: YAML, a signed document, or an encrypted one holding either. */
  private record Unwrapped(String text, Set<String> signers) {}

  private Unwrapped unwrap(byte[] body, boolean mayBeEncrypted) throws SessionService.SessionException {
    String text = new String(body, StandardCharsets.UTF_8);
    if (!text.stripLeading().startsWith("{")) {
      return new Unwrapped(text, Set.of());
    }
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (IOException e) {
      // Not JSON: a YAML policy in flow style.
      return new Unwrapped(text, Set.of());
    }
    if (n != null && n.has("signatures")) {
      try {
        SignedPolicy signed = SignedPolicy.fromJson(body);
        if (!(signed.verify() instanceof SignedPolicy.Verification.Valid valid)) {
          throw new SessionService.SessionException(SessionService.SessionException.Kind.INVALID,
              "the signed policy does not verify: " + ((SignedPolicy.Verification.Invalid) signed.verify()).reason());
        }
        Set<String> signers = new HashSet<>();
        valid.signers().forEach(k -> signers.add(k.text()));
        return new Unwrapped(signed.policy(), signers);
      } catch (InvalidEncodingException e) {
        throw new SessionService.SessionException(SessionService.SessionException.Kind.INVALID, "signed policy: " + e.getMessage());
      }
    }
    if (n != null && n.has("encryptionKey") && n.path("policy").isTextual() && mayBeEncrypted) {
      if (!encryptionKey.publicKeyHex().equalsIgnoreCase(n.get("encryptionKey").asText())) {
        throw new SessionService.SessionException(SessionService.SessionException.Kind.INVALID,
            "the policy is encrypted to another key (" + n.get("encryptionKey").asText() + "); this CAS's session"
                + " encryption key is " + encryptionKey.publicKeyHex() + " (GET /v1/cas)");
      }
      try {
        return unwrap(EncryptedPolicy.open(n.get("policy").asText(), encryptionKey), false);
      } catch (DecryptionException | InvalidEncodingException e) {
        throw new SessionService.SessionException(SessionService.SessionException.Kind.INVALID, "the encrypted policy cannot be decrypted");
      }
    }
    return new Unwrapped(text, Set.of());
  }

  void register(HttpRouting.Builder r) {
    r.post("/session", this::upload);
    r.get("/v1/sessions", this::list);
    r.get("/v1/sessions/*", this::read);
    r.delete("/v1/sessions/*", this::delete);
    r.get("/v1/values/*", this::values);
  }

  /**
   * {@code GET /v1/values/session=NAME[,secret=S]}, no authentication, as the original: with {@code secret=},
   * {"kind": "string", "value", "expires": null, "renew": null}; without, {"values": {name: {"value"}}};
   * unknown or not public: 404 {"msg": [...]}.
   */
  private void values(ServerRequest req, ServerResponse res) {
    String spec = req.path().path().substring("/v1/values/".length());
    String session = null;
    String secret = null;
    for (String part : spec.split(",")) {
      if (part.startsWith("session=")) {
        session = part.substring("session=".length());
      } else if (part.startsWith("secret=")) {
        secret = part.substring("secret=".length());
      }
    }
    java.util.Map<String, String> values = session == null ? java.util.Map.of() : sessions.publicValues(session);
    if (secret != null) {
      String v = values.get(secret);
      if (v == null) {
        notVisible(res, "Failed to read value '" + secret + "' of '/session=" + session + "' requested by a public client");
        return;
      }
      ObjectNode n = JSON.createObjectNode().put("kind", "string").put("value", v);
      n.putNull("expires");
      n.putNull("renew");
      send(res, Status.OK_200, n);
      return;
    }
    if (session == null) {
      notVisible(res, "the path is /v1/values/session=NAME[,secret=SECRET]");
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    ObjectNode all = n.putObject("values");
    values.forEach((k, v) -> all.putObject(k).put("value", v));
    send(res, Status.OK_200, n);
  }

  private static void notVisible(ServerResponse res, String first) {
    ObjectNode n = JSON.createObjectNode();
    n.putArray("msg").add(first).add("Secret does not exist or is not visible for a public client");
    send(res, Status.NOT_FOUND_404, n);
  }

  private void upload(ServerRequest req, ServerResponse res) {
    KeyHash client = client(req, res);
    if (client == null) {
      return;
    }
    byte[] body;
    try (InputStream in = req.content().inputStream()) {
      byte[] b = in.readNBytes(MAX_POLICY + 1);
      if (b.length > MAX_POLICY) {
        send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, error("the policy is larger than " + MAX_POLICY + " bytes"));
        return;
      }
      body = b;
    } catch (IOException e) {
      send(res, Status.BAD_REQUEST_400, error("the policy could not be read"));
      return;
    }
    try {
      Unwrapped u = unwrap(body, true);
      SessionService.Uploaded up = sessions.upload(u.text(), client, u.signers());
      ObjectNode n = JSON.createObjectNode().put("name", up.name()).put("hash", up.hash()).put("created", up.created());
      if (up.unchanged()) {
        // Nothing was written, so nothing goes to the audit log; 200 says "already so", 201 "made so".
        send(res, Status.OK_200, n.put("unchanged", true));
        return;
      }
      audit.append(AuditEvent.builder(up.created() ? AuditEventType.SESSION_CREATED : AuditEventType.SESSION_UPDATED)
          .session(up.name()).sessionHash(up.hash()).clientKeyHash(client).build());
      send(res, Status.CREATED_201, n);
    } catch (SessionService.SessionException e) {
      refuse(res, e);
    }
  }

  private void read(ServerRequest req, ServerResponse res) {
    KeyHash client = client(req, res);
    if (client == null) {
      return;
    }
    String name = name(req);
    Optional<String> hash = req.query().first("hash").asOptional();
    try {
      SessionService.Version v = sessions.read(name, hash.map(String::toLowerCase).orElse(null), client);
      send(res, Status.OK_200, JSON.createObjectNode().put("session", v.text()).put("hash", v.hash()));
    } catch (SessionService.SessionException e) {
      refuse(res, e);
    }
  }

  private void delete(ServerRequest req, ServerResponse res) {
    KeyHash client = client(req, res);
    if (client == null) {
      return;
    }
    String name = name(req);
    try {
      sessions.delete(name, client);
      audit.append(AuditEvent.builder(AuditEventType.SESSION_DELETED).session(name).clientKeyHash(client).build());
      send(res, Status.OK_200, JSON.createObjectNode().put("deleted", name));
    } catch (SessionService.SessionException e) {
      refuse(res, e);
    }
  }

  private void list(ServerRequest req, ServerResponse res) {
    KeyHash client = client(req, res);
    if (client == null) {
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    ArrayNode names = n.putArray("sessions");
    sessions.list(req.query().first("prefix").orElse(""), client).forEach(names::add);
    send(res, Status.OK_200, n);
  }

  private static String name(ServerRequest req) {
    String path = req.path().path();
    return path.startsWith(SESSIONS) ? path.substring(SESSIONS.length()) : "";
  }

  private static KeyHash client(ServerRequest req, ServerResponse res) {
    Optional<KeyHash> k = CasServer.clientKeyHash(req);
    if (k.isEmpty()) {
      send(res, Status.UNAUTHORIZED_401, error("sessions are owned by client identities: present a client certificate"));
      return null;
    }
    return k.get();
  }

  private static void refuse(ServerResponse res, SessionService.SessionException e) {
    ObjectNode n = error(e.getMessage());
    Status status = switch (e.kind) {
      case INVALID -> Status.BAD_REQUEST_400;
      case FORBIDDEN -> Status.FORBIDDEN_403;
      case NOT_FOUND -> Status.NOT_FOUND_404;
      case EXISTS, STALE -> Status.CONFLICT_409;
    };
    if (!e.problems.isEmpty()) {
      ArrayNode problems = n.putArray("problems");
      for (PolicyProblem p : e.problems) {
        problems.addObject().put("line", p.line()).put("column", p.column()).put("message", p.message());
      }
    }
    if (e.currentHash != null) {
      n.put("currentHash", e.currentHash);
    }
    send(res, status, n);
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void send(ServerResponse res, Status status, ObjectNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body.toString());
  }
}
