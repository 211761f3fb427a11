package dev.clave.policy.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
  private static String render(String template, Map<String, String> values) {
    return Template.render(template, values).text();
  }

  @Test
  void bothVariableFormsAreReplaced() {
    Map<String, String> v = Map.of("A", "1", "A_B", "2", "name", "x", "_u9", "y");
    assertThat(render("$A ${A} $A_B ${A}_B $name.$_u9", v)).isEqualTo("1 1 2 1_B x.y");
    assertThat(render("pre$A/post", v)).isEqualTo("pre1/post");
    assertThat(render("", v)).isEmpty();
  }

  @Test
  void dollarNotFollowedByANameStays() {
    Map<String, String> v = Map.of("A", "1");
    assertThat(render("$1 $ $- \"$\" 5$ end$", v)).isEqualTo("$1 $ $- \"$\" 5$ end$");
    assertThat(render("cost: 3$\n", v)).isEqualTo("cost: 3$\n");
  }

  @Test
  void backslashDollarIsALiteralDollarAndOtherBackslashesStay() {
    Map<String, String> v = Map.of("A", "1", "X", "x");
    assertThat(render("\\$A", v)).isEqualTo("$A");
    assertThat(render("\\${A}", v)).isEqualTo("${A}");
    assertThat(render("\\\\$X", v)).isEqualTo("\\$X");
    assertThat(render("\\@\\@SCONE_LAS_ADDR: \"\"", v)).isEqualTo("\\@\\@SCONE_LAS_ADDR: \"\"");
    assertThat(render("C:\\temp\\n $A\\", v)).isEqualTo("C:\\temp\\n 1\\");
  }

  @Test
  void secretPlaceholdersPassThroughUntouched() {
    Map<String, String> v = Map.of("SCONE", "no", "A", "1");
    assertThat(render("key: $$SCONE::db_password$$ and $A", v)).isEqualTo("key: $$SCONE::db_password$$ and 1");
    assertThat(render("$$SCONE::cert:hex$$$$SCONE::key.pem$$", v)).isEqualTo("$$SCONE::cert:hex$$$$SCONE::key.pem$$");
    assertThat(render("$$SCONE::$A$$", v)).isEqualTo("$$SCONE::$A$$");
    assertThatThrownBy(() -> render("a: 1\nb: $$SCONE::open\n", v))
        .isInstanceOf(TemplateException.class)
        .hasMessage("line 2, column 4: secret placeholder $$SCONE:: has no closing $$");
  }

  @Test
  void valuesAreInsertedVerbatimAndNotScannedAgain() {
    assertThat(render("$A", Map.of("A", "$B ${C} \\$", "B", "no"))).isEqualTo("$B ${C} \\$");
    assertThat(render("[$EMPTY]", Map.of("EMPTY", ""))).isEqualTo("[]");
  }

  @Test
  void everyMissingVariableIsReportedWithLineAndColumn() {
    TemplateException e = (TemplateException) org.assertj.core.api.Assertions.catchThrowable(
        () -> Template.render("name: $NAME\nx: ${A} ${MISSING}\n🙂 $LAST", Map.of("A", "1")));
    assertThat(e.problems()).extracting(TemplateException.Problem::toString).containsExactly(
        "line 1, column 7: variable NAME is not defined (give -e NAME=VALUE, or --use-env with it in the environment)",
        "line 2, column 9: variable MISSING is not defined (give -e MISSING=VALUE, or --use-env with it in the environment)",
        // Columns count code points: the emoji is one.
        "line 3, column 3: variable LAST is not defined (give -e LAST=VALUE, or --use-env with it in the environment)");
    assertThat(e.getMessage()).startsWith("3 problems: line 1, column 7: variable NAME is not defined");
    assertThat(e.getMessage()).doesNotContain("1\n");
  }

  @Test
  void braceErrors() {
    assertThatThrownBy(() -> render("a\n  b: ${NAME\n  c: }", Map.of("NAME", "x")))
        .hasMessage("line 2, column 6: ${ without a closing } on the same line");
    assertThatThrownBy(() -> render("${A-B}", Map.of()))
        .hasMessage("line 1, column 1: \"${A-B}\" does not hold a variable name ([A-Za-z_][A-Za-z0-9_]*)");
    assertThatThrownBy(() -> render("x ${}", Map.of())).hasMessage("line 1, column 3: \"${}\" does not hold a variable name ([A-Za-z_][A-Za-z0-9_]*)");
    assertThatThrownBy(() -> render("${X:-default}", Map.of("X", "1"))).hasMessageContaining("does not hold a variable name");
    assertThatThrownBy(() -> render("${1X}", Map.of())).hasMessageContaining("does not hold a variable name");
  }

  @Test
  void variablesUsedAreReportedInOrderOfFirstUse() {
    Template.Rendered r = Template.render("$B $A ${B} $B", Map.of("A", "a", "B", "b", "UNUSED", "u"));
    assertThat(r.variablesUsed()).containsExactly("B", "A");
    assertThat(r.toString()).doesNotContain("a b").contains("[B, A]");
  }

  @Test
  void sizesAreBounded() {
    assertThatThrownBy(() -> Template.render("x".repeat(Template.MAX_LENGTH + 1), Map.of()))
        .hasMessageContaining("more than the 1048576 allowed");
    String big = "v".repeat(600_000);
    assertThatThrownBy(() -> Template.render("$A $A", Map.of("A", big)))
        .hasMessageContaining("the rendered text exceeds 1048576 characters");
  }

  @Test
  void namesAreChecked() {
    assertThat(Template.isName("MY_POLICY_NAME")).isTrue();
    assertThat(Template.isName("_x1")).isTrue();
    assertThat(List.of("", "1A", "A-B", "A B", "Ä")).noneMatch(Template::isName);
  }

  /**
   * The shape of the CAS backup controller quick start (seed 003): a heredoc session template with
   * $MY_POLICY_NAME, $SCONE_CLI_MRENCLAVE, a multi-line $CLI_OWNER_CONFIG, and the literal key
   * {@code \@\@SCONE_LAS_ADDR}, which must survive untouched ({@code \@} is not {@code \$}).
   */
  @Test
  void seedSessionTemplate() {
    String template = """
        name: $MY_POLICY_NAME
        version: "0.3"

        security:
          attestation:
            tolerate: [debug-mode, hyperthreading, outdated-tcb, software-hardening-needed]
            ignore_advisories: "*"

        services:
          - name: register
            image_name: cli
            mrenclaves: [$SCONE_CLI_MRENCLAVE]
            command: "scone cas register-backup @@3"
            environment:
              SCONE_MODE: hw
              SCONE_LOG: error
              SCONE_CLI_CONFIG: /etc/owner-identity.json
              \\@\\@SCONE_LAS_ADDR: ""
            pwd: /

        images:
          - name: cli
            injection_files:
              - path: /etc/owner-identity.json
                content: |
        $CLI_OWNER_CONFIG
        """;
    String config = "          {\n            \"identity\": \"...\"\n          }";
    String mrenclave = "a".repeat(64);
    Template.Rendered r = Template.render(template, Map.of(
        "MY_POLICY_NAME", "my-cas-backup-controller-4711",
        "SCONE_CLI_MRENCLAVE", mrenclave,
        "CLI_OWNER_CONFIG", config));
    assertThat(r.variablesUsed()).containsExactly("MY_POLICY_NAME", "SCONE_CLI_MRENCLAVE", "CLI_OWNER_CONFIG");
    assertThat(r.text())
        .startsWith("name: my-cas-backup-controller-4711\n")
        .contains("mrenclaves: [" + mrenclave + "]")
        .contains("      \\@\\@SCONE_LAS_ADDR: \"\"\n")
        .contains("command: \"scone cas register-backup @@3\"")
        .contains("ignore_advisories: \"*\"")
        .endsWith("content: |\n" + config + "\n");
    // Without the values, each variable is named with its position.
    assertThatThrownBy(() -> Template.render(template, Map.of()))
        .hasMessageContaining("line 1, column 7: variable MY_POLICY_NAME is not defined")
        .hasMessageContaining("line 12, column 18: variable SCONE_CLI_MRENCLAVE is not defined")
        .hasMessageContaining("line 26, column 1: variable CLI_OWNER_CONFIG is not defined");
  }
}
