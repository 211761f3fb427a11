package dev.clave.policy.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base58Test {
  // Bitcoin Core's base58_encode_decode.json vectors.
  @ParameterizedTest
  @CsvSource({
    "61, 2g",
    "626262, a3gV",
    "636363, aPEr",
    "73696d706c792061206c6f6e6720737472696e67, 2cFupjhnEsSn59qHXstmK2ffpLv2",
    "00eb15231dfceb60925886b67d065299925915aeb172c06647, 1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
    "516b6fcd0f, ABnLTmg",
    "bf4f89001e670274dd, 3SEo3LWLoPntC",
    "572e4794, 3EFU7m",
    "ecac89cad93923c02321, EJDM8drfXA6uyA",
    "10c8511e, Rt5zm",
    "00000000000000000000, 1111111111",
  })
  void knownVectors(String hex, String base58) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    assertThat(Base58.encode(bytes)).isEqualTo(base58);
    assertThat(Base58.decode(base58)).isEqualTo(bytes);
  }

  @Test
  void roundTripsRandomInputsWithLeadingZeros() {
    Random random = new Random(58);
    for (int i = 0; i < 300; i++) {
      byte[] data = new byte[random.nextInt(60)];
      random.nextBytes(data);
      for (int z = 0; z < Math.min(data.length, i % 4); z++) {
        data[z] = 0;
      }
      String text = Base58.encode(data);
      if (data.length == 0) {
        assertThat(text).isEmpty();
      } else {
        assertThat(Base58.decode(text)).isEqualTo(data);
      }
    }
  }

  @Test
  void badCharactersAreNamedWithTheirPosition() {
    assertThatThrownBy(() -> Base58.decode("abc0def"))
        .isInstanceOf(InvalidEncodingException.class)
        .hasMessage("bad Base58 character '0' at position 4 of 7 (Base58 leaves out 0, O, I and l)");
    assertThatThrownBy(() -> Base58.decode("abcl")).hasMessageContaining("'l' at position 4 of 4");
    assertThatThrownBy(() -> Base58.decode("ab c")).hasMessage("bad Base58 character U+0020 at position 3 of 4 (whitespace is not allowed)");
    assertThatThrownBy(() -> Base58.decode("abc\n")).hasMessageContaining("U+000A at position 4");
    assertThatThrownBy(() -> Base58.decode("abé")).hasMessage("bad Base58 character U+00E9 at position 3 of 3");
    assertThatThrownBy(() -> Base58.decode("a+b")).hasMessage("bad Base58 character '+' at position 2 of 3");
  }

  @Test
  void emptyAndOverlongTextAreRefused() {
    assertThatThrownBy(() -> Base58.decode("")).hasMessage("empty Base58 text");
    assertThatThrownBy(() -> Base58.decode("2".repeat(Base58.MAX_ENCODED_LENGTH + 1)))
        .hasMessageContaining("more than the 1024 allowed");
    assertThatThrownBy(() -> Base58.encode(new byte[Base58.MAX_DECODED_LENGTH + 1]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
