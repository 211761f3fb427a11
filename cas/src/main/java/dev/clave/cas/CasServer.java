package dev.clave.cas;

import dev.clave.attestation.jca.ClaveCryptoProvider;
import dev.clave.cas.audit.AuditEvent;
import dev.clave.cas.audit.AuditEventType;
import dev.clave.cas.audit.AuditLog;
import dev.clave.cas.audit.TreeHeadSigner;
import dev.clave.cas.store.CasStore;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CAS process: its identity, and two TLS listeners like the original's — the client API (default 8081;
 * session owners identify themselves with client certificates) and the enclave API (default 18765;
 * attesting services).
 *
 * <p>Until it is provisioned, the CAS logs its key hash and a one-time provisioning token in lines whose
 * value is both the 7th and the last whitespace-separated field (the logback pattern puts exactly a
 * timestamp, the level and the logger before the message), so both
 * {@code grep "CAS key hash" | awk '{ print $7 }'} and {@code … | awk '{print $NF}'} print it.
 */
public final class CasServer implements AutoCloseable {
  /** The logger whose lines operators grep: its name is the single field between level and message. */
  static final Logger LOG = LoggerFactory.getLogger("cas");
  /**
   * Helidon logs through java.util.logging in a format of its own; its routine INFO lines (sockets bound,
   * features) would interleave with the CAS's. Warnings and errors still show. Kept in a field: JUL holds
   * loggers weakly, and a collected logger forgets its level.
   */
  private static final java.util.logging.Logger HELIDON_LOG = quietHelidon();

  static {
    // No TLS session resumption: an enclave connects once per start with a fresh key, so a resumable session
    // could only ever be used by a load generator, and offering one costs a ticket per handshake. With no
    // NewSessionTicket sent, every connection is a full handshake with the client's certificate. Read by the
    // JDK when TLS is first used; explicit settings win.
    if (System.getProperty("jdk.tls.server.enableSessionTicketExtension") == null) {
      System.setProperty("jdk.tls.server.enableSessionTicketExtension", "false");
    }
    if (System.getProperty("jdk.tls.server.newSessionTicketCount") == null) {
      System.setProperty("jdk.tls.server.newSessionTicketCount", "0");
    }
  }

