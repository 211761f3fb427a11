package dev.clave.charts;

import static dev.clave.charts.Charts.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** What holds for every chart: strict lint, typed objects, Clave's image and labels. */
class AllChartsTest {
  /** Values a chart cannot do without (helm install fails without them, saying which). */
  private static final Map<String, Map<String, Object>> REQUIRED = Map.of(
      "cas-backup-controller", values("cas", "cas.clave-system", "session", "backup/register"));

  /** The settings of the seeds' runbooks (or their nearest equivalent for charts the seeds do not install). */
  private static final Map<String, Map<String, Object>> SEED = Map.of(
      "las", values("image", "registry.scontain.com/sconecuratedimages/kubernetes:las.microsoft-azure", "useSGXDevPlugin", "azure"),
      "cas", values("image", "registry.scontain.com:5050/sconecuratedimages/services:cas-scone5", "persistence.enabled", true,
          "persistence.storageClass", "managed", "service.type", "LoadBalancer", "useSGXDevPlugin", "azure"),
      "cas-backup-controller", values("cas", "cas.clave-system", "session", "my-policy/register", "useSGXDevPlugin", "azure"),
      "sgx-plugin", values("image", "registry.example/clave:dev", "flavor", "azure"),
      "operator", values("image", "registry.example/clave:dev"));

  static List<String> charts() {
    return Charts.names();
  }

  private static Map<String, Object> required(String chart) {
    return REQUIRED.getOrDefault(chart, Map.of());
  }

  @Test
  void theChartsAreTheFiveOfTheIssue() {
    assertThat(Charts.names()).containsExactly("cas", "cas-backup-controller", "las", "operator", "sgx-plugin");
  }

  private static void assertClean(LintResult lint) {
    assertThat(lint.getMessages()).as("lint messages").noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    assertThat(lint.isFailed()).as("lint failed: %s", lint.getMessages()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("charts")
  void lintStrictWithDefaultValues(String chart) throws IOException {
    assertClean(Charts.lintStrict(chart, Map.of()));
  }

  @ParameterizedTest
  @MethodSource("charts")
  void lintStrictWithTheSeedsValues(String chart) throws IOException {
    assertThat(SEED).containsKey(chart);
    assertClean(Charts.lintStrict(chart, SEED.get(chart)));
  }

  /**
   * Lint checks values.schema.json and renders in Helm's lint mode, where {@code fail} and {@code required}
   * only log (the charts' own refusals are tested through template).
   */
  @Test
  void lintFailsOnAValueOfTheWrongShapeOrAMisspeltOne() throws IOException {
    LintResult lint = Charts.lintStrict("las", values("nodeSelector", List.of("sgx")));
    assertThat(lint.isFailed()).isTrue();
    assertThat(lint.getMessages()).anyMatch(m -> m.contains("[ERROR]") && m.contains("/nodeSelector"));
    LintResult typo = Charts.lintStrict("cas", values("persistance.enabled", true));
    assertThat(typo.isFailed()).isTrue();
    assertThat(typo.getMessages()).anyMatch(m -> m.contains("[ERROR]") && m.contains("persistance"));
  }

  /** Every chart refuses values it does not know: a misspelt setting would otherwise be silently ignored. */
  @ParameterizedTest
  @MethodSource("charts")
  void misspeltValuesAreRefused(String chart) {
    Map<String, Object> settings = new java.util.LinkedHashMap<>(required(chart));
    settings.put("imagePullSecret", "regcred");
    assertThatThrownBy(() -> Charts.render(chart, "rel", settings))
        .hasMessageContaining("imagePullSecret")
        .hasMessageContaining("additional properties");
  }

  @ParameterizedTest
  @MethodSource("charts")
  void everyObjectIsTypedLabelledAndFreeOfUnknownFields(String chart) {
    for (Map<String, Object> settings : List.of(required(chart), SEED.get(chart))) {
      Charts.Rendered r = Charts.render(chart, "rel", settings);
      assertThat(r.objects()).isNotEmpty();
      for (HasMetadata o : r.objects()) {
        String what = o.getKind() + " " + o.getMetadata().getName();
        assertThat(o).as(what).isNotInstanceOf(GenericKubernetesResource.class);
        assertThat(o.getMetadata().getName()).as(what).startsWith("rel-" + chart);
        assertThat(o.getMetadata().getLabels()).as(what)
            .containsEntry("app.kubernetes.io/part-of", "clave")
            .containsEntry("app.kubernetes.io/managed-by", "Helm")
            .containsEntry("app.kubernetes.io/instance", "rel");
        assertThat(UnknownFields.in(o)).as(what).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @MethodSource("charts")
  void oneClaveImageOfTheChartsAppVersionUnlessTheImageValueSaysOtherwise(String chart) throws IOException {
    String appVersion = new ObjectMapper(new YAMLFactory())
        .readTree(Charts.chart(chart).resolve("Chart.yaml").toFile()).get("appVersion").asText();
    assertThat(images(Charts.render(chart, "rel", required(chart)))).containsOnly("ghcr.io/clave-dev/clave:" + appVersion);

    Map<String, Object> custom = new java.util.LinkedHashMap<>(required(chart));
    custom.put("image", "registry.example/clave@sha256:0123");
    custom.put("imagePullSecrets[0]", "regcred");
    Charts.Rendered r = Charts.render(chart, "rel", custom);
    assertThat(images(r)).containsOnly("registry.example/clave@sha256:0123");
    assertThat(podTemplate(r).getSpec().getImagePullSecrets()).extracting("name").containsExactly("regcred");
  }

  private static PodTemplateSpec podTemplate(Charts.Rendered r) {
    List<PodTemplateSpec> templates = r.objects().stream().map(AllChartsTest::template).flatMap(Optional::stream).toList();
    assertThat(templates).hasSize(1);
    return templates.get(0);
  }

  private static Optional<PodTemplateSpec> template(HasMetadata o) {
    if (o instanceof DaemonSet ds) {
      return Optional.of(ds.getSpec().getTemplate());
    } else if (o instanceof StatefulSet sts) {
      return Optional.of(sts.getSpec().getTemplate());
    } else if (o instanceof Deployment d) {
      return Optional.of(d.getSpec().getTemplate());
    }
    return Optional.empty();
  }

  private static List<String> images(Charts.Rendered r) {
    return podTemplate(r).getSpec().getContainers().stream().map(c -> c.getImage()).toList();
  }
}
