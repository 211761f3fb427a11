package dev.clave.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz target for {@link PolicyParser}: for any text, parsing either yields a session whose hash is
 * stable, or a {@link PolicyException} whose every problem has a position inside the text and a message.
 * Anything else (a runtime exception from the YAML layer or the validator, a stack overflow) is a finding.
 *
 * <p>The normal build runs it in regression mode over {@code PolicyParserFuzzTestInputs/fuzzParse/} (the
 * valid corpus); {@code policy/fuzz/run-policy-fuzz} fuzzes for real.
 */
class PolicyParserFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void fuzzParse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    Session s;
    try {
      s = PolicyParser.parse(text, "fuzz.yaml");
    } catch (PolicyException e) {
      long lines = text.lines().count() + 1;
      for (PolicyProblem p : e.problems()) {
        assertThat(p.line()).isBetween(1, (int) Math.max(lines, 1));
        assertThat(p.column()).isPositive();
        assertThat(p.message()).isNotBlank();
        assertThat(p.file()).isEqualTo("fuzz.yaml");
      }
      return;
    }
    assertThat(s.hash()).isEqualTo(s.hash()).hasSize(64);
  }
}
