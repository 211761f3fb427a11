package dev.clave.cas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.policy.secrets.KeyType;
import dev.clave.policy.secrets.SecretExports;
import dev.clave.policy.secrets.SecretKind;
import dev.clave.policy.secrets.SecretSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Relative session names in imports and exports (reference §1.5). */
class SessionServiceNamesTest {
  @Test
  void relativeNamesResolveAgainstTheSessionsNamespace() {
    assertThat(SessionService.resolveRelative("a/b/c", "../x")).isEqualTo("a/b/x");
    assertThat(SessionService.resolveRelative("a/b/c", "../../x")).isEqualTo("a/x");
    assertThat(SessionService.resolveRelative("a/b/c", "./child")).isEqualTo("a/b/c/child");
    assertThat(SessionService.resolveRelative("top", "../x")).isEqualTo("x");
    assertThat(SessionService.resolveRelative("a/b", "absolute/name")).isEqualTo("absolute/name");
  }

  @Test
  void aRelativeExportAllowsTheSiblingItNames() {
    SecretSpec key = new SecretSpec("key", SecretKind.PRIVATE_KEY, null, null, KeyType.P256, false, null, null, null,
        List.of(), null, null, List.of(new SecretSpec.SecretExport("../client", null, null)), false, null);
    SecretSpec absolute = SessionService.absoluteExports("org/db", key);
    assertThat(SecretExports.check("org/db", absolute, "org/client", null).allowed()).isTrue();
    assertThat(SecretExports.check("org/db", absolute, "other/client", null).allowed()).isFalse();
    assertThat(SecretExports.check("org/db", key, "org/client", null).allowed()).isFalse(); // unresolved: fails closed
  }
}
