package dev.clave.policy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionUpdateTest {
  private static final String V1 = """
      name: app
      version: "0.3"
      security: {attestation: {mode: none}}
      services: [{name: a, command: ./a, pwd: /}]
      """;

  private static Session parse(String text) throws PolicyException {
    return PolicyParser.parse(text, "app.yaml");
  }

  @Test
  void creationNeedsNoPredecessorAndAnUpdateNamesTheCurrentHash() throws Exception {
    Session v1 = parse(V1);
    assertThatCode(() -> SessionUpdate.check(null, v1)).doesNotThrowAnyException();
    Session v2 = parse(V1.replace("./a", "./a --v2") + "predecessor: " + v1.hash() + "\n");
    assertThatCode(() -> SessionUpdate.check(v1, v2)).doesNotThrowAnyException();
    Session v3 = parse(V1.replace("./a", "./a --v3") + "predecessor: " + v2.hash().toUpperCase() + "\n");
    assertThatCode(() -> SessionUpdate.check(v2, v3)).doesNotThrowAnyException();
  }

  @Test
  void lostUpdatesAndBlindCreatesAreRefused() throws Exception {
    Session v1 = parse(V1);
    Session v2 = parse(V1.replace("./a", "./a --v2") + "predecessor: " + v1.hash() + "\n");
    Session stale = parse(V1.replace("./a", "./a --other") + "predecessor: " + v1.hash() + "\n");
    assertThatThrownBy(() -> SessionUpdate.check(v2, stale))
        .hasMessage("session app was changed since this update was written: its hash is " + v2.hash()
            + ", the update names predecessor " + v1.hash() + "; start from the current session");
    assertThatThrownBy(() -> SessionUpdate.check(v1, parse(V1)))
        .hasMessage("session app exists already: to replace it, set predecessor: " + v1.hash());
    assertThatThrownBy(() -> SessionUpdate.check(null, v2))
        .hasMessage("session app does not exist, so it cannot be updated: remove predecessor to create it");
  }
}
