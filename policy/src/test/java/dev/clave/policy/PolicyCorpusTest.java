package dev.clave.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy corpus under {@code src/test/resources/policies}: every file in {@code valid/} parses; every
 * file in {@code invalid/} fails with exactly the problems its {@code # expect: LINE:COLUMN: message}
 * header lines list, in order.
 */
class PolicyCorpusTest {
  static final Path ROOT = corpusRoot();

  static Path corpusRoot() {
    try {
      return Path.of(PolicyCorpusTest.class.getResource("/policies").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Path> valid() {
    return files("valid");
  }

  static Stream<Path> invalid() {
    return files("invalid");
  }

  private static Stream<Path> files(String dir) {
    try (Stream<Path> s = Files.list(ROOT.resolve(dir))) {
      return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void theCorpusHasAtLeastFortyPolicies() {
    assertThat(valid().count() + invalid().count()).isGreaterThanOrEqualTo(40);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valid")
  void validPoliciesParse(Path file) throws Exception {
    Session s = PolicyParser.parse(file);
    assertThat(s.name()).isNotBlank();
    assertThat(s.hash()).matches("[0-9a-f]{64}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidPoliciesFailWithExactlyTheExpectedProblems(Path file) throws Exception {
    String text = Files.readString(file);
    List<String> expected = text.lines()
        .takeWhile(l -> l.startsWith("#"))
        .filter(l -> l.startsWith("# expect: "))
        .map(l -> l.substring("# expect: ".length()))
        .toList();
    assertThat(expected).as("the file states its expected problems").isNotEmpty();
    PolicyException e = catchThrowableOfType(PolicyException.class, () -> PolicyParser.parse(text, file.getFileName().toString()));
    assertThat(e).as("%s must be refused", file.getFileName()).isNotNull();
    assertThat(e.problems().stream().map(p -> p.line() + ":" + p.column() + ": " + p.message()).toList())
        .containsExactlyElementsOf(expected);
  }
}
