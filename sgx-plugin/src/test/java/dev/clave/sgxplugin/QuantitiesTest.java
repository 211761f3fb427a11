package dev.clave.sgxplugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuantitiesTest {
  @Test
  void bytesTakeBinarySuffixes() {
    assertThat(Quantities.bytes("98566144", "--epc-bytes")).isEqualTo(98566144L);
    assertThat(Quantities.bytes("94Mi", "--epc-bytes")).isEqualTo(94L << 20);
    assertThat(Quantities.bytes("2Gi", "--epc-bytes")).isEqualTo(2L << 30);
    assertThat(Quantities.bytes("3Ki", "--epc-bytes")).isEqualTo(3072);
    assertThat(Quantities.bytes("1Ti", "--epc-bytes")).isEqualTo(1L << 40);
  }

  @Test
  void badBytesNameTheOption() {
    assertThatThrownBy(() -> Quantities.bytes("94MB", "--epc-bytes"))
        .hasMessage("--epc-bytes: expected a byte count such as 98566144 or 94Mi, got \"94MB\"");
    assertThatThrownBy(() -> Quantities.bytes("-1", "--epc-bytes")).hasMessageContaining("got \"-1\"");
    assertThatThrownBy(() -> Quantities.bytes("8388608Ti", "--epc-bytes")).hasMessage("--epc-bytes: 8388608Ti is more than 2^63 bytes");
    assertThatThrownBy(() -> Quantities.bytes("9999999999999999999", "--epc-bytes")).hasMessageContaining("more than 2^63 bytes");
  }

  @Test
  void durations() {
    assertThat(Quantities.duration("500ms", "--poll-interval")).isEqualTo(Duration.ofMillis(500));
    assertThat(Quantities.duration("5s", "--poll-interval")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Quantities.duration("2m", "--poll-interval")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> Quantities.duration("5", "--poll-interval"))
        .hasMessage("--poll-interval: expected a duration such as 500ms, 5s or 1m, got \"5\"");
  }
}
