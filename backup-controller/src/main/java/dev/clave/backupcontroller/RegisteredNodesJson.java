package dev.clave.backupcontroller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** The round's result as the original printed it (Python's {@code json.dumps(indent=4)}): four-space indent, {@code ": "}. */
final class RegisteredNodesJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RegisteredNodesJson() {}

  static String format(Map<String, Boolean> registered) {
    if (registered.isEmpty()) {
      return "{}";
    }
    StringBuilder b = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Boolean> e : registered.entrySet()) {
      b.append("    ").append(quote(e.getKey())).append(": ").append(e.getValue());
      b.append(++i < registered.size() ? ",\n" : "\n");
    }
    return b.append('}').toString();
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
