package dev.clave.cas.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The strict JSON reading of the audit package: no duplicate keys, no trailing content, bounded depth and
 * lengths, exact types, no unknown fields; every error names the field path and the reason.
 */
final class JsonInput {
  private JsonInput() {}

  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(16)
              .maxNumberLength(20)
              .maxStringLength(1 << 20)
              .build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();

  /** Parses one JSON document of at most {@code maxBytes} bytes. */
  static JsonNode parse(byte[] json, int maxBytes, String what) {
    if (json.length > maxBytes) {
      throw new AuditFormatException(what + " is " + json.length + " bytes, more than the " + maxBytes
          + " allowed");
    }
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new AuditFormatException(what + " is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new AuditFormatException(what + " is not valid JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new AuditFormatException(what + " could not be read: " + e.getMessage());
    }
  }

  /** A JSON object with its path, read field by field. */
  static final class Obj {
    private final JsonNode node;
    private final String path;

    private Obj(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    static Obj of(JsonNode node, String path) {
      if (node == null || !node.isObject()) {
        throw new AuditFormatException(path + ": must be a JSON object");
      }
      return new Obj(node, path);
    }

    String path() {
      return path;
    }

    String at(String field) {
      return path.isEmpty() ? field : path + "." + field;
    }

    /** Refuses fields outside {@code required ∪ optional} and missing required ones. */
    Obj fields(Set<String> required, Set<String> optional) {
      Set<String> unknown = new TreeSet<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!required.contains(name) && !optional.contains(name)) {
          unknown.add(name);
        }
      }
      if (!unknown.isEmpty()) {
        throw new AuditFormatException(where() + "unknown field" + (unknown.size() > 1 ? "s " : " ")
            + String.join(", ", unknown));
      }
      Set<String> missing = new TreeSet<>();
      for (String r : required) {
        if (!node.has(r)) {
          missing.add(r);
        }
      }
      if (!missing.isEmpty()) {
        throw new AuditFormatException(where() + "missing field" + (missing.size() > 1 ? "s " : " ")
            + String.join(", ", missing));
      }
      return this;
    }

    private String where() {
      return path.isEmpty() ? "" : path + ": ";
    }

    boolean has(String field) {
      return node.has(field);
    }

    JsonNode raw(String field) {
      JsonNode v = node.get(field);
      if (v == null) {
        throw new AuditFormatException(at(field) + ": missing");
      }
      if (v.isNull()) {
        throw new AuditFormatException(at(field) + ": must not be null (omit the field instead)");
      }
      return v;
    }

    String string(String field) {
      JsonNode v = raw(field);
      if (!v.isTextual()) {
        throw new AuditFormatException(at(field) + ": must be a string");
      }
      return v.textValue();
    }

    /** A non-negative integer that fits a long. */
    long count(String field) {
      JsonNode v = raw(field);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new AuditFormatException(at(field) + ": must be a non-negative integer");
      }
      return v.longValue();
    }

    Obj object(String field) {
      return Obj.of(raw(field), at(field));
    }

    List<JsonNode> array(String field, int max) {
      JsonNode v = raw(field);
      if (!v.isArray()) {
        throw new AuditFormatException(at(field) + ": must be an array");
      }
      if (v.size() > max) {
        throw new AuditFormatException(at(field) + ": at most " + max + " elements, got " + v.size());
      }
      List<JsonNode> out = new ArrayList<>(v.size());
      v.forEach(out::add);
      return out;
    }

    List<String> strings(String field, int max) {
      List<JsonNode> nodes = array(field, max);
      List<String> out = new ArrayList<>(nodes.size());
      for (int i = 0; i < nodes.size(); i++) {
        if (!nodes.get(i).isTextual()) {
          throw new AuditFormatException(at(field) + "[" + i + "]: must be a string");
        }
        out.add(nodes.get(i).textValue());
      }
      return out;
    }

    Iterator<String> fieldNames() {
      return node.fieldNames();
    }
  }
}