  private static java.util.logging.Logger quietHelidon() {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger("io.helidon");
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  private final CasConfig config;
  /** The CAS's own quote through its LAS; null when started without one. */
  private final CasAttestation selfAttestation;
  /** Replaced (same key, new certificate) when the owner's [api_identity] changes the names. */
  private volatile CasIdentity identity;
  private final WebServer server;
  private final PrometheusMeterRegistry metrics;
  private final Counter requests;
  private final Provisioning provisioning;
  private final AuditLog audit;
  private final CasStore store;
  private final SessionRoutes sessionRoutes;
  private final dev.clave.policy.protect.SessionEncryptionKeyPair encryptionKey;
  private final AttestationRoutes attestationRoutes;
  private final dev.clave.cas.backup.BackupRegistrar backups;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final RestoreDrill drill;
  /** Null when snapshots are off (or the store is PostgreSQL). */
  private final dev.clave.cas.backup.SnapshotScheduler snapshots;

  private CasServer(CasConfig config, CasIdentity identity, CasStore store, Provisioning provisioning, AuditLog audit,
      CasAttestation selfAttestation, dev.clave.cas.store.Sealer sealer, dev.clave.cas.store.BackupIdentity self) {
    this.config = config;
    this.identity = identity;
    this.selfAttestation = selfAttestation;
    this.provisioning = provisioning;
    this.audit = audit;
    this.store = store;
    SessionService sessions = new SessionService(store, java.time.Clock.systemUTC(), new SecureRandom());
    this.encryptionKey = sessionEncryptionKey(store);
    this.sessionRoutes = new SessionRoutes(sessions, audit, encryptionKey);
    this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    dev.clave.attestation.verify.QuoteVerifier verifier = verifier(config.verification());
    this.attestationRoutes = new AttestationRoutes(
        new Attestation(verifier, sessions, java.time.Clock.systemUTC()), audit, metrics);
    this.drill = new RestoreDrill(config.stateDir().resolve("restore-drills"), sealer, self, verifier, selfAttestation,
        java.time.Clock.systemUTC());
    this.backups = new dev.clave.cas.backup.BackupRegistrar(verifier, this::ownQuote,
        identity.certificate().getPublicKey().getEncoded(), (spki, keyHash, platformId) -> {
          if (store instanceof dev.clave.cas.store.SqliteCasStore sqlite) {
            sqlite.registerBackup(spki, keyHash, platformId);
          } else if (store instanceof dev.clave.cas.store.PostgresCasStore pg) {
            pg.registerBackup(spki, keyHash, platformId); // another replica, or a backup
          } else {
            throw new IllegalStateException("this store takes no registrations");
          }
        }, java.time.Clock.systemUTC());
    io.micrometer.core.instrument.FunctionCounter.builder("clave_cas_collateral_cache_hits", verifier,
            v -> v.collateralCacheStats().hits())
        .description("attestations whose collateral was verified before").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("clave_cas_collateral_cache_misses", verifier,
            v -> v.collateralCacheStats().misses())
        .description("attestations whose collateral was verified for the first time").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("clave_cas_sessions", store, st -> st.listSessions("").size())
        .description("sessions in the store").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("clave_cas_store_state_version", store, CasStore::stateVersion)
        .description("writes since the store was created (the rollback-protected version)").register(metrics);
    this.requests = Counter.builder("clave_cas_requests").description("HTTP requests served").register(metrics);
    CasConfig.Snapshots sc = config.snapshots();
    this.snapshots = sc.enabled() && store instanceof dev.clave.cas.store.SqliteCasStore sqlite
        ? new dev.clave.cas.backup.SnapshotScheduler(sqlite, sc.directory(), sc.interval(), sc.keep(),
            java.time.Clock.systemUTC(), metrics)
        : null;
    Tls clientTls = tls(TlsClientAuth.OPTIONAL);
    Tls enclaveTls = tls(TlsClientAuth.OPTIONAL);
    this.server = WebServer.builder()
        .host(config.host())
        .port(config.clientPort())
        .tls(clientTls)
        // Responses are small and every attestation is a new connection: without TCP_NODELAY each one
        // waits for the peer's delayed ACK (tens of milliseconds).
        .connectionOptions(o -> o.tcpNoDelay(true))
        .routing(this::clientRoutes)
        .putSocket("enclave", s -> s.host(config.host()).port(config.enclavePort()).tls(enclaveTls)
            .connectionOptions(o -> o.tcpNoDelay(true))
            .routing(r -> enclaveRoutes(r)))
        .shutdownHook(false)
        .build();
  }

  /** Opens (or creates) the state directory and identity, and starts both listeners. */
  public static CasServer start(CasConfig config) throws IOException {
    return start(config, CasEnclave.SECURITY_VERSION);
  }

  /**
   * Tests only: a CAS whose quote claims ISVSVN {@code securityVersion} instead of this build's, to test backup
   * admission. In simulation the LAS quotes what the CAS claims anyway; on SGX the ISVSVN is the signed enclave's.
   */
  public static CasServer startClaimingSecurityVersionForTesting(CasConfig config, int securityVersion)
      throws IOException {
    return start(config, securityVersion);
  }

  private static CasServer start(CasConfig config, int securityVersion) throws IOException {
    // Before any TLS context exists: the handshake's X25519 and ECDSA P-256 then run on Clave's fast code
    // (about a quarter of the JDK provider's cost; see ClaveCryptoProvider).
    if (ClaveCryptoProvider.install()) {
      LOG.info("TLS handshake crypto: Clave provider (X25519, ECDSA P-256)");
    }
    // Helidon names every accepted TLS connection's SSLEngine by a reverse DNS lookup of the peer; the CAS
    // needs no peer names: refuse reverse lookups, so peers are named by their address (LiteralReverseLookup).
    if (System.getProperty(dev.clave.cas.net.LiteralReverseLookup.PROPERTY) == null) {
      System.setProperty(dev.clave.cas.net.LiteralReverseLookup.PROPERTY, "off");
    }
    Path dir = config.stateDir();
    createPrivateDirectory(dir);
    CasIdentity loaded = CasIdentity.loadOrCreate(dir, config.tlsNames());
    CasAttestation selfAttestation = config.las() == null ? null
        : new CasAttestation(config.las(), loaded.certificate().getPublicKey().getEncoded(), securityVersion);
    // A copy of a primary's database opens here if this CAS is registered as its backup (issue #7).
    String platform = "unknown (no LAS)";
    if (selfAttestation != null) {
      try {
        platform = selfAttestation.quote().platformId();
      } catch (CasAttestation.Unavailable e) {
        platform = "unknown (" + e.getMessage() + ")";
      }
    }
    // A backup taking over: the newest intact snapshot's database goes into the state directory first.
    java.util.Optional<dev.clave.cas.store.Snapshot> restored = java.util.Optional.empty();
    if (config.snapshots().restoreFrom() != null) {
      if (config.store().kind() != CasConfig.Store.Kind.SQLITE) {
        throw new IllegalArgumentException("restoring a snapshot is for the embedded SQLite store; a PostgreSQL store"
            + " is restored with PostgreSQL's tools");
      }
      restored = dev.clave.cas.backup.SnapshotRestore.prepare(dir, config.snapshots().restoreFrom(),
          ConfiguredStore.sealer(dir, platformIdentity()), loaded.keyHash().toString(), java.time.Clock.systemUTC());
    }
    var self = new dev.clave.cas.store.BackupIdentity(loaded.keyHash().toString(), loaded.privateKey(),
        loaded.certificate().getPublicKey().getEncoded(), platform);
    CasStore store = openStore(config, dir, loaded, selfAttestation, self);
    if (restored.isPresent()) {
      // Before anything of the restored store is used (its identity above all): is it what the snapshot says?
      try {
        ((dev.clave.cas.store.SqliteCasStore) store).checkRestoredFrom(restored.get());
      } catch (RuntimeException e) {
        store.close();
        dev.clave.cas.backup.SnapshotRestore.discard(dir);
        throw e;
      }
      LOG.warn("restored snapshot {}: state version {}, {} sessions", restored.get().dir().getFileName(),
          store.stateVersion(), store.listSessions("").size());
    }
    AuditLog audit;
    Provisioning provisioning;
    CasIdentity identity;
    try {
      CasIdentity kept = storeIdentity(store, loaded, dir, config.tlsNames());
      if (kept != loaded) {
        loaded = kept;
        // Registrations made from now on wrap to this key, and a restore drill unwraps with it.
        self = new dev.clave.cas.store.BackupIdentity(loaded.keyHash().toString(), loaded.privateKey(),
            loaded.certificate().getPublicKey().getEncoded(), platform);
        selfAttestation = selfAttestation == null ? null
            : new CasAttestation(config.las(), loaded.certificate().getPublicKey().getEncoded(), securityVersion);
      }
      provisioning = Provisioning.load(store, new SecureRandom());
      identity = withApiIdentity(loaded, dir, config, provisioning.owner().map(Provisioning.Owner::config).orElse(null));
      // Tree heads are signed with the CAS key: whoever pins the CAS by key hash can verify its audit log.
      audit = AuditLog.open(dir, TreeHeadSigner.ecdsaP256(
          new java.security.KeyPair(identity.certificate().getPublicKey(), identity.privateKey())));
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    CasServer cas;
    try {
      cas = new CasServer(config, identity, store, provisioning, audit, selfAttestation,
          ConfiguredStore.sealer(dir, platformIdentity()), self);
    } catch (RuntimeException e) {
      audit.close();
      store.close();
      throw e;
    }
    audit.append(AuditEvent.builder(AuditEventType.CAS_STARTED).detail("keyHash", identity.keyHash().toString()).build());
    cas.server.start();
    cas.ready.set(true);
    if (cas.snapshots != null) {
      cas.snapshots.start();
    }
    LOG.info("Clave CAS listening: client API on port {}, enclave API on port {}, state in {}",
        cas.clientPort(), cas.enclavePort(), dir.toAbsolutePath());
    LOG.warn("the CAS key is protected by the state directory's file permissions only (no SGX sealing in this build)");
    LOG.info("CAS key hash: {}", identity.keyHash());
    provisioning.token().ifPresentOrElse(
        t -> LOG.info("CAS provisioning token: {}", t),
        () -> LOG.info("CAS is provisioned; owner key hash: {}", provisioning.owner().orElseThrow().keyHash()));
    if (cas.selfAttestation != null) {
      try {
        cas.selfAttestation.quote();
        LOG.info("CAS quoted by the LAS at {}: MRENCLAVE {} (owners can attest it: clave cas attest)",
            cas.selfAttestation.las(), cas.selfAttestation.mrEnclave().hex());
      } catch (CasAttestation.Unavailable e) {
        LOG.warn("the CAS cannot be attested yet ({}); it asks the LAS again when an owner asks", e.getMessage());
      }
    }
    return cas;
  }

  /**
   * The identity whose certificate names what the owner's {@code [api_identity]} says (common name, alt names
   * besides the configured TLS names), reissued when it does not yet; unchanged without an owner or names.
   */
  private static CasIdentity withApiIdentity(CasIdentity current, Path dir, CasConfig config, OwnerConfig owner)
      throws IOException {
    if (owner == null || (owner.commonName() == null && owner.altNames().isEmpty())) {
      return current;
    }
    String cn = owner.commonName() != null ? owner.commonName() : "cas";
    List<String> names = new java.util.ArrayList<>(config.tlsNames());
    names.addAll(owner.altNames());
    if (current.names(cn, names)) {
      return current;
    }
    CasIdentity next = current.reissued(dir, cn, names);
    LOG.info("CAS TLS certificate issued for CN={} and alt names {} (same key; key hash {})", cn, names, next.keyHash());
    return next;
  }

  /** After provisioning or a configuration update: new names take effect on both listeners at once. */
  private synchronized void applyApiIdentity(OwnerConfig owner) {
    try {
      CasIdentity next = withApiIdentity(identity, config.stateDir(), config, owner);
      if (next != identity) {
        identity = next;
        server.reloadTls(WebServer.DEFAULT_SOCKET_NAME, tls(TlsClientAuth.OPTIONAL));
        server.reloadTls("enclave", tls(TlsClientAuth.OPTIONAL));
      }
    } catch (IOException | RuntimeException e) {
      // The configuration is stored; the old certificate keeps serving (same key, so clients still connect).
      LOG.error("cannot apply [api_identity] to the TLS certificate: {}", e.getMessage());
    }
  }

  /**
   * What the simulated sealing key is bound to besides the state directory's secret: this machine's ID
   * ({@code CLAVE_PLATFORM_ID}, else {@code /etc/machine-id}), so that a copied state directory does not open
   * elsewhere. SGX sealing replaces it.
   */
  private static byte[] platformIdentity() throws IOException {
    String env = System.getenv("CLAVE_PLATFORM_ID");
    if (env != null && !env.isBlank()) {
      return env.strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    Path machineId = Path.of("/etc/machine-id");
    if (Files.isReadable(machineId)) {
      return Files.readString(machineId).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    LOG.warn("no machine ID (/etc/machine-id, CLAVE_PLATFORM_ID): the store is bound to the state directory only");
    return new byte[0];
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (UnsupportedOperationException e) {
      Files.createDirectories(dir);
    }
  }

  private Tls tls(TlsClientAuth clientAuth) {
    // Clients present self-signed certificates (as the original's CLI does): they are authenticated by their
    // key hashes against access policies, not by a CA, so the TLS layer accepts any client certificate.
    return Tls.builder()
        .privateKey(identity.privateKey())
        .privateKeyCertChain(List.of(identity.certificate()))
        .trustAll(true)
        .clientAuth(clientAuth)
        .sslParameters(tls13(clientAuth))
        .build();
  }

  private static javax.net.ssl.SSLParameters tls13(TlsClientAuth clientAuth) {
    javax.net.ssl.SSLParameters p = new javax.net.ssl.SSLParameters();
    p.setProtocols(new String[] {"TLSv1.3"});
    // Only what Clave's clients and the seeds' identities use (P-256 and RSA certificates, P-384 and Ed25519
    // for other tools): the JDK checks every offered scheme and group against its constraints in each
    // handshake, and the default lists are three times as long.
    p.setNamedGroups(new String[] {"x25519", "secp256r1", "secp384r1"});
    // AES-128-GCM with SHA-256 first, chosen by the server: the key exchange and the signatures are at the
    // 128-bit level anyway, and SHA-384's transcript hash and key schedule cost a full handshake about 0.14 ms
    // more of the CAS's CPU (the JDK's client offers AES-256 first). Clients without it still get the others.
    p.setCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"});
    p.setUseCipherSuitesOrder(true);
    p.setSignatureSchemes(new String[] {"ecdsa_secp256r1_sha256", "ecdsa_secp384r1_sha384", "ed25519",
        "rsa_pss_rsae_sha256", "rsa_pss_rsae_sha384", "rsa_pss_pss_sha256", "rsa_pkcs1_sha256", "rsa_pkcs1_sha384"});
    // One call only: each of the two setters resets the other.
    if (clientAuth == TlsClientAuth.REQUIRED) {
      p.setNeedClientAuth(true);
    } else if (clientAuth == TlsClientAuth.OPTIONAL) {
      p.setWantClientAuth(true);
    }
    return p;
  }

  /**
   * Anything a handler did not expect: logged here with its type, answered with a fixed message. No stack
   * trace and no exception text reaches a client (it could carry state the client may not see); a store
   * that detected tampering says so in the log and keeps refusing.
   */
  private static void internalErrors(HttpRouting.Builder r) {
    r.error(RuntimeException.class, (req, res, e) -> {
      LOG.error("request {} {} failed: {}: {}", req.prologue().method().text(), req.path().path(),
          e.getClass().getSimpleName(), e.getMessage());
      res.status(Status.INTERNAL_SERVER_ERROR_500);
      res.header(HeaderNames.CONTENT_TYPE, "application/json");
      res.send("{\"error\":\"internal error in the CAS; its log says more\"}");
    });
  }

  private void clientRoutes(HttpRouting.Builder r) {
    internalErrors(r);
    r.any((req, res) -> {
      requests.increment();
      res.next();
    });
    health(r);
    r.get("/metrics", (req, res) -> {
      res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
      res.send(metrics.scrape());
    });
    r.get("/v1/cas", this::describe);
    r.get("/v1/cas/attestation", this::attestation);
    r.get("/v1/whoami", this::whoami);
    r.post("/v1/provision", this::provision);
    r.post("/v1/owner/config", this::updateConfig);
    r.get("/v1/audit-log", this::auditLog);
    r.post("/v1/cas/backups", this::registerBackup);
    r.post("/v1/cas/restore-drill", this::restoreDrill);
    r.post("/v1/cas/restore-drills", this::remoteDrill);
    sessionRoutes.register(r);
  }

  /**
   * {@code GET /v1/cas/attestation}: the CAS's own quote, for owners to attest it before trusting it:
   * {@code {"quote": "<base64>", "mrenclave", "mrsigner", "isvProdId", "isvSvn", "reportData":
   * "SHA-512(SubjectPublicKeyInfo of the CAS key)"}}. 404 without a LAS, 503 when the LAS does not answer.
   */
  private void attestation(ServerRequest req, ServerResponse res) {
    CasAttestation a = selfAttestation;
    if (a == null) {
      error(res, Status.NOT_FOUND_404, "this CAS was started without a LAS (cas serve --las HOST:PORT), so it has no quote");
      return;
    }
    try {
      json(res, Status.OK_200, a.attestationJson());
    } catch (CasAttestation.Unavailable e) {
      LOG.warn("no quote for the CAS: {}", e.getMessage());
      error(res, Status.SERVICE_UNAVAILABLE_503, e.getMessage());
    }
  }

  /**
   * {@code GET /v1/audit-log?from=N[&trusted=M][&size=S]}: an audit bundle (signed tree head, entries from N
   * with inclusion proofs, and a consistency proof from the client's trusted size M), for the owner only.
   */
  private void auditLog(ServerRequest req, ServerResponse res) {
    var client = ownerOnly(req, res, "only the CAS owner may read the audit log");
    if (client.isEmpty()) {
      return;
    }
    try {
      long from = longParam(req, "from", 0);
      java.util.OptionalLong trusted = req.query().contains("trusted")
          ? java.util.OptionalLong.of(longParam(req, "trusted", 0)) : java.util.OptionalLong.empty();
      java.util.OptionalLong size = req.query().contains("size")
          ? java.util.OptionalLong.of(longParam(req, "size", 0)) : java.util.OptionalLong.empty();
      json(res, Status.OK_200, new String(audit.bundle(from, trusted, size, 1000).toJson(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      error(res, Status.BAD_REQUEST_400, e.getMessage());
    }
  }

  private static long longParam(ServerRequest req, String name, long dflt) {
    if (!req.query().contains(name)) {
      return dflt;
    }
    try {
      long v = Long.parseLong(req.query().get(name));
      if (v < 0) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a non-negative integer");
    }
  }

  /**
   * {@code POST /v1/provision} {"token", "ownerConfig"}: 201 {"owner"} for the first client with the
   * right token; 409 once provisioned; 403 for another token; 400 for a bad configuration; 401 without a
   * client certificate.
   */
  private void provision(ServerRequest req, ServerResponse res) {
    var client = clientKeyHash(req);
    if (client.isEmpty()) {
      error(res, Status.UNAUTHORIZED_401, "provisioning binds the CAS to the client certificate: present the CLI identity");
      return;
    }
    var body = jsonBody(req, res);
    if (body == null) {
      return;
    }
    OwnerConfig config;
    try {
      config = OwnerConfig.parse(body.path("ownerConfig").asText(""));
    } catch (OwnerConfig.InvalidOwnerConfigException e) {
      error(res, Status.BAD_REQUEST_400, "owner configuration: " + e.getMessage());
      return;
    }
    try {
      Provisioning.Owner owner = provisioning.provision(client.get(), clientCertificate(req), body.path("token").asText(null), config);
      audit.append(AuditEvent.builder(AuditEventType.PROVISIONED).clientKeyHash(owner.keyHash()).build());
      LOG.info("CAS provisioned; owner key hash: {}", owner.keyHash());
      applyApiIdentity(config);
      json(res, Status.CREATED_201, "{\"owner\":\"" + owner.keyHash() + "\"}");
    } catch (Provisioning.ProvisioningException e) {
      LOG.warn("provisioning refused for client {}: {}", client.get(), e.kind());
      error(res, e.kind() == Provisioning.ProvisioningException.Kind.ALREADY_PROVISIONED ? Status.CONFLICT_409 : Status.FORBIDDEN_403,
          e.getMessage());
    }
  }

  /** The owner's key hash if the client is the CAS owner; otherwise answers 403 with {@code refusal}: empty. */
  private java.util.Optional<dev.clave.policy.protect.KeyHash> ownerOnly(ServerRequest req, ServerResponse res,
      String refusal) {
    var client = clientKeyHash(req);
    var owner = provisioning.owner();
    if (client.isEmpty() || owner.isEmpty() || !owner.get().keyHash().equals(client.get())) {
      error(res, Status.FORBIDDEN_403, refusal);
      return java.util.Optional.empty();
    }
    return client;
  }

  /** The largest snapshot database a restore drill accepts. */
  private static final long MAX_DRILL_DATABASE = 1L << 30;
  private static final int MAX_DRILL_MANIFEST = 256 * 1024;

  /**
   * {@code POST /v1/cas/restore-drill} (application/octet-stream: u32 manifest length ‖ {@code snapshot.json} ‖
   * {@code cas.db}), by the owner recorded in the snapshot: runs a {@link RestoreDrill} on this CAS. 200 with the
   * report (passed or not), 403 not the snapshot's owner, 409 a drill is running, 400 a malformed upload.
   */
  private void restoreDrill(ServerRequest req, ServerResponse res) {
    var client = clientKeyHash(req);
    if (client.isEmpty()) {
      error(res, Status.UNAUTHORIZED_401, "present the CLI identity of the snapshot's owner");
      return;
    }
    if (drill.busy()) {
      error(res, Status.CONFLICT_409, "a restore drill is running on this CAS; try again when it has finished");
      return;
    }
    Path root = config.stateDir().resolve("restore-drills");
    Path upload = root.resolve("upload-" + java.util.HexFormat.of().formatHex(new SecureRandom().generateSeed(8)));
    Status status;
    String body;
    try {
      RestoreDrill.createWorkRoot(root);
      RestoreDrill.createWorkRoot(upload);
      receiveSnapshot(req, upload);
      RestoreDrill.Report r = drill.run(upload, client.get());
      audit.append(AuditEvent.builder(AuditEventType.RESTORE_DRILL).clientKeyHash(client.get())
          .detail("passed", String.valueOf(r.passed())).detail("snapshot", String.valueOf(r.snapshot()))
          .detail("stateVersion", String.valueOf(r.stateVersion())).detail("sessions", String.valueOf(r.sessions()))
          .reasons(r.problems()).build());
      var n = JSON.createObjectNode();
      n.put("passed", r.passed());
      n.put("stateVersion", r.stateVersion());
      n.put("created", r.created() == null ? null : r.created().toString());
      n.put("recoveryPointSeconds", r.recoveryPointSeconds());
      n.put("sessions", r.sessions());
      n.put("sessionsRead", r.sessionsRead());
      n.put("attestation", r.attestation());
      r.problems().forEach(n.putArray("problems")::add);
      n.put("durationMillis", r.durationMillis());
      n.put("backupKeyHash", identity.keyHash().toString());
      status = Status.OK_200;
      body = n.toString();
    } catch (IOException | IllegalArgumentException e) {
      status = Status.BAD_REQUEST_400;
      body = JSON.createObjectNode().put("error", "the snapshot upload is malformed: " + e.getMessage()).toString();
    } catch (RestoreDrill.NotOwner e) {
      status = Status.FORBIDDEN_403;
      body = JSON.createObjectNode().put("error", e.getMessage()).toString();
    } catch (IllegalStateException e) {
      status = Status.CONFLICT_409;
      body = JSON.createObjectNode().put("error", e.getMessage()).toString();
    } finally {
      // Before answering: nothing of the snapshot is left on this CAS once the caller has the report.
      try {
        dev.clave.cas.store.SqliteCasStore.deleteTree(upload);
      } catch (IOException e) {
        LOG.warn("could not remove the drill upload {}: {}", upload, e.getMessage());
      }
    }
    json(res, status, body);
  }

  /**
   * {@code POST /v1/cas/restore-drills} {"address": "backup[:port]"}, owner only: sends this CAS's newest snapshot
   * to that registered backup for a {@link RestoreDrill} ({@link RemoteDrill}) and returns its report (200), or
   * 409 (no snapshots, none yet, no registered backup, damaged newest snapshot), 502 (the backup refused).
   */
  private void remoteDrill(ServerRequest req, ServerResponse res) {
    var client = ownerOnly(req, res, "only the CAS owner may start restore drills");
    if (client.isEmpty()) {
      return;
    }
    if (snapshots == null || !(store instanceof dev.clave.cas.store.SqliteCasStore sqlite)) {
      error(res, Status.CONFLICT_409, "this CAS takes no snapshots (cas serve --snapshot-dir DIR): there is nothing"
          + " to drill");
      return;
    }
    var body = jsonBody(req, res);
    if (body == null) {
      return;
    }
    String address = body.path("address").asText("");
    if (address.isBlank()) {
      error(res, Status.BAD_REQUEST_400, "give the backup CAS's address");
      return;
    }
    try {
      RemoteDrill.Answer a = RemoteDrill.run(snapshots.directory(), sqlite, identity, address);
      com.fasterxml.jackson.databind.JsonNode report;
      try {
        report = JSON.readTree(a.body());
      } catch (IOException e) {
        report = null;
      }
      if (a.status() != 200 || report == null || !report.isObject()) {
        String why = report != null ? report.path("error").asText(a.body()) : a.body();
        LOG.error("restore drill on {} refused by the backup ({}): {}", address, a.status(), why);
        error(res, Status.create(502, "Bad Gateway"), "the backup CAS at " + address + " refused the drill ("
            + a.status() + "): " + why);
        return;
      }
      var n = (com.fasterxml.jackson.databind.node.ObjectNode) report;
      n.put("snapshot", a.snapshot().dir().getFileName().toString());
      LOG.info("restore drill of snapshot {} on {}: {}", a.snapshot().dir().getFileName(), address,
          n.path("passed").asBoolean() ? "passed" : "FAILED");
      json(res, Status.OK_200, n.toString());
    } catch (RemoteDrill.Refused e) {
      error(res, Status.CONFLICT_409, e.getMessage());
    }
  }

  private static void receiveSnapshot(ServerRequest req, Path upload) throws IOException {
    try (var in = req.content().inputStream()) {
      byte[] len = in.readNBytes(4);
      if (len.length != 4) {
        throw new IOException("it is shorter than the 4-byte manifest length");
      }
      long n = java.nio.ByteBuffer.wrap(len).getInt() & 0xffffffffL;
      if (n == 0 || n > MAX_DRILL_MANIFEST) {
        throw new IOException("the manifest length is " + n + "; it must be 1 to " + MAX_DRILL_MANIFEST);
      }
      byte[] manifest = in.readNBytes((int) n);
      if (manifest.length != n) {
        throw new IOException("it ends inside the manifest");
      }
      java.nio.file.Files.write(upload.resolve(dev.clave.cas.store.Snapshot.MANIFEST_FILE), manifest);
      long copied = 0;
      byte[] buf = new byte[64 * 1024];
      try (var out = java.nio.file.Files.newOutputStream(upload.resolve(dev.clave.cas.store.SqliteCasStore.DATABASE_FILE))) {
        int r;
        while ((r = in.read(buf)) > 0) {
          copied += r;
          if (copied > MAX_DRILL_DATABASE) {
            throw new IOException("the database is larger than " + MAX_DRILL_DATABASE + " bytes");
          }
          out.write(buf, 0, r);
        }
      }
      if (copied == 0) {
        throw new IOException("it holds no database after the manifest");
      }
    }
  }

  /** The own quote for {@link dev.clave.cas.backup.BackupRegistrar}: none without a LAS. */
  private byte[] ownQuote() throws dev.clave.cas.backup.CasQuoteCheck.Refused {
    CasAttestation a = selfAttestation;
    if (a == null) {
      throw new dev.clave.cas.backup.CasQuoteCheck.Refused("this CAS was started without a LAS (cas serve --las"
          + " HOST:PORT), so it cannot compare a backup's signer, security version and TCB with its own: a primary"
          + " without a LAS cannot register backups");
    }
    try {
      return a.quote().quote();
    } catch (CasAttestation.Unavailable e) {
      throw new dev.clave.cas.backup.CasQuoteCheck.Refused(e.getMessage());
    }
  }

  /**
   * {@code POST /v1/cas/backups} {"address": "host[:port]", "tolerate": ["C", "G", "S"]}, owner only: attests
   * the backup CAS and records the store's key wrapped for it (see {@link dev.clave.cas.backup.BackupRegistrar}).
   * 200 {"keyHash", "platformId", "tcb", "isvSvn"}; 422 with the reason when the backup is not admissible.
   */
  private void registerBackup(ServerRequest req, ServerResponse res) {
    var client = ownerOnly(req, res, "only the CAS owner may register backups");
    if (client.isEmpty()) {
      return;
    }
    var body = jsonBody(req, res);
    if (body == null) {
      return;
    }
    String address = body.path("address").asText("");
    if (address.isBlank()) {
      error(res, Status.BAD_REQUEST_400, "give the backup CAS's address");
      return;
    }
    java.util.Set<String> tol = new java.util.HashSet<>();
    body.path("tolerate").forEach(t -> tol.add(t.asText()));
    var tolerance = new dev.clave.cas.backup.CasQuoteCheck.Tolerance(tol.contains("C"), tol.contains("G"), tol.contains("S"));
    try {
      var r = backups.register(address, tolerance);
      LOG.info("backup CAS registered: key hash {}, platform {}, TCB {}, ISVSVN {}", r.keyHash(), r.platformId(),
          r.tcb(), r.isvSvn());
      audit.append(AuditEvent.builder(AuditEventType.BACKUP_REGISTERED).clientKeyHash(client.get())
          .detail("backupKeyHash", String.valueOf(r.keyHash())).detail("platformId", String.valueOf(r.platformId()))
          .detail("tcb", String.valueOf(r.tcb())).detail("isvSvn", String.valueOf(r.isvSvn())).build());
      json(res, Status.OK_200, JSON.createObjectNode().put("keyHash", r.keyHash()).put("platformId", r.platformId())
          .put("tcb", r.tcb()).put("isvSvn", r.isvSvn()).toString());
    } catch (dev.clave.cas.backup.CasQuoteCheck.Refused e) {
      LOG.warn("backup registration of {} refused: {}", address, e.getMessage());
      audit.append(AuditEvent.builder(AuditEventType.BACKUP_REFUSED).clientKeyHash(client.get())
          .detail("address", address).reason(e.getMessage()).build());
      error(res, Status.create(422, "Unprocessable Content"), e.getMessage());
    }
  }

  /** {@code POST /v1/owner/config} {"ownerConfig"}: the owner replaces the configuration. */
  private void updateConfig(ServerRequest req, ServerResponse res) {
    var client = clientKeyHash(req);
    if (client.isEmpty()) {
      error(res, Status.UNAUTHORIZED_401, "present the owner's CLI identity");
      return;
    }
    var body = jsonBody(req, res);
    if (body == null) {
      return;
    }
    try {
      OwnerConfig config = OwnerConfig.parse(body.path("ownerConfig").asText(""));
      provisioning.updateConfig(client.get(), clientCertificate(req), config);
      audit.append(AuditEvent.builder(AuditEventType.CONFIG_UPDATED).clientKeyHash(client.get()).build());
      LOG.info("owner configuration updated");
      applyApiIdentity(config);
      json(res, Status.OK_200, "{\"updated\":true}");
    } catch (OwnerConfig.InvalidOwnerConfigException e) {
      error(res, Status.BAD_REQUEST_400, "owner configuration: " + e.getMessage());
    } catch (Provisioning.ProvisioningException e) {
      error(res, e.kind() == Provisioning.ProvisioningException.Kind.NOT_OWNER ? Status.FORBIDDEN_403 : Status.CONFLICT_409,
          e.getMessage());
    }
  }

  private static final int MAX_BODY = 1 << 20;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  /** The request's JSON object, or null after answering 400/413. */
  private static com.fasterxml.jackson.databind.JsonNode jsonBody(ServerRequest req, ServerResponse res) {
    byte[] bytes;
    try (var in = req.content().inputStream()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    } catch (java.io.IOException e) {
      error(res, Status.BAD_REQUEST_400, "the request body could not be read");
      return null;
    }
    if (bytes.length > MAX_BODY) {
      error(res, Status.REQUEST_ENTITY_TOO_LARGE_413, "the request body is larger than " + MAX_BODY + " bytes");
      return null;
    }
    try {
      var n = JSON.readTree(bytes);
      if (n == null || !n.isObject()) {
        error(res, Status.BAD_REQUEST_400, "the request body must be a JSON object");
        return null;
      }
      return n;
    } catch (java.io.IOException e) {
      error(res, Status.BAD_REQUEST_400, "the request body is not JSON");
      return null;
    }
  }

  private static void error(ServerResponse res, Status status, String message) {
    var n = JSON.createObjectNode();
    n.put("error", message);
    json(res, status, n.toString());
  }

  /** The client's TLS certificate (DER), or none. */
  static byte[] clientCertificate(ServerRequest req) {
    return req.remotePeer().tlsCertificates().filter(c -> c.length > 0).map(c -> {
      try {
        return c[0].getEncoded();
      } catch (java.security.cert.CertificateEncodingException e) {
        return new byte[0];
      }
    }).orElse(new byte[0]);
  }

  /** The key hash of the client's TLS certificate: what access policies and the owner binding use. */
  static java.util.Optional<dev.clave.policy.protect.KeyHash> clientKeyHash(ServerRequest req) {
    return req.remotePeer().tlsCertificates()
        .filter(chain -> chain.length > 0)
        .map(chain -> dev.clave.policy.protect.KeyHash.of(chain[0].getPublicKey().getEncoded()));
  }

  private void whoami(ServerRequest req, ServerResponse res) {
    clientKeyHash(req).ifPresentOrElse(
        k -> json(res, Status.OK_200, "{\"keyHash\":\"" + k + "\"}"),
        () -> json(res, Status.UNAUTHORIZED_401, "{\"error\":\"no client certificate: present the CLI identity\"}"));
  }

  private void enclaveRoutes(HttpRouting.Builder r) {
    internalErrors(r);
    health(r);
    attestationRoutes.register(r);
  }

  /**
   * The configured store; a replica of a PostgreSQL store that is not registered yet waits for its registration,
   * serving meanwhile what a running replica needs to attest it ({@link JoiningServer}).
   */
  private static CasStore openStore(CasConfig config, Path dir, CasIdentity identity, CasAttestation attestation,
      dev.clave.cas.store.BackupIdentity self) throws IOException {
    JoiningServer joining = null;
    try {
      while (true) {
        try {
          CasStore store = ConfiguredStore.open(config.store(), dir, platformIdentity(), self);
          if (joining != null) {
            LOG.info("registered: this replica joined the store");
          }
          return store;
        } catch (dev.clave.cas.store.NotRegisteredException e) {
          if (joining == null) {
            joining = JoiningServer.start(config, identity, attestation);
            LOG.warn("{}", e.getMessage());
            LOG.warn("waiting to be registered; meanwhile port {} serves this CAS's key hash {} and quote",
                joining.port(), identity.keyHash());
          }
          try {
            Thread.sleep(JOIN_POLL_MILLIS);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to be registered");
          }
        }
      }
    } finally {
      if (joining != null) {
        joining.close();
      }
    }
  }

  private static final long JOIN_POLL_MILLIS = 1000;

  private static final String ENCRYPTION_KEY_BLOB = "session-encryption-key";
  static final String IDENTITY_KEY_BLOB = "cas-identity-key";

  /**
   * The CAS identity belongs to the store, not to the machine: the first CAS to open a store keeps its key there
   * (encrypted like every value); a registered backup restoring the store, or another replica of a shared one,
   * takes that key over. So the key hash owners, the CLI and the operator pinned survives a failover, and all
   * replicas answer with one key hash.
   */
  private static CasIdentity storeIdentity(CasStore store, CasIdentity loaded, Path dir, List<String> names)
      throws IOException {
    var kept = store.getBlob(IDENTITY_KEY_BLOB);
    if (kept.isEmpty()) {
      store.putBlob(IDENTITY_KEY_BLOB, loaded.privateKeyPkcs8());
      return loaded;
    }
    if (java.security.MessageDigest.isEqual(kept.get(), loaded.privateKeyPkcs8())) {
      return loaded;
    }
    CasIdentity adopted = CasIdentity.adopt(loaded, dir, kept.get(), names);
    if (adopted == loaded) {
      return loaded;
    }
    LOG.warn("this CAS took over the identity kept in its store: key hash {} (it was {}); clients that pinned {}"
        + " keep working", adopted.keyHash(), loaded.keyHash(), adopted.keyHash());
    return adopted;
  }

  /** The X25519 key policies are encrypted to: made on first start, kept in the (encrypted) store. */
  private static dev.clave.policy.protect.SessionEncryptionKeyPair sessionEncryptionKey(CasStore store) {
    var stored = store.getBlob(ENCRYPTION_KEY_BLOB);
    if (stored.isPresent()) {
      return dev.clave.policy.protect.SessionEncryptionKeyPair.fromPrivateKey(stored.get());
    }
    var generated = dev.clave.policy.protect.SessionEncryptionKeyPair.generate();
    store.putBlob(ENCRYPTION_KEY_BLOB, generated.privateKeyBytes());
    return generated;
  }

  /** The quote verifier: Intel's root always; simulation roots only as configured, and said loudly. */
  private static dev.clave.attestation.verify.QuoteVerifier verifier(CasConfig.Verification v) {
    var b = dev.clave.attestation.verify.QuoteVerifier.builder();
    for (Path pem : v.simulationRoots()) {
      try {
        byte[] der = dev.clave.attestation.pki.PemCertificates.decode(Files.readAllBytes(pem), "simulation root " + pem).get(0);
        dev.clave.attestation.verify.TrustedRoot root = dev.clave.attestation.verify.TrustedRoot.simulation(der);
        b.trustRoot(root);
        LOG.warn("TRUSTING A SIMULATION ROOT ({}): quotes it signs prove nothing about hardware; for testing only", root);
      } catch (IOException | dev.clave.attestation.pki.PkiException | RuntimeException e) {
        throw new IllegalArgumentException("simulation root " + pem + ": " + e.getMessage());
      }
    }
    try {
      if (v.collateralDir() != null) {
        b.collateralSource(dev.clave.attestation.collateral.CollateralBundle.open(v.collateralDir()));
        LOG.info("collateral from {}", v.collateralDir());
      } else {
        var pcs = dev.clave.attestation.collateral.PcsCollateralSource.builder();
        if (v.pcs() != null) {
          pcs.baseUrl(v.pcs());
        }
        b.collateralSource(pcs.build());
        LOG.info("collateral from {}", v.pcs() != null ? v.pcs() : "Intel's PCS");
      }
    } catch (dev.clave.attestation.collateral.CollateralException e) {
      throw new IllegalArgumentException("collateral: " + e.getMessage());
    }
    return b.build();
  }

  private void health(HttpRouting.Builder r) {
    r.get("/health/live", (req, res) -> json(res, Status.OK_200, "{\"status\":\"UP\"}"));
    r.get("/health/ready", (req, res) -> {
      boolean up = ready.get();
      json(res, up ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, "{\"status\":\"" + (up ? "UP" : "DOWN") + "\""
          + ",\"snapshots\":" + snapshotsJson() + "}");
    });
    // Not part of readiness: a CAS whose snapshots fail keeps serving; this is what alerts watch.
    r.get("/health/snapshots", (req, res) -> {
      boolean failing = snapshots != null
          && snapshots.state().status() == dev.clave.cas.backup.SnapshotScheduler.Status.FAILED;
      json(res, failing ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200, snapshotsJson());
    });
  }

  private void describe(ServerRequest req, ServerResponse res) {
    json(res, Status.OK_200, "{\"keyHash\":\"" + identity.keyHash() + "\",\"provisioned\":" + provisioning.provisioned()
        + ",\"sessionEncryptionKey\":\"" + encryptionKey.publicKeyHex() + "\",\"snapshots\":" + snapshotsJson() + "}");
  }

  /** {"status": Disabled|Initializing|Persisted|Failed, "timestamp", "version", "interval", "error"}. */
  private String snapshotsJson() {
    com.fasterxml.jackson.databind.node.ObjectNode o = SNAPSHOT_JSON.createObjectNode();
    if (snapshots == null) {
      o.put("status", dev.clave.cas.backup.SnapshotScheduler.Status.DISABLED.text());
      return o.toString();
    }
    var st = snapshots.state();
    o.put("status", st.status().text());
    if (st.lastSnapshot() != null) {
      o.put("timestamp", st.lastSnapshot().toString());
      o.put("version", st.lastVersion());
    }
    o.put("interval", st.interval().toSeconds() + "s");
    if (st.lastCheck() != null) {
      o.put("checked", st.lastCheck().toString());
    }
    if (st.error() != null) {
      o.put("error", st.error());
    }
    return o.toString();
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper SNAPSHOT_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Takes a snapshot now, even if nothing changed ({@code SIGUSR1}); false when snapshots are off. */
  public boolean requestSnapshot() {
    if (snapshots == null) {
      LOG.warn("a snapshot was requested, but snapshots are off (cas serve --snapshot-dir DIR)");
      return false;
    }
    snapshots.requestNow();
    return true;
  }

  /** The snapshot scheduler, if snapshots are on. */
  public java.util.Optional<dev.clave.cas.backup.SnapshotScheduler> snapshots() {
    return java.util.Optional.ofNullable(snapshots);
  }

  private static void json(ServerResponse res, Status status, String body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(body);
  }

  public int clientPort() {
    return server.port();
  }

  public int enclavePort() {
    return server.port("enclave");
  }

  /** The provisioning token while unprovisioned (it is also in the log). */
  public java.util.Optional<String> provisioningToken() {
    return provisioning.token();
  }

  public CasIdentity identity() {
    return identity;
  }

  public CasConfig config() {
    return config;
  }

  /** Stops accepting connections and lets requests in flight finish. */
  @Override
  public void close() {
    ready.set(false);
    server.stop();
    try {
      audit.append(AuditEvent.of(AuditEventType.CAS_STOPPED));
      audit.close();
    } catch (java.io.IOException | RuntimeException e) {
      LOG.error("the audit log did not close cleanly: {}", e.getMessage());
    }
    if (snapshots != null) {
      try {
        snapshots.takeNow(false); // writes since the last one are in a snapshot before the CAS is gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        LOG.error("the snapshot at shutdown failed: {}", e.getMessage());
      }
      snapshots.close();
    }
    metrics.close();
    store.close();
    LOG.info("Clave CAS stopped");
  }
}
