package dev.clave.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.store.CasStore;
import dev.clave.cas.store.SessionExistsException;
import dev.clave.cas.store.StaleSessionException;
import dev.clave.cas.store.StoredSession;
import dev.clave.policy.AccessPolicy;
import dev.clave.policy.FragmentResolver;
import dev.clave.policy.PolicyException;
import dev.clave.policy.PolicyParser;
import dev.clave.policy.PolicyProblem;
import dev.clave.policy.Session;
import dev.clave.policy.SessionUpdate;
import dev.clave.policy.protect.KeyHash;
import dev.clave.policy.secrets.SecretException;
import dev.clave.policy.secrets.SecretExports;
import dev.clave.policy.secrets.SecretGenerator;
import dev.clave.policy.secrets.SecretKind;
import dev.clave.policy.secrets.SecretSpec;
import dev.clave.policy.secrets.SecretValue;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions on a CAS: upload (create, or update by {@code predecessor}), read, delete, list — each checked
 * against the session's {@code access_policy} for the client's key hash — with the session's secrets
 * generated at creation, carried over on updates as the language says, and kept encrypted in the store.
 *
 * <p>A session's creator (its {@code CREATOR}) is the key hash that created it; updates keep it. Imports
 * (secrets and config-fragments of other sessions on this CAS) are resolved here, where the exporters'
 * {@code export} rules are checked.
 */
