package dev.clave.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Lints and renders the charts under {@code charts/} with the in-process Helm of helm-java. */
final class Charts {
  static final String NAMESPACE = "clave-system";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private Charts() {}

  static Path dir() {
    String configured = System.getProperty("clave.charts.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("../charts");
    assertThat(dir.resolve("las/Chart.yaml")).as("the charts directory (system property clave.charts.dir)").isRegularFile();
    return dir.toAbsolutePath().normalize();
  }

  static Path chart(String name) {
    return dir().resolve(name);
  }

  /** Every chart: each directory of charts/ with a Chart.yaml. */
  static List<String> names() {
    try (Stream<Path> s = Files.list(dir())) {
      return s.filter(p -> Files.isRegularFile(p.resolve("Chart.yaml"))).map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm lint --strict} of a chart with these values over its own. helm-java's lint takes no values, so
   * the chart is copied and the values are merged into the copy's values.yaml: what Helm lints is then
   * exactly the chart with those settings.
   */
  static LintResult lintStrict(String chart, Map<String, Object> values) throws IOException {
    if (values.isEmpty()) {
      return new Helm(chart(chart)).lint().strict().call();
    }
    Path tmp = Files.createTempDirectory("clave-chart-");
    try {
      Path copy = tmp.resolve(chart);
      copyTree(chart(chart), copy);
      ObjectNode merged = (ObjectNode) YAML.readTree(copy.resolve("values.yaml").toFile());
      values.forEach((path, value) -> setPath(merged, path, value));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
      return new Helm(copy).lint().strict().call();
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Dotted paths as {@code --set} takes them ({@code persistence.enabled}); no escaped dots needed here. */
  private static void setPath(ObjectNode root, String path, Object value) {
    String[] keys = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < keys.length - 1; i++) {
      node = node.has(keys[i]) && node.get(keys[i]).isObject() ? (ObjectNode) node.get(keys[i]) : node.putObject(keys[i]);
    }
    node.set(keys[keys.length - 1], YAML.valueToTree(value));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** {@code helm template RELEASE charts/CHART --namespace clave-system --set K=V…}: the manifest text. */
  static String template(String chart, String release, Map<String, ?> sets) {
    var cmd = Helm.template(chart(chart).toString()).withName(release).withNamespace(NAMESPACE);
    sets.forEach(cmd::set);
    return cmd.call();
  }

  /** The rendered objects, each parsed into its fabric8 model class. */
  static Rendered render(String chart, String release, Map<String, ?> sets) {
    return Rendered.parse(template(chart, release, sets));
  }

  static Rendered render(String chart, String release) {
    return render(chart, release, Map.of());
  }

  /** Ordered map literal, since --set order can matter and Map.of has none. */
  static Map<String, Object> values(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** A rendered manifest: its objects in order. */
  record Rendered(String text, List<HasMetadata> objects) {
    static Rendered parse(String manifest) {
      List<HasMetadata> objects = new ArrayList<>();
      for (String doc : DOCUMENT_SEPARATOR.split(manifest)) {
        if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
          continue;
        }
        Object parsed = Serialization.unmarshal(doc);
        assertThat(parsed).as("a rendered document:%n%s", doc).isInstanceOf(HasMetadata.class);
        objects.add((HasMetadata) parsed);
      }
      return new Rendered(manifest, List.copyOf(objects));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The only object of this type. */
    <T extends HasMetadata> T one(Class<T> type) {
      List<T> found = all(type);
      assertThat(found).as("%s objects in%n%s", type.getSimpleName(), text).hasSize(1);
      return found.get(0);
    }

    List<String> kinds() {
      return objects.stream().map(HasMetadata::getKind).toList();
    }
  }
}
