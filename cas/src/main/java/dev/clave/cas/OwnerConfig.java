package dev.clave.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The owner configuration uploaded at provisioning ({@code owner.toml}, the original's format, seed 003):
 *
 * <pre>
 * [api_identity]
 * common_name = "mycas"
 * alt_names = ["mycas", "cas", "localhost", "10.0.0.5"]
 *
 * [dcap]
 * subscription_key = "00000000000000000000000000000000"   # Intel PCS API key (PCK certificates)
 * </pre>
 *
 * Every section and key is optional; unknown ones are refused, naming them. The subscription key is a
 * credential: it is never logged or echoed.
 *
 * @param text the file as uploaded (kept so that the owner can read back exactly what was configured)
 */
public record OwnerConfig(String text, String commonName, List<String> altNames, String dcapSubscriptionKey) {
  public static final int MAX_BYTES = 64 * 1024;
  private static final Map<String, Set<String>> KNOWN = Map.of(
      "api_identity", Set.of("common_name", "alt_names"),
      "dcap", Set.of("subscription_key"));

  public OwnerConfig {
    altNames = List.copyOf(altNames);
  }

  /** Parses an owner configuration; the message of the exception says which key is wrong and why. */
  public static OwnerConfig parse(String toml) throws InvalidOwnerConfigException {
    if (toml.length() > MAX_BYTES) {
      throw new InvalidOwnerConfigException("the owner configuration is larger than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = new TomlMapper().readTree(toml);
    } catch (IOException e) {
      throw new InvalidOwnerConfigException("the owner configuration is not TOML: " + firstLine(e.getMessage()));
    }
    for (Map.Entry<String, JsonNode> section : root.properties()) {
      Set<String> keys = KNOWN.get(section.getKey());
      if (keys == null) {
        throw new InvalidOwnerConfigException("unknown section [" + section.getKey() + "]; known: [api_identity], [dcap]");
      }
      if (!section.getValue().isObject()) {
        throw new InvalidOwnerConfigException(section.getKey() + " must be a table ([" + section.getKey() + "])");
      }
      for (Map.Entry<String, JsonNode> key : section.getValue().properties()) {
        if (!keys.contains(key.getKey())) {
          throw new InvalidOwnerConfigException("unknown key " + section.getKey() + "." + key.getKey() + "; known: "
              + String.join(", ", keys.stream().sorted().toList()));
        }
      }
    }
    JsonNode api = root.path("api_identity");
    String cn = text(api, "api_identity.common_name");
    List<String> alt = new ArrayList<>();
    JsonNode names = api.path("alt_names");
    if (!names.isMissingNode()) {
      if (!names.isArray()) {
        throw new InvalidOwnerConfigException("api_identity.alt_names must be a list of names");
      }
      for (JsonNode n : names) {
        if (!n.isTextual() || n.asText().isBlank() || n.asText().length() > 253) {
          throw new InvalidOwnerConfigException("api_identity.alt_names entries must be DNS names or IP addresses");
        }
        alt.add(n.asText());
      }
    }
    String key = text(root.path("dcap"), "dcap.subscription_key");
    return new OwnerConfig(toml, cn, alt, key);
  }

  private static String text(JsonNode n, String what) throws InvalidOwnerConfigException {
    String field = what.substring(what.indexOf('.') + 1);
    JsonNode v = n.path(field);
    if (v.isMissingNode()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new InvalidOwnerConfigException(what + " must be a string");
    }
    return v.asText();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public String toString() {
    return "OwnerConfig[common_name=" + commonName + ", alt_names=" + altNames
        + (dcapSubscriptionKey != null ? ", dcap subscription key set" : "") + "]";
  }

  /** A malformed owner configuration. */
  public static final class InvalidOwnerConfigException extends Exception {
    public InvalidOwnerConfigException(String message) {
      super(message, null, false, false);
    }
  }
}
