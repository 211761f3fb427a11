package dev.clave.las;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whatever bytes arrive, the LAS's request reader answers with a request or a {@link QuoteRequest.BadRequest}
 * saying {@code <field>: <why>} — never another exception (which the LAS would have to turn into a 500).
 */
class QuoteRequestMutationTest {
  private static final String VALID = "{\"mrenclave\":\"" + "ab".repeat(32) + "\",\"mrsigner\":\"" + "cd".repeat(32)
      + "\",\"isvProdId\":1,\"isvSvn\":2,\"debug\":true,\"reportData\":\"" + "ef".repeat(64) + "\"}";

  @Test
  void everyMutationOfAValidRequestIsARequestOrAPreciseRefusal() {
    Random random = new Random(20261123);
    byte[] valid = VALID.getBytes(StandardCharsets.UTF_8);
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = valid.clone();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        switch (random.nextInt(3)) {
          case 0 -> {
            if (b.length > 0) {
              b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
          }
          case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1));
          default -> {
            byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
            int at = random.nextInt(longer.length);
            System.arraycopy(b, at, longer, at + 1, b.length - at);
            String alphabet = "{}[]\":,0-9eE.tfn \\u";
            longer[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            b = longer;
          }
        }
      }
      try {
        QuoteRequest r = QuoteRequest.parse(b);
        assertThat(r.mrEnclave().length()).isEqualTo(32);
        assertThat(r.reportData().length()).isEqualTo(64);
      } catch (QuoteRequest.BadRequest e) {
        refused++;
        assertThat(e.getMessage()).as("from %s", new String(b, StandardCharsets.ISO_8859_1)).matches("(?s).+: .+");
      }
    }
    assertThat(refused).as("the mutations do break requests").isGreaterThan(10_000);
  }
}
