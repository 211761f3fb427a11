package dev.clave.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who owns this CAS. A fresh CAS is unprovisioned and holds a one-time provisioning token (32 hex, made at
 * start and shown only in its log); the first client that presents it becomes the owner, bound to the key
 * hash of its TLS client certificate, with its owner configuration. Afterwards every provisioning attempt
 * is refused, whatever the token: there is exactly one owner, and only the owner may change the
 * configuration.
 */
public final class Provisioning {
  static final String OWNER_BLOB = "owner";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the owner is kept (the CAS store's small named blobs). */
  public interface Blobs {
    Optional<byte[]> get(String name) throws IOException;

    void put(String name, byte[] value) throws IOException;
  }

  /** The owner: the key hash of its client certificate, and its configuration. */
  public record Owner(KeyHash keyHash, OwnerConfig config) {}

  private final Blobs blobs;
  private final String token;
  private Owner owner;

  private Provisioning(Blobs blobs, Owner owner, String token) {
    this.blobs = blobs;
    this.owner = owner;
    this.token = token;
  }

  /** The provisioning state kept in {@code blobs}; a new token when unprovisioned. */
  public static Provisioning load(Blobs blobs, SecureRandom random) throws IOException {
    Optional<byte[]> stored = blobs.get(OWNER_BLOB);
    if (stored.isPresent()) {
      return new Provisioning(blobs, decode(stored.get()), null);
    }
    byte[] t = new byte[16];
    random.nextBytes(t);
    return new Provisioning(blobs, null, HexFormat.of().formatHex(t));
  }

  public synchronized boolean provisioned() {
    return owner != null;
  }

  public synchronized Optional<Owner> owner() {
    return Optional.ofNullable(owner);
  }

  /** The token to show in the log, while unprovisioned. */
  public synchronized Optional<String> token() {
    return owner == null ? Optional.of(token) : Optional.empty();
  }

  /**
   * Makes {@code client} the owner if {@code presentedToken} is this CAS's token and nobody owns it yet.
   *
   * @throws ProvisioningException ALREADY_PROVISIONED or WRONG_TOKEN (neither says anything about the token)
   */
  public synchronized Owner provision(KeyHash client, String presentedToken, OwnerConfig config)
      throws ProvisioningException, IOException {
    if (owner != null) {
      throw new ProvisioningException(ProvisioningException.Kind.ALREADY_PROVISIONED,
          "this CAS is provisioned already; its owner can change the configuration with update-config");
    }
    if (presentedToken == null || !MessageDigest.isEqual(
        token.getBytes(StandardCharsets.US_ASCII), presentedToken.strip().toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
      throw new ProvisioningException(ProvisioningException.Kind.WRONG_TOKEN,
          "the provisioning token is not this CAS's (it is in the CAS log: grep \"CAS provisioning token\")");
    }
    Owner o = new Owner(client, config);
    blobs.put(OWNER_BLOB, encode(o));
    owner = o;
    return o;
  }

  /** Replaces the owner configuration; only the owner may. */
  public synchronized Owner updateConfig(KeyHash client, OwnerConfig config) throws ProvisioningException, IOException {
    if (owner == null) {
      throw new ProvisioningException(ProvisioningException.Kind.NOT_PROVISIONED, "this CAS is not provisioned yet");
    }
    if (!owner.keyHash().equals(client)) {
      throw new ProvisioningException(ProvisioningException.Kind.NOT_OWNER, "only the CAS owner may change its configuration");
    }
    Owner o = new Owner(client, config);
    blobs.put(OWNER_BLOB, encode(o));
    owner = o;
    return o;
  }

  private static byte[] encode(Owner o) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("keyHash", o.keyHash().toString());
    n.put("config", o.config().text());
    return JSON.writeValueAsBytes(n);
  }

  private static Owner decode(byte[] bytes) throws IOException {
    JsonNode n = JSON.readTree(bytes);
    try {
      return new Owner(KeyHash.parse(n.path("keyHash").asText()), OwnerConfig.parse(n.path("config").asText()));
    } catch (OwnerConfig.InvalidOwnerConfigException | RuntimeException e) {
      throw new IOException("the stored owner record is unreadable: " + e.getMessage());
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
