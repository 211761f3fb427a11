package dev.clave.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.policy.secrets.KeyType;
import dev.clave.policy.secrets.SecretValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's generated secret values as bytes for the store (which encrypts them): a JSON object of
 * {@code name → {type, …}} with binary fields in base64. Versioned by its {@code "v"} field.
 *
 * <pre>{"v":1,"secrets":{"db_password":{"type":"ascii","value":"…"},
 *   "key":{"type":"private-key","keyType":"P-256","pkcs8":"…"},
 *   "cert":{"type":"certificate","der":"…","chain":["…"],"privateKey":{…}}}}</pre>
 */
final class SecretsCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private SecretsCodec() {}

  static byte[] encode(Map<String, SecretValue> values) {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", 1);
    ObjectNode secrets = root.putObject("secrets");
    values.forEach((name, v) -> secrets.set(name, value(v)));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode secrets", e);
    }
  }

  private static ObjectNode value(SecretValue v) {
    ObjectNode n = JSON.createObjectNode();
    switch (v) {
      case SecretValue.Ascii a -> n.put("type", "ascii").put("value", a.value());
      case SecretValue.Binary b -> n.put("type", "binary").put("bytes", B64.encodeToString(b.bytes()));
      case SecretValue.PrivateKey k -> n.put("type", "private-key").put("keyType", k.keyType().yamlName())
          .put("pkcs8", B64.encodeToString(k.pkcs8()));
      case SecretValue.PublicKey p -> n.put("type", "public-key").put("spki", B64.encodeToString(p.spki()));
      case SecretValue.Certificate c -> {
        n.put("type", "certificate").put("der", B64.encodeToString(c.der()));
        ArrayNode chain = n.putArray("chain");
        c.chain().forEach(der -> chain.add(B64.encodeToString(der)));
        if (c.privateKey() != null) {
          n.set("privateKey", value(c.privateKey()));
        }
      }
    }
    return n;
  }

  static Map<String, SecretValue> decode(byte[] bytes) throws IOException {
    JsonNode root = JSON.readTree(bytes);
    if (root == null || root.path("v").asInt() != 1 || !root.path("secrets").isObject()) {
      throw new IOException("stored secrets are not in format version 1");
    }
    Map<String, SecretValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : root.get("secrets").properties()) {
      try {
        out.put(e.getKey(), value(e.getValue()));
      } catch (RuntimeException ex) {
        throw new IOException("stored secret " + e.getKey() + " is unreadable");
      }
    }
    return out;
  }

  private static SecretValue value(JsonNode n) throws IOException {
    return switch (n.path("type").asText()) {
      case "ascii" -> new SecretValue.Ascii(n.path("value").asText());
      case "binary" -> new SecretValue.Binary(UNB64.decode(n.path("bytes").asText()));
      case "private-key" -> privateKey(n);
      case "public-key" -> new SecretValue.PublicKey(UNB64.decode(n.path("spki").asText()));
      case "certificate" -> {
        List<byte[]> chain = new ArrayList<>();
        for (JsonNode c : n.path("chain")) {
          chain.add(UNB64.decode(c.asText()));
        }
        yield new SecretValue.Certificate(UNB64.decode(n.path("der").asText()), chain,
            n.has("privateKey") ? privateKey(n.get("privateKey")) : null);
      }
      default -> throw new IOException("unknown secret type " + n.path("type").asText());
    };
  }

  private static SecretValue.PrivateKey privateKey(JsonNode n) throws IOException {
    KeyType t = KeyType.byName(n.path("keyType").asText()).orElseThrow(() -> new IOException("unknown key type"));
    return new SecretValue.PrivateKey(t, UNB64.decode(n.path("pkcs8").asText()));
  }
}
