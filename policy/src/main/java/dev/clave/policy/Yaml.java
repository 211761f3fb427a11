package dev.clave.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * The YAML layer of the policy parser: composes a document into nodes with positions (SnakeYAML Engine, YAML
 * 1.2 core schema, no object construction, so no type from the document is ever instantiated) and reads
 * typed values from nodes, recording a {@link PolicyProblem} at the node for every mismatch instead of
 * throwing, so one run reports all problems.
 */
final class Yaml {
  /** Aliases are legal YAML but a policy needs few; the bound stops alias-expansion bombs. */
  private static final int MAX_ALIASES = 50;

  final String file;
  final List<PolicyProblem> problems = new ArrayList<>();

  Yaml(String file) {
    this.file = file;
  }

  /** The single document of {@code text}, or null after recording why there is none. */
  Node compose(String text) {
    LoadSettings settings = LoadSettings.builder()
        .setLabel(file)
        .setSchema(new CoreSchema())
        .setMaxAliasesForCollections(MAX_ALIASES)
        .setAllowRecursiveKeys(false)
        .setCodePointLimit(PolicyParser.MAX_POLICY_BYTES)
        .build();
    try {
      Node first = null;
      for (Node doc : new Compose(settings).composeAllFromString(text)) {
        if (first != null) {
          problem(doc, "a policy file holds one YAML document; this is a second one");
          return null;
        }
        first = doc;
      }
      if (first == null) {
        problems.add(new PolicyProblem(file, 1, 1, "the policy is empty"));
      }
      return first;
    } catch (MarkedYamlEngineException e) {
      Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
      String why = e.getProblem() != null ? e.getProblem() : e.getContext();
      problems.add(new PolicyProblem(file, mark.map(m -> m.getLine() + 1).orElse(1),
          mark.map(m -> m.getColumn() + 1).orElse(1), "not valid YAML: " + why + hintFor(why)));
      return null;
    } catch (YamlEngineException e) {
      problems.add(new PolicyProblem(file, 1, 1, "not valid YAML: " + e.getMessage()));
      return null;
    }
  }

  private static String hintFor(String why) {
    if (why != null && why.contains("'@'")) {
      return " (a plain YAML scalar cannot start with @: write a host environment key as \\@\\@NAME or quote it, \"@@NAME\")";
    }
    return "";
  }

  /** A problem at {@code at}; a node from an imported fragment names the fragment (its mark's label). */
  void problem(Node at, String message) {
    Optional<Mark> m = at == null ? Optional.empty() : at.getStartMark();
    String where = m.map(Mark::getName).filter(n -> !n.isEmpty()).orElse(file);
    problems.add(new PolicyProblem(where, m.map(x -> x.getLine() + 1).orElse(1), m.map(x -> x.getColumn() + 1).orElse(1), message));
  }

  static boolean isNull(Node n) {
    return n == null || (n instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
  }

  /** A mapping's entries by key, after checking that keys are strings, unique and among {@code allowed}. */
  Fields fields(Node n, String what, Set<String> allowed) {
    if (!(n instanceof MappingNode m)) {
      problem(n, what + " must be a mapping (key: value), not " + describe(n));
      return new Fields(n, new LinkedHashMap<>(), new LinkedHashMap<>());
    }
    Map<String, Node> values = new LinkedHashMap<>();
    Map<String, Node> keys = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || isNull(k)) {
        problem(t.getKeyNode(), "keys of " + what + " must be plain names");
        continue;
      }
      String key = k.getValue();
      if (keys.containsKey(key)) {
        problem(k, "duplicate key `" + key + "` in " + what + " (first at line " + line(keys.get(key)) + ")");
        continue;
      }
      if (!allowed.contains(key)) {
        String near = Suggest.closest(key, allowed);
        problem(k, "unknown key `" + key + "` in " + what
            + (near != null ? "; did you mean `" + near + "`?" : "; expected one of: " + String.join(", ", sorted(allowed))));
        keys.put(key, k);
        continue;
      }
      keys.put(key, k);
      values.put(key, t.getValueNode());
    }
    return new Fields(n, values, keys);
  }

  private static List<String> sorted(Set<String> s) {
    List<String> l = new ArrayList<>(s);
    l.sort(null);
    return l;
  }

  static int line(Node n) {
    return n == null ? 0 : n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  static String describe(Node n) {
    if (n == null || isNull(n)) {
      return "empty";
    }
    return switch (n) {
      case MappingNode m -> "a mapping";
      case SequenceNode s -> "a list";
      case ScalarNode s -> "the scalar `" + abbreviate(s.getValue()) + "`";
      default -> "a " + n.getNodeType();
    };
  }

  static String abbreviate(String s) {
    String one = s.replace("\n", "\\n");
    return one.length() > 40 ? one.substring(0, 37) + "…" : one;
  }

  /** A scalar's text, or null (with a problem) when the node is not a non-null scalar. */
  String text(Node n, String what) {
    if (n instanceof ScalarNode s && !isNull(s)) {
      return s.getValue();
    }
    problem(n, what + " must be a text value, not " + describe(n));
    return null;
  }

  /** Like {@link #text} but null without a problem when absent or null. */
  String optionalText(Node n, String what) {
    return isNull(n) ? null : text(n, what);
  }

  /** A list's items; a single scalar counts as a list of one when {@code scalarIsList}. */
  List<Node> items(Node n, String what, boolean scalarIsList) {
    if (n instanceof SequenceNode s) {
      return s.getValue();
    }
    if (scalarIsList && n instanceof ScalarNode && !isNull(n)) {
      return List.of(n);
    }
    if (isNull(n)) {
      return List.of();
    }
    problem(n, what + " must be a list, not " + describe(n));
    return List.of();
  }

  /** An integer in [min, max] (decimal, or 0o/0x as YAML 1.2 writes them), or null with a problem. */
  Integer integer(Node n, String what, long min, long max) {
    String t = text(n, what);
    if (t == null) {
      return null;
    }
    Long v = parseInteger(t);
    if (v == null || v < min || v > max) {
      problem(n, what + " must be an integer from " + min + " to " + max + ", not `" + abbreviate(t) + "`");
      return null;
    }
    return v.intValue();
  }

  static Long parseInteger(String t) {
    try {
      String s = t.strip().replace("_", "");
      if (s.startsWith("0o")) {
        return Long.parseLong(s.substring(2), 8);
      }
      if (s.startsWith("0x")) {
        return Long.parseLong(s.substring(2), 16);
      }
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** true/false (YAML 1.2 core spellings), or null with a problem. */
  Boolean bool(Node n, String what) {
    String t = text(n, what);
    if (t == null) {
      return null;
    }
    return switch (t) {
      case "true", "True", "TRUE" -> true;
      case "false", "False", "FALSE" -> false;
      default -> {
        problem(n, what + " must be true or false, not `" + abbreviate(t) + "`");
        yield null;
      }
    };
  }

  /** A mapping's fields: values by key, and the key nodes (for positions). */
  record Fields(Node node, Map<String, Node> values, Map<String, Node> keys) {
    Node get(String key) {
      return values.get(key);
    }

    boolean has(String key) {
      return values.containsKey(key);
    }

    Node key(String key) {
      return keys.getOrDefault(key, node);
    }
  }
}