final class SessionService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CasStore store;
  private final Clock clock;
  private final SecureRandom random;
  /**
   * Parsed sessions by hash: parsing is the costly part of a permission check. Updates and deletes drop the
   * replaced version, so the cache holds about one entry per session.
   */
  private final Map<String, Session> parsed = new ConcurrentHashMap<>();

  SessionService(CasStore store, Clock clock, SecureRandom random) {
    this.store = store;
    this.clock = clock;
    this.random = random;
  }

  /** Why a request about a session was refused. The message never contains secret values. */
  static final class SessionException extends Exception {
    enum Kind {
      INVALID,
      FORBIDDEN,
      EXISTS,
      STALE,
      NOT_FOUND
    }

    final Kind kind;
    final List<PolicyProblem> problems;
    final String currentHash;

    SessionException(Kind kind, String message) {
      this(kind, message, List.of(), null);
    }

    SessionException(Kind kind, String message, List<PolicyProblem> problems, String currentHash) {
      super(message, null, false, false);
      this.kind = kind;
      this.problems = problems;
      this.currentHash = currentHash;
    }
  }

  /** What an upload did: created the session, replaced it, or (the same policy again) nothing. */
  record Uploaded(String name, String hash, boolean created, boolean unchanged) {
    Uploaded(String name, String hash, boolean created) {
      this(name, hash, created, false);
    }
  }

  /** A stored session version: its text, hash and creator. */
  record Version(String name, String hash, String text, KeyHash creator) {}

  /** Creates the session, or replaces it when the policy names the current hash as {@code predecessor}. */
  Uploaded upload(String text, KeyHash client) throws SessionException {
    return upload(text, client, Set.of());
  }

  /**
   * Like {@link #upload(String, KeyHash)} for a signed upload: {@code signers} (normalised signer keys whose
   * valid signatures came with the text) satisfy the access policy's {@code signer:} entries.
   */
  Uploaded upload(String text, KeyHash client, Set<String> signers) throws SessionException {
    Session next;
    try {
      next = PolicyParser.parse(text, "policy", fragments);
    } catch (PolicyException e) {
      throw new SessionException(SessionException.Kind.INVALID, "the policy is not valid", e.problems(), null);
    }
    Optional<StoredSession> current = store.currentSession(next.name());
    if (current.isEmpty()) {
      return create(next, text, client, signers);
    }
    Version cur = version(next.name(), current.get());
    Session curSession = session(cur);
    Map<String, SecretValue> curSecrets = secretsOf(next.name());
    if (!AccessControl.allows(curSession.accessPolicy().update(), client, cur.creator(), curSecrets, signers)) {
      throw new SessionException(SessionException.Kind.FORBIDDEN, "the access policy of session " + next.name()
          + " does not let this client (" + client + ") update it");
    }
    Session withCreator = next.withCreator(cur.creator().toString());
    if (withCreator.hash().equals(cur.hash())) {
      // The current policy again (a retry whose answer was lost): done already, not a conflict.
      return new Uploaded(next.name(), cur.hash(), false, true);
    }
    try {
      SessionUpdate.check(curSession, withCreator);
    } catch (SessionUpdate.PolicyUpdateException e) {
      throw new SessionException(SessionException.Kind.STALE, e.getMessage(), List.of(), cur.hash());
    }
    Map<String, SecretValue> secrets = generate(withCreator, new SecretGenerator.Predecessor(curSession.secrets(), curSecrets));
    try {
      store.updateSession(next.name(), cur.hash(), withCreator.hash(), content(text, cur.creator()), SecretsCodec.encode(secrets));
      parsed.remove(cur.hash()); // only current versions stay cached; an old one is parsed again if asked for
    } catch (StaleSessionException e) {
      throw new SessionException(SessionException.Kind.STALE, "session " + next.name()
          + " was changed meanwhile; its hash is now " + e.currentHash(), List.of(), e.currentHash());
    }
    return new Uploaded(next.name(), withCreator.hash(), false);
  }

  private Uploaded create(Session next, String text, KeyHash client, Set<String> signers) throws SessionException {
    Session withCreator = next.withCreator(client.toString());
    try {
      SessionUpdate.check(null, withCreator);
    } catch (SessionUpdate.PolicyUpdateException e) {
      throw new SessionException(SessionException.Kind.NOT_FOUND, e.getMessage());
    }
    checkNamespace(next, client, signers);
    Map<String, SecretValue> secrets = generate(withCreator, SecretGenerator.Predecessor.NONE);
    try {
      store.createSession(next.name(), withCreator.hash(), content(text, client), SecretsCodec.encode(secrets));
    } catch (SessionExistsException e) {
      throw new SessionException(SessionException.Kind.EXISTS, "session " + next.name()
          + " exists already: to replace it, name its current hash as predecessor");
    }
    return new Uploaded(next.name(), withCreator.hash(), true);
  }

  /** A session inside a namespace needs the namespace session, whose create_sessions rule must allow the client. */
  private void checkNamespace(Session next, KeyHash client, Set<String> signers) throws SessionException {
    int slash = next.name().lastIndexOf('/');
    if (slash <= 0) {
      return;
    }
    String parent = next.name().substring(0, slash);
    Optional<StoredSession> ns = store.currentSession(parent);
    if (ns.isEmpty()) {
      throw new SessionException(SessionException.Kind.NOT_FOUND, "the namespace session " + parent
          + " does not exist; create it first");
    }
    Version v = version(parent, ns.get());
    if (next.namespaceHash() != null && !next.namespaceHash().equals(v.hash())) {
      throw new SessionException(SessionException.Kind.STALE, "namespace_hash names " + next.namespaceHash()
          + " but namespace " + parent + " has hash " + v.hash(), List.of(), v.hash());
    }
    if (!AccessControl.allows(session(v).accessPolicy().createSessions(), client, v.creator(), secretsOf(parent), signers)) {
      throw new SessionException(SessionException.Kind.FORBIDDEN, "the access policy of namespace " + parent
          + " does not let this client (" + client + ") create sessions in it");
    }
  }

  /** The session's current version (or the version with {@code hash}), if the client may read it. */
  Version read(String name, String hash, KeyHash client) throws SessionException {
    Optional<StoredSession> stored = hash == null ? store.currentSession(name) : store.sessionVersion(name, hash);
    if (stored.isEmpty()) {
      throw new SessionException(SessionException.Kind.NOT_FOUND, hash == null
          ? "there is no session " + name : "session " + name + " has no version " + hash);
    }
    Version v = version(name, stored.get());
    // Permissions come from the current version: an older version does not keep granting access.
    Version current = hash == null ? v : version(name, store.currentSession(name).orElseThrow());
    if (!AccessControl.allows(session(current).accessPolicy().read(), client, current.creator(), secretsOf(name), Set.of())) {
      throw new SessionException(SessionException.Kind.FORBIDDEN, "the access policy of session " + name
          + " does not let this client (" + client + ") read it");
    }
    return v;
  }

  /** Deletes the session (all versions and secrets), if the client may update it. */
  void delete(String name, KeyHash client) throws SessionException {
    Version cur = version(name, store.currentSession(name).orElseThrow(
        () -> new SessionException(SessionException.Kind.NOT_FOUND, "there is no session " + name)));
    if (!AccessControl.allows(session(cur).accessPolicy().update(), client, cur.creator(), secretsOf(name), Set.of())) {
      throw new SessionException(SessionException.Kind.FORBIDDEN, "the access policy of session " + name
          + " does not let this client (" + client + ") delete it");
    }
    store.deleteSession(name);
    parsed.remove(cur.hash());
  }

  /** The names under {@code prefix} whose list_sessions rule allows the client. */
  List<String> list(String prefix, KeyHash client) {
    List<String> out = new ArrayList<>();
    for (String name : store.listSessions(prefix)) {
      Optional<StoredSession> s = store.currentSession(name);
      if (s.isEmpty()) {
        continue;
      }
      Version v = version(name, s.get());
      AccessPolicy policy = session(v).accessPolicy();
      Map<String, SecretValue> secrets = secretsOf(name);
      // Members of create_sessions may always list (reference §1.9).
      if (AccessControl.allows(policy.listSessions(), client, v.creator(), secrets, Set.of())
          || AccessControl.allows(policy.createSessions(), client, v.creator(), secrets, Set.of())) {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * The values of the session's {@code export_public} secrets, readable without authentication (reference
   * §2.2 {@code /v1/values}): ascii as is, binary as hex, public keys and certificates as PEM. A private key
   * is never served this way, whatever the policy says.
   */
  Map<String, String> publicValues(String name) {
    Map<String, String> out = new java.util.TreeMap<>();
    Optional<StoredSession> stored = store.currentSession(name);
    if (stored.isEmpty()) {
      return out;
    }
    Session s = session(version(name, stored.get()));
    Map<String, SecretValue> values = secretsOf(name);
    for (SecretSpec spec : s.secrets()) {
      SecretValue v = values.get(spec.name());
      if (!spec.exportPublic() || v == null) {
        continue;
      }
      try {
        String rendered = switch (v) {
          case SecretValue.Ascii a -> a.value();
          case SecretValue.Binary b -> dev.clave.policy.secrets.SecretEncoding.HEX.renderText(b);
          case SecretValue.PublicKey k -> dev.clave.policy.secrets.SecretEncoding.PUBLIC_KEY_PEM.renderText(k);
          case SecretValue.Certificate c -> dev.clave.policy.secrets.SecretEncoding.CERTIFICATE_PEM.renderText(c);
          case SecretValue.PrivateKey k -> null;
        };
        if (rendered != null) {
          out.put(spec.name(), rendered);
        }
      } catch (SecretException e) {
        // not renderable as text: not served
      }
    }
    return out;
  }

  /** The current session and its secrets, for attestation. */
  Optional<Map.Entry<Session, Map<String, SecretValue>>> current(String name) {
    // Read before the session: a write landing in between makes the entry newer than its tag, never older,
    // so the next call sees another version and reads again.
    long version = store.stateVersion();
    Current cached = attestable.get(name);
    if (cached != null && cached.stateVersion() == version) {
      return cached.value();
    }
    Optional<Map.Entry<Session, Map<String, SecretValue>>> value =
        store.currentSession(name).map(s -> Map.entry(session(version(name, s)), secretsOf(name)));
    if (value.isPresent()) {
      if (attestable.size() >= MAX_ATTESTABLE) {
        attestable.clear();
      }
      attestable.put(name, new Current(version, value));
    }
    return value;
  }

  /**
   * The decrypted current session and secrets per session name, valid while the store's state version is the
   * one it was read at (any write moves it): every attestation otherwise reads and decrypts both again.
   * Bounded; cleared when full.
   */
  private record Current(long stateVersion, Optional<Map.Entry<Session, Map<String, SecretValue>>> value) {}

  private static final int MAX_ATTESTABLE = 1024;
  private final Map<String, Current> attestable = new ConcurrentHashMap<>();

  // ---------------------------------------------------------------- internals

  private Map<String, SecretValue> generate(Session s, SecretGenerator.Predecessor predecessor) throws SessionException {
    Map<String, SecretValue> imported = new LinkedHashMap<>();
    for (SecretSpec spec : s.secrets()) {
      if (spec.importFrom() != null && spec.kind() != SecretKind.CONFIG_FRAGMENT) {
        imported.put(spec.name(), importValue(s.name(), s.hash(), spec));
      }
    }
    try {
      return SecretGenerator.generate(s.secrets(), predecessor, imported, clock.instant(), random);
    } catch (SecretException e) {
      throw new SessionException(SessionException.Kind.INVALID, "secrets: " + e.getMessage());
    }
  }

  private SecretValue importValue(String importer, String importerHash, SecretSpec spec) throws SessionException {
    String exporter = resolveRelative(importer, spec.importFrom().session());
    Optional<StoredSession> stored = store.currentSession(exporter);
    String what = "secret " + spec.name() + " imports " + spec.importFrom().secret() + " from session " + exporter;
    if (stored.isEmpty()) {
      throw new SessionException(SessionException.Kind.NOT_FOUND, what + ", which does not exist");
    }
    Session exporting = session(version(exporter, stored.get()));
    SecretSpec exported = exporting.secrets().stream().filter(x -> x.name().equals(spec.importFrom().secret()))
        .findFirst().orElseThrow(() -> new SessionException(SessionException.Kind.NOT_FOUND, what + ", which has no such secret"));
    SecretExports.Decision d = SecretExports.check(exporter, absoluteExports(exporter, exported), importer, importerHash);
    if (!d.allowed()) {
      throw new SessionException(SessionException.Kind.FORBIDDEN, what + ": " + d.reason());
    }
    SecretValue v = secretsOf(exporter).get(exported.name());
    if (v == null) {
      throw new SessionException(SessionException.Kind.NOT_FOUND, what + ", which has no value");
    }
    return v;
  }

  /**
   * Imported config-fragments: the exporter's fragment value when its export rules allow the importer by
   * name or namespace (a hash-pinned export cannot match: the importer's hash depends on the fragment).
   */
  private final FragmentResolver fragments = this::importedFragment;

  private Optional<String> importedFragment(String importer, SecretSpec.SecretImport from) {
    String exporter = resolveRelative(importer, from.session());
    Optional<StoredSession> stored = store.currentSession(exporter);
    if (stored.isEmpty() || exporter.equals(importer)) {
      return Optional.empty();
    }
    for (SecretSpec spec : session(version(exporter, stored.get())).secrets()) {
      if (spec.name().equals(from.secret()) && spec.kind() == SecretKind.CONFIG_FRAGMENT && spec.value() != null
          && SecretExports.check(exporter, absoluteExports(exporter, spec), importer, null).allowed()) {
        return Optional.of(spec.value());
      }
    }
    return Optional.empty();
  }

  /** The secret with its export rules' relative names ({@code ../x}, {@code ./x}) made absolute from its session's name. */
  static SecretSpec absoluteExports(String exporter, SecretSpec s) {
    List<SecretSpec.SecretExport> absolute = new ArrayList<>();
    for (SecretSpec.SecretExport e : s.exports()) {
      absolute.add(new SecretSpec.SecretExport(
          e.session() == null ? null : resolveRelative(exporter, e.session()),
          e.sessionHash(),
          e.namespace() == null ? null : resolveRelative(exporter, e.namespace())));
    }
    return new SecretSpec(s.name(), s.kind(), s.value(), s.size(), s.keyType(), s.migrate(), s.privateKey(), s.issuer(),
        s.commonName(), s.subjectAltNames(), s.endpoint(), s.validFor(), absolute, s.exportPublic(), s.importFrom());
  }

  /** {@code ../sibling} and {@code ./child} relative to a session's name (reference §1.5). */
  static String resolveRelative(String importer, String target) {
    if (!target.startsWith("./") && !target.startsWith("../")) {
      return target;
    }
    List<String> parts = new ArrayList<>(List.of(importer.split("/")));
    String t = target;
    if (t.startsWith("./")) {
      return importer + "/" + t.substring(2);
    }
    parts.removeLast();
    while (t.startsWith("../")) {
      if (!parts.isEmpty() && t.startsWith("../../")) {
        parts.removeLast();
      }
      t = t.substring(3);
    }
    return parts.isEmpty() ? t : String.join("/", parts) + "/" + t;
  }

  private static byte[] content(String text, KeyHash creator) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", 1);
    n.put("text", text);
    n.put("creator", creator.toString());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Version version(String name, StoredSession s) {
    try {
      JsonNode n = JSON.readTree(s.content());
      return new Version(name, s.hash(), n.path("text").asText(), KeyHash.parse(n.path("creator").asText()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("stored session " + name + " is unreadable", e);
    }
  }

  private Session session(Version v) {
    return parsed.computeIfAbsent(v.hash(), h -> {
      try {
        Session s = PolicyParser.parse(v.text(), v.name(), fragments).withCreator(v.creator().toString());
        if (!s.hash().equals(h)) {
          // A different parser version, or state that does not match its hash: never act on it.
          throw new IllegalStateException("stored session " + v.name() + " no longer has hash " + h);
        }
        return s;
      } catch (PolicyException e) {
        throw new IllegalStateException("stored session " + v.name() + " no longer parses: " + e.getMessage());
      }
    });
  }

  private Map<String, SecretValue> secretsOf(String name) {
    return store.secrets(name).map(b -> {
      try {
        return SecretsCodec.decode(b);
      } catch (IOException e) {
        throw new IllegalStateException("the stored secrets of session " + name + " are unreadable");
      }
    }).orElse(Map.of());
  }
}
