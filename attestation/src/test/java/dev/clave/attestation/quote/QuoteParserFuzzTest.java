package dev.clave.attestation.quote;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * Jazzer fuzz target for {@link QuoteParser}: for any bytes, parsing either succeeds with a self-consistent
 * quote or throws a {@link QuoteFormatException} that points inside the input. Anything else (an index out
 * of bounds, a negative array size, an out-of-memory, a failed invariant) is a finding.
 *
 * <p>A normal build runs it in regression mode over {@code QuoteParserFuzzTestInputs/fuzzParse/} (the real
 * quotes, synthetic v4 SGX and v5 quotes, and malformed cases). {@code attestation/fuzz/run-quote-fuzz}
 * fuzzes for real; findings land in that directory and then stay as regression inputs.
 */
class QuoteParserFuzzTest {

  @FuzzTest(maxDuration = "10m")
  void fuzzParse(byte[] input) {
    Quote q;
    try {
      q = Quote.parse(input);
    } catch (QuoteFormatException e) {
      assertThat(e.offset()).isBetween(0, input.length);
      assertThat(e.field()).isNotBlank();
      assertThat(e.getMessage()).startsWith(e.field() + " at offset " + e.offset() + ": ");
      return;
    }
    assertConsistent(q, input);
  }

  private static void assertConsistent(Quote q, byte[] input) {
    assertThat(q.length() + q.paddingLength()).isEqualTo(input.length);
    int bodyAt = q.version() == 5 ? QuoteHeader.LENGTH + 6 : QuoteHeader.LENGTH;
    assertThat(q.signedBytes().length()).isEqualTo(bodyAt + q.body().raw().length());
    assertThat(q.body() instanceof EnclaveReport).isEqualTo(q.bodyType() == Quote.BODY_TYPE_SGX);
    assertThat(q.signatureData().certificationData().data().length()).isLessThanOrEqualTo(CertificationData.MAX_LENGTH);
    for (int i = q.length(); i < input.length; i++) {
      assertThat(input[i]).isZero();
    }
    // The padding changes nothing: the quote proper alone parses to the same content.
    Quote proper;
    try {
      proper = Quote.parse(Arrays.copyOf(input, q.length()));
    } catch (QuoteFormatException e) {
      throw new AssertionError("the quote proper of a parsed quote fails: " + e.getMessage(), e);
    }
    assertThat(proper.paddingLength()).isZero();
    assertThat(proper.header()).isEqualTo(q.header());
    assertThat(proper.body()).isEqualTo(q.body());
    assertThat(proper.signatureData()).isEqualTo(q.signatureData());
  }
}
