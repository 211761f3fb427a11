package dev.clave.policy;

import java.util.TreeMap;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The value of a {@code config-fragment} secret: structured YAML kept as canonical JSON text (sorted keys,
 * scalars as strings, null as null), so its hash does not depend on how it was written.
 */
final class Fragments {
  private Fragments() {}

  static String canonicalText(Node n) {
    StringBuilder out = new StringBuilder();
    write(out, n, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Node n, int depth) {
    if (depth > 64) {
      throw new IllegalArgumentException("a config-fragment nests deeper than 64 levels");
    }
    switch (n) {
      case MappingNode m -> {
        TreeMap<String, Node> sorted = new TreeMap<>();
        for (NodeTuple t : m.getValue()) {
          sorted.put(t.getKeyNode() instanceof ScalarNode k ? k.getValue() : canonicalText(t.getKeyNode()), t.getValueNode());
        }
        out.append('{');
        boolean first = true;
        for (var e : sorted.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          SessionHash.string(out, e.getKey());
          out.append(':');
          write(out, e.getValue(), depth + 1);
        }
        out.append('}');
      }
      case SequenceNode s -> {
        out.append('[');
        boolean first = true;
        for (Node item : s.getValue()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          write(out, item, depth + 1);
        }
        out.append(']');
      }
      case ScalarNode s when Yaml.isNull(s) -> out.append("null");
      case ScalarNode s -> SessionHash.string(out, s.getValue());
      default -> out.append("null");
    }
  }

}
