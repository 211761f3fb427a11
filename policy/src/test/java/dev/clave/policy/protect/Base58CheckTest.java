package dev.clave.policy.protect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Base58CheckTest {
  @Test
  void checksumIsTheFirstFourBytesOfDoubleSha256() throws Exception {
    byte[] payload = HexFormat.of().parseHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    String text = Base58Check.encode(0x01, payload);
    byte[] raw = Base58.decode(text);
    byte[] body = Arrays.copyOf(raw, 33);
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] twice = sha.digest(sha.digest(body));
    assertThat(raw).hasSize(37);
    assertThat(raw[0]).isEqualTo((byte) 1);
    assertThat(Arrays.copyOfRange(raw, 33, 37)).isEqualTo(Arrays.copyOf(twice, 4));
    assertThat(Base58Check.decode(text, 0x01, 32)).isEqualTo(payload);
    Base58Check.Decoded any = Base58Check.decode(text);
    assertThat(any.version()).isEqualTo(1);
    assertThat(any.payload()).isEqualTo(payload);
    assertThat(any).isEqualTo(new Base58Check.Decoded(1, payload)).hasSameHashCodeAs(new Base58Check.Decoded(1, payload));
  }

  @Test
  void errorsComeInOrderLengthChecksumVersion() {
    String v1 = Base58Check.encode(0x01, new byte[32]);
    String v10 = Base58Check.encode(0x0a, new byte[32]);
    assertThatThrownBy(() -> Base58Check.decode(Base58Check.encode(0x01, new byte[31]), 0x01, 32))
        .hasMessage("wrong length: decodes to 36 bytes, expected 37 (version 1 + payload 32 + checksum 4)");
    assertThatThrownBy(() -> Base58Check.decode(v10, 0x01, 32)).hasMessage("wrong version 0x0a, expected 0x01");
    byte[] raw = Base58.decode(v1);
    raw[36] ^= 1;
    assertThatThrownBy(() -> Base58Check.decode(Base58.encode(raw), 0x01, 32))
        .hasMessage("bad checksum (a character is wrong or missing)");
    assertThatThrownBy(() -> Base58Check.decode("2g")).hasMessageStartingWith("too short");
    assertThatThrownBy(() -> Base58Check.encode(256, new byte[1])).isInstanceOf(IllegalArgumentException.class);
  }
}
