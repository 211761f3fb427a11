package dev.clave.backupcontroller;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationTest {
  @Test
  void registeredOnlyWithExitZeroAndTheSuccessLine() {
    assertThat(new Registration(0, "Backup CAS registered\n").succeeded()).isTrue();
    assertThat(new Registration(0, "").succeeded()).isFalse();
    assertThat(new Registration(1, "Backup CAS registered\n").succeeded()).isFalse();
    assertThat(new Registration(-1, "").succeeded()).isFalse();
  }

  @Test
  void theMapIsPrintedAsPythonsJsonDumpsWithIndentFour() {
    Map<String, Boolean> m = new LinkedHashMap<>();
    assertThat(RegisteredNodesJson.format(m)).isEqualTo("{}");
    m.put("a\"b", false);
    assertThat(RegisteredNodesJson.format(m)).isEqualTo("{\n    \"a\\\"b\": false\n}");
  }
}
