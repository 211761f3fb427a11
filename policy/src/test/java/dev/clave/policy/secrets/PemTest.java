package dev.clave.policy.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PemTest {
  private static final byte[] DER = new byte[100];

  static {
    for (int i = 0; i < DER.length; i++) {
      DER[i] = (byte) i;
    }
  }

  @Test
  void roundTripsWithCrlfAndSurroundingWhitespace() {
    String pem = Pem.encode(Pem.PUBLIC_KEY, DER);
    assertThat(pem.split("\n")).hasSize(5); // BEGIN, 64, 64, 8 characters of base64, END
    assertThat(Pem.decode(pem, Pem.PUBLIC_KEY)).isEqualTo(DER);
    assertThat(Pem.decode("\n  \r\n" + pem.replace("\n", "\r\n") + "\n\n", Pem.PUBLIC_KEY)).isEqualTo(DER);
  }

  @Test
  void refusesWhatIsNotExactlyOneBlock() {
    String pem = Pem.encode(Pem.PUBLIC_KEY, DER);
    assertThatThrownBy(() -> Pem.decode("", Pem.PUBLIC_KEY))
        .hasMessage("expected a PEM block '-----BEGIN PUBLIC KEY-----' but the text is empty");
    assertThatThrownBy(() -> Pem.decode("text\n" + pem, Pem.PUBLIC_KEY))
        .hasMessage("expected '-----BEGIN PUBLIC KEY-----' at line 1 (only whitespace may precede it)");
    assertThatThrownBy(() -> Pem.decode(pem.replace("-----END PUBLIC KEY-----\n", ""), Pem.PUBLIC_KEY))
        .hasMessage("missing '-----END PUBLIC KEY-----'");
    assertThatThrownBy(() -> Pem.decode(pem + "x", Pem.PUBLIC_KEY))
        .hasMessage("line 6: only whitespace may follow '-----END PUBLIC KEY-----' (one PEM block per value)");
    assertThatThrownBy(
            () -> Pem.decode("-----BEGIN PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END PRIVATE KEY-----", Pem.PRIVATE_KEY))
        .hasMessage("line 2: PEM headers (such as legacy encryption) are not supported; give an unencrypted key");
    assertThatThrownBy(() -> Pem.decode("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----", Pem.PUBLIC_KEY))
        .hasMessage("the PEM block is empty");
    assertThatThrownBy(() -> Pem.decode("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----", Pem.PUBLIC_KEY))
        .hasMessageEndingWith("(a PKCS#1 key; convert it to SubjectPublicKeyInfo with 'openssl rsa -RSAPublicKey_in -pubout')");
    assertThatThrownBy(() -> Pem.decode("x".repeat(Pem.MAX_TEXT + 1), Pem.PUBLIC_KEY))
        .hasMessage("the PEM text is longer than 262144 characters");
  }
}
