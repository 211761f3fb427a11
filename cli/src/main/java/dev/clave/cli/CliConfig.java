package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.cas.client.ClientIdentity;
import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CLI's configuration file: its TLS identity (which CAS access policies and CAS ownership name by key
 * hash) and the CASes it knows, each pinned by key hash. Found at {@code $CLAVE_CLI_CONFIG}, else
 * {@code $SCONE_CLI_CONFIG} (so the original's environment keeps working), else {@code ~/.cas/config.json};
 * created on first use with a new P-256 identity, readable by the owner only.
 *
 * <pre>{"identity": "&lt;PEM: PKCS#8 PRIVATE KEY, CERTIFICATE&gt;",
 *  "defaultCas": "cas.example:8081",
 *  "cas": {"cas.example:8081": {"keyHash": "&lt;Base58Check&gt;"}}}</pre>
 */
final class CliConfig {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final ClientIdentity identity;
  private final Map<String, KeyHash> cas;
  private String defaultCas;

  private CliConfig(Path file, ClientIdentity identity, Map<String, KeyHash> cas, String defaultCas) {
    this.file = file;
    this.identity = identity;
    this.cas = cas;
    this.defaultCas = defaultCas;
  }

  /** Where the configuration lives for this environment. */
  static Path location(Map<String, String> env) {
    String property = System.getProperty("clave.cli.config"); // embedding and tests: one JVM, several CLIs
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    for (String var : new String[] {"CLAVE_CLI_CONFIG", "SCONE_CLI_CONFIG"}) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        return Path.of(v);
      }
    }
    return Path.of(System.getProperty("user.home"), ".cas", "config.json");
  }

  /** Loads the configuration, creating it (with a new identity) when the file does not exist. */
  static CliConfig loadOrCreate(Path file) {
    if (!Files.exists(file)) {
      CliConfig fresh = new CliConfig(file, ClientIdentity.generate(), new LinkedHashMap<>(), null);
      fresh.save();
      return fresh;
    }
    JsonNode root;
    try {
      root = JSON.readTree(Inputs.read(file, "CLI config"));
    } catch (IOException e) {
      throw new Errors.UserError("CLI config " + file + " is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("identity").isTextual()) {
      throw new Errors.UserError("CLI config " + file + " has no \"identity\" (a PEM private key and certificate)");
    }
    ClientIdentity identity;
    try {
      identity = ClientIdentity.fromPem(root.get("identity").asText());
    } catch (IOException e) {
      throw new Errors.UserError("CLI config " + file + ": identity: " + e.getMessage());
    }
    Map<String, KeyHash> known = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.path("cas").properties()) {
      try {
        known.put(e.getKey(), KeyHash.parse(e.getValue().path("keyHash").asText()));
      } catch (InvalidEncodingException ex) {
        throw new Errors.UserError("CLI config " + file + ": cas." + e.getKey() + ".keyHash: " + ex.getMessage());
      }
    }
    String dflt = root.path("defaultCas").isTextual() ? root.get("defaultCas").asText() : null;
    return new CliConfig(file, identity, known, dflt);
  }

  /** Replaces the identity with one made from a PKCS#8 key file (optionally followed by its certificate). */
  CliConfig withIdentityFrom(Path pemFile) {
    try {
      return new CliConfig(file, ClientIdentity.fromPem(new String(Inputs.read(pemFile, "identity file"), StandardCharsets.US_ASCII)),
          cas, defaultCas);
    } catch (IOException e) {
      throw new Errors.UserError("identity file " + pemFile + ": " + e.getMessage());
    }
  }

  ClientIdentity identity() {
    return identity;
  }

  Optional<KeyHash> keyHash(String address) {
    return Optional.ofNullable(cas.get(address));
  }

  Optional<String> defaultCas() {
    return Optional.ofNullable(defaultCas);
  }

  /** Remembers a CAS (pinned by its key hash) and makes it the default. */
  void remember(String address, KeyHash keyHash) {
    cas.put(address, keyHash);
    defaultCas = address;
  }

  /** Remembers a CAS by its key hash without making it the default (a backup CAS). */
  void pin(String address, KeyHash keyHash) {
    cas.put(address, keyHash);
  }

  /** Writes the file atomically, owner-only. */
  void save() {
    ObjectNode root = JSON.createObjectNode();
    root.put("identity", identity.toPem());
    if (defaultCas != null) {
      root.put("defaultCas", defaultCas);
    }
    ObjectNode known = root.putObject("cas");
    cas.forEach((addr, hash) -> known.putObject(addr).put("keyHash", hash.toString()));
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".config", ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the directory's protection applies
      }
      Files.writeString(tmp, JSON.writeValueAsString(root), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new Errors.UserError("cannot write CLI config " + file + ": " + e.getMessage());
    }
  }

  Path file() {
    return file;
  }
}
