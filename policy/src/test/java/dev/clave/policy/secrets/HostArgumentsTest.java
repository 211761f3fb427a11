package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostArgumentsTest {
  @Test
  void replacesWholeArgumentsFromHostArgv() throws Exception {
    List<String> template = List.of("./prog", "arg1", "@@1", "@@2");
    assertThat(HostArguments.expand(template, List.of("./prog", "arg2", "arg3")))
        .containsExactly("./prog", "arg1", "arg2", "arg3");
    // The backup policy: host "scone cas register-backup <addr>" supplies @@3.
    assertThat(
            HostArguments.expand(
                List.of("scone", "cas", "register-backup", "-SCG", "@@3"),
                List.of("scone", "cas", "register-backup", "backup.example:8081")))
        .containsExactly("scone", "cas", "register-backup", "-SCG", "backup.example:8081");
    // Only whole arguments, any order.
    assertThat(HostArguments.expand(List.of("p", "--addr=@@1", "@@2", "@@1", "@@", "@@x"), List.of("h", "one", "two")))
        .containsExactly("p", "--addr=@@1", "two", "one", "@@", "@@x");
  }

  @Test
  void missingPositionsAndDuplicates() {
    assertThatThrownBy(() -> HostArguments.expand(List.of("p", "@@3"), List.of("h", "a", "b")))
        .isInstanceOf(SecretException.class)
        .hasMessage("command needs host argument @@3 but only 2 were given");
    assertThatThrownBy(() -> HostArguments.expand(List.of("p", "@@2"), List.of("h", "a")))
        .hasMessage("command needs host argument @@2 but only 1 was given");
    assertThatThrownBy(() -> HostArguments.expand(List.of("p", "@@1"), List.of()))
        .hasMessage("command needs host argument @@1 but only 0 were given");
    assertThatThrownBy(() -> HostArguments.validate(List.of("p", "@@1", "x", "@@1")))
        .hasMessage("command uses host argument @@1 more than once");
    assertThatThrownBy(() -> HostArguments.validate(List.of("p", "@@0"))).hasMessageStartingWith("@@0 is not allowed");
    assertThatThrownBy(() -> HostArguments.validate(List.of("p", "@@01"))).hasMessage("@@01: write host argument positions without leading zeros");
    assertThatThrownBy(() -> HostArguments.validate(List.of("p", "@@99999999999"))).hasMessage("@@99999999999: host argument positions go up to 4096");
  }

  @Test
  void validateReturnsThePositionsWithoutHostArgv() throws Exception {
    assertThat(HostArguments.validate(List.of("p", "@@2", "a", "@@1"))).containsExactly(2, 1);
    assertThat(HostArguments.validate(List.of("p"))).isEmpty();
  }

  @Test
  void argvSubstitutesPolicyArgumentsButNeverHostValues() throws Exception {
    Map<String, SecretValue> secrets = Map.of("pw", new SecretValue.Ascii("s3cret"));
    List<String> argv =
        HostArguments.argv(
            List.of("p", "--password=$$SCONE::pw$$", "@@1"), List.of("h", "$$SCONE::pw$$"), secrets);
    assertThat(argv).containsExactly("p", "--password=s3cret", "$$SCONE::pw$$");
    // A policy argument that is a secret whose value is "@@1" stays that value.
    assertThat(HostArguments.argv(List.of("p", "$$SCONE::at$$"), List.of("h", "HOST"), Map.of("at", new SecretValue.Ascii("@@1"))))
        .containsExactly("p", "@@1");
    assertThatThrownBy(() -> HostArguments.argv(List.of("p", "$$SCONE::nope$$"), List.of("h"), secrets))
        .hasMessage("command argument 1: placeholder $$SCONE::nope$$ at offset 0: there is no secret named 'nope'");
  }

  @Test
  void environmentFromTheHost() throws Exception {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SCONE_MODE", "hw");
    env.put("\\@\\@SCONE_LAS_ADDR", "");
    env.put("@@UNSET", "ignored");
    env.put("SECRET", "$$SCONE::pw$$");
    Map<String, String> host = Map.of("SCONE_LAS_ADDR", "10.0.0.1:18766", "SECRET", "host-value", "OTHER", "x");

    assertThat(HostArguments.expandEnvironment(env, host))
        .containsExactly(
            Map.entry("SCONE_MODE", "hw"),
            Map.entry("SCONE_LAS_ADDR", "10.0.0.1:18766"),
            Map.entry("UNSET", ""),
            Map.entry("SECRET", "$$SCONE::pw$$"));
    Map<String, String> hostWithPlaceholder = Map.of("SCONE_LAS_ADDR", "$$SCONE::pw$$");
    assertThat(HostArguments.environment(env, hostWithPlaceholder, Map.of("pw", new SecretValue.Ascii("s3cret"))))
        .containsExactly(
            Map.entry("SCONE_MODE", "hw"),
            Map.entry("SCONE_LAS_ADDR", "$$SCONE::pw$$"),
            Map.entry("UNSET", ""),
            Map.entry("SECRET", "s3cret"));
  }

  @Test
  void environmentKeyErrors() throws Exception {
    assertThat(HostArguments.hostVariable("\\@\\@A")).isEqualTo("A");
    assertThat(HostArguments.hostVariable("@@A")).isEqualTo("A");
    assertThat(HostArguments.hostVariable("A@@")).isNull();
    assertThat(HostArguments.hostVariable("\\@A")).isNull();
    assertThatThrownBy(() -> HostArguments.hostVariable("@@")).hasMessage("environment key '@@' names no host variable");
    assertThatThrownBy(() -> HostArguments.hostVariable("\\@\\@A=B"))
        .hasMessage("environment key '\\@\\@A=B': a variable name cannot contain '=' or NUL");
    assertThatThrownBy(() -> HostArguments.validateEnvironment(Set.of("A", "@@A")))
        .hasMessageStartingWith("environment variable A is given twice");
    assertThatThrownBy(() -> HostArguments.validateEnvironment(new java.util.LinkedHashSet<>(List.of("\\@\\@A", "@@A"))))
        .hasMessage("environment variable A is given twice: as '\\@\\@A' and as '@@A'");
    assertThatThrownBy(
            () -> HostArguments.environment(Map.of("K", "$$SCONE::b$$"), Map.of(), Map.of("b", new SecretValue.Binary(new byte[] {1}))))
        .hasMessageStartingWith("environment variable K: placeholder $$SCONE::b$$ at offset 0: no suffix renders raw bytes");
  }
}
