package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.policy.ServiceEvaluation.RuntimeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CAS's configuration is read strictly: what does not fit is refused, and no message shows a value. */
class RuntimeConfigJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDocumentedShapeIsRead() throws Exception {
    RuntimeConfig c = RuntimeConfigJson.parse(JSON.readTree("""
        {"argv": ["app", "--key", "s3cr3t"], "environment": {"A": "1", "TOKEN": "s3cr3t"}, "pwd": "/srv",
         "files": [{"path": "/etc/a", "permission": "0o640", "content": "aGk="},
                   {"path": "/etc/b", "permission": "0o700", "fromFileSystem": true}]}"""));
    assertThat(c.argv()).containsExactly("app", "--key", "s3cr3t");
    assertThat(c.environment()).containsEntry("TOKEN", "s3cr3t");
    assertThat(c.pwd()).isEqualTo("/srv");
    assertThat(c.files()).hasSize(2);
    assertThat(c.files().get(0).content()).containsExactly('h', 'i');
    assertThat(c.files().get(0).permission()).isEqualTo(0640);
    assertThat(c.files().get(1).fromFileSystem()).isTrue();
    assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("aGk=");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      {"environment": {}, "pwd": "/"}                                          | config.argv: expected a non-empty list of strings
      {"argv": [], "environment": {}, "pwd": "/"}                               | config.argv: expected a non-empty list of strings
      {"argv": ["a", 1], "environment": {}, "pwd": "/"}                         | config.argv[1]: expected a string
      {"argv": ["a\\u0000b"], "environment": {}, "pwd": "/"}                    | config.argv[0]: contains NUL
      {"argv": ["a"], "environment": {"A=B": "s3cr3t"}, "pwd": "/"}             | config.environment: a variable name must be non-empty, without = or NUL
      {"argv": ["a"], "environment": {"A": 5}, "pwd": "/"}                      | config.environment.A: expected a string
      {"argv": ["a"], "environment": {}, "pwd": "srv"}                          | config.pwd: expected an absolute path
      {"argv": ["a"], "environment": {}, "pwd": "/", "files": [{"path": "/x", "permission": "640", "content": ""}]} | config.files[0].permission: expected 0o followed by octal digits
      {"argv": ["a"], "environment": {}, "pwd": "/", "files": [{"path": "/x", "permission": "0o600"}]} | config.files[0]: expected content (base64) or fromFileSystem: true
      {"argv": ["a"], "environment": {}, "pwd": "/", "files": [{"path": "/x", "permission": "0o600", "content": "%%%"}]} | config.files[0].content: not base64
      """)
  void malformedConfigurationsAreRefused(String json, String message) throws Exception {
    assertThatThrownBy(() -> RuntimeConfigJson.parse(JSON.readTree(json)))
        .isInstanceOf(RuntimeConfigJson.Malformed.class)
        .hasMessageStartingWith(message)
        .message().doesNotContain("s3cr3t");
  }
}
