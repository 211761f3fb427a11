package dev.clave.cas;

import dev.clave.cas.store.AlreadyProvisionedException;
import dev.clave.cas.store.CasStore;
import dev.clave.cas.store.ProvisioningState;
import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who owns this CAS. A fresh CAS is unprovisioned and holds a one-time provisioning token (32 hex, made at
 * each start while unprovisioned and shown only in its log; the store keeps only its SHA-256). The first
 * client that presents it becomes the owner, bound to the key hash of its TLS client certificate, with its
 * owner configuration. Afterwards every provisioning attempt is refused, whatever the token, and only the
 * owner may change the configuration.
 */
public final class Provisioning {
  /** The owner: the key hash of its client certificate, and its configuration. */
  public record Owner(KeyHash keyHash, OwnerConfig config) {}

  private final CasStore store;
  private final String token;
  private volatile Owner owner;

  private Provisioning(CasStore store, Owner owner, String token) {
    this.store = store;
    this.owner = owner;
    this.token = token;
  }

  /** The provisioning state kept in {@code store}; a new token when unprovisioned. */
  public static Provisioning load(CasStore store, SecureRandom random) {
    Optional<ProvisioningState> state = store.provisioningState();
    if (state.isPresent() && state.get() instanceof ProvisioningState.Provisioned p) {
      return new Provisioning(store, owner(p), null);
    }
    byte[] t = new byte[16];
    random.nextBytes(t);
    String token = HexFormat.of().formatHex(t);
    store.setUnprovisioned(new ProvisioningState.Unprovisioned(sha256(token)));
    return new Provisioning(store, null, token);
  }

  private static Owner owner(ProvisioningState.Provisioned p) {
    try {
      return new Owner(p.ownerKeyHash(), OwnerConfig.parse(new String(p.ownerConfig(), StandardCharsets.UTF_8)));
    } catch (OwnerConfig.InvalidOwnerConfigException e) {
      throw new IllegalStateException("the stored owner configuration no longer parses: " + e.getMessage());
    }
  }

  public boolean provisioned() {
    return owner != null;
  }

  public Optional<Owner> owner() {
    return Optional.ofNullable(owner);
  }

  /** The token to show in the log, while unprovisioned. */
  public Optional<String> token() {
    return owner == null ? Optional.ofNullable(token) : Optional.empty();
  }

  /**
   * Makes {@code client} the owner if {@code presentedToken} is this CAS's token and nobody owns it yet.
   *
   * @throws ProvisioningException ALREADY_PROVISIONED or WRONG_TOKEN (neither says anything about the token)
   */
  public synchronized Owner provision(KeyHash client, byte[] clientCertificate, String presentedToken, OwnerConfig config)
      throws ProvisioningException {
    if (owner != null || token == null) {
      throw alreadyProvisioned();
    }
    byte[] expected = sha256(token);
    byte[] presented = sha256(presentedToken == null ? "" : presentedToken.strip().toLowerCase());
    if (!MessageDigest.isEqual(expected, presented)) {
      throw new ProvisioningException(ProvisioningException.Kind.WRONG_TOKEN,
          "the provisioning token is not this CAS's (it is in the CAS log: grep \"CAS provisioning token\")");
    }
    try {
      store.provision(new ProvisioningState.Provisioned(client, clientCertificate,
          config.text().getBytes(StandardCharsets.UTF_8)));
    } catch (AlreadyProvisionedException e) {
      throw alreadyProvisioned();
    }
    Owner o = new Owner(client, config);
    owner = o;
    return o;
  }

  private static ProvisioningException alreadyProvisioned() {
    return new ProvisioningException(ProvisioningException.Kind.ALREADY_PROVISIONED,
        "this CAS is provisioned already; its owner can change the configuration with update-config");
  }

  /** Replaces the owner configuration; only the owner may. */
  public synchronized Owner updateConfig(KeyHash client, byte[] clientCertificate, OwnerConfig config) throws ProvisioningException {
    Owner o = owner;
    if (o == null) {
      throw new ProvisioningException(ProvisioningException.Kind.NOT_PROVISIONED, "this CAS is not provisioned yet");
    }
    if (!o.keyHash().equals(client)) {
      throw new ProvisioningException(ProvisioningException.Kind.NOT_OWNER, "only the CAS owner may change its configuration");
    }
    store.updateOwner(new ProvisioningState.Provisioned(client, clientCertificate, config.text().getBytes(StandardCharsets.UTF_8)));
    Owner updated = new Owner(client, config);
    owner = updated;
    return updated;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Why provisioning or a configuration change was refused. */
  public static final class ProvisioningException extends Exception {
    public enum Kind {
      ALREADY_PROVISIONED,
      WRONG_TOKEN,
      NOT_PROVISIONED,
      NOT_OWNER
    }

    private final Kind kind;

    public ProvisioningException(Kind kind, String message) {
      super(message, null, false, false);
      this.kind = kind;
    }

    public Kind kind() {
      return kind;
    }
  }
}
