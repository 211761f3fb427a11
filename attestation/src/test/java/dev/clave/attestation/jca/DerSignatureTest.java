package dev.clave.attestation.jca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The ECDSA-Sig-Value reader accepts exactly the DER encodings: whatever it accepts re-encodes to the same
 * bytes (so no two encodings of one signature are accepted), and it never fails with anything but a
 * {@link SignatureException}.
 */
class DerSignatureTest {
  @Test
  void encodingsRoundTripAndEveryMutationIsEitherCanonicalOrRefused() throws Exception {
    Random random = new Random(20261123);
    for (int i = 0; i < 2_000; i++) {
      BigInteger r = new BigInteger(1 + random.nextInt(256), random).add(BigInteger.ONE);
      BigInteger s = new BigInteger(1 + random.nextInt(256), random).add(BigInteger.ONE);
      byte[] der = DerSignature.encode(r, s);
      BigInteger[] back = DerSignature.decode(der);
      assertThat(back).containsExactly(r, s);
      for (int m = 0; m < 20; m++) {
        byte[] mutated = der.clone();
        mutated[random.nextInt(mutated.length)] ^= (byte) (1 << random.nextInt(8));
        checkCanonicalOrRefused(mutated);
      }
      checkCanonicalOrRefused(java.util.Arrays.copyOf(der, random.nextInt(der.length)));
    }
  }

  @Test
  void nonMinimalNegativeAndTrailingFormsAreRefused() {
    assertThatThrownBy(() -> DerSignature.decode(java.util.HexFormat.of().parseHex("30080203000001020101")))
        .isInstanceOf(SignatureException.class).hasMessageContaining("not minimally encoded");
    assertThatThrownBy(() -> DerSignature.decode(java.util.HexFormat.of().parseHex("3006020180020101")))
        .isInstanceOf(SignatureException.class).hasMessageContaining("negative");
    assertThatThrownBy(() -> DerSignature.decode(java.util.HexFormat.of().parseHex("300602010102010100")))
        .isInstanceOf(SignatureException.class).hasMessageContaining("not one DER sequence");
  }

  @FuzzTest(maxDuration = "2m")
  void fuzzDecode(byte[] input) {
    checkCanonicalOrRefused(input);
  }

  private static void checkCanonicalOrRefused(byte[] input) {
    BigInteger[] rs;
    try {
      rs = DerSignature.decode(input);
    } catch (SignatureException e) {
      assertThat(e.getMessage()).contains("signature");
      return;
    }
    assertThat(DerSignature.encode(rs[0], rs[1])).as("accepted, so canonical").isEqualTo(input);
  }
}
