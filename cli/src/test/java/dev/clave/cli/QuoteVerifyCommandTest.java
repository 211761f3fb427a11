package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.testing.DcapSets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class QuoteVerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<DcapSets.Set> sets() {
    return DcapSets.all();
  }

  private static String[] verifyArgs(DcapSets.Set set, Path quote, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(
        "quote", "verify", quote.toString(), "--collateral", set.dir().toString(),
        "--at", set.verificationTime().toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @ParameterizedTest
  @MethodSource("sets")
  void everyRealSetVerifiesThroughTheCli(DcapSets.Set set) throws Exception {
    CliRun run = CliRun.of(verifyArgs(set, set.dir().resolve("quote.bin"), "--json"));
    assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    JsonNode v = JSON.readTree(run.out());
    assertThat(v.get("verified").asBoolean()).isTrue();
    assertThat(v.get("root").asText()).isEqualTo("intel");
    assertThat(v.get("tcbStatus").asText()).isEqualTo(set.expectedTcbStatus());
    if (set.expectedAdvisoryIds() != null) {
      assertThat(JSON.convertValue(v.get("advisoryIds"), List.class)).isEqualTo(set.expectedAdvisoryIds());
    }
    for (String key : List.of("verified", "root", "tcbStatus", "advisoryIds", "quoteVersion", "teeType", "fmspc",
        "mrenclave", "mrsigner", "isvProdId", "isvSvn", "debug", "reportData", "reason", "message")) {
      assertThat(v.has(key)).as("JSON has %s", key).isTrue();
    }
    assertThat(v.get("reason").isNull()).isTrue();
    assertThat(v.get("reportData").asText()).hasSize(128);
  }

  @Test
  void humanSummaryNamesStatusAndAdvisories() {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    CliRun run = CliRun.of(verifyArgs(set, set.dir().resolve("quote.bin")));
    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("VERIFIED  (root: intel)")
        .contains("ConfigurationAndSWHardeningNeeded")
        .contains("INTEL-SA-00289, INTEL-SA-00615")
        .contains("MRENCLAVE:");
  }

  @Test
  void hexAndBase64QuoteFilesAreAccepted(@TempDir Path tmp) throws Exception {
    DcapSets.Set set = DcapSets.set("zkdcap-sgx-v3-2025-01");
    byte[] q = set.quote();
    Path hex = Files.writeString(tmp.resolve("q.hex"), HexFormat.of().formatHex(q) + "\n");
    Path b64 = Files.writeString(tmp.resolve("q.b64"), Base64.getMimeEncoder().encodeToString(q));
    assertThat(CliRun.of(verifyArgs(set, hex)).exitCode()).isZero();
    assertThat(CliRun.of(verifyArgs(set, b64)).exitCode()).isZero();
    // The origin's own hex literal file, verbatim.
    assertThat(CliRun.of(verifyArgs(set, set.dir().resolve("origin/quote_v3.hex"))).exitCode()).isZero();
  }

  @Test
  void refusalExitsOneWithReasonAndMessage(@TempDir Path tmp) throws Exception {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    byte[] q = set.quote();
    q[112] ^= 1;
    Path bad = Files.write(tmp.resolve("bad.bin"), q);
    CliRun run = CliRun.of(verifyArgs(set, bad, "--json"));
    assertThat(run.exitCode()).isEqualTo(1);
    JsonNode v = JSON.readTree(run.out());
    assertThat(v.get("verified").asBoolean()).isFalse();
    assertThat(v.get("reason").asText()).isEqualTo("QUOTE_SIGNATURE_INVALID");
    assertThat(v.get("message").asText()).contains("quote signature");
  }

  @Test
  void expiredCollateralIsADistinctOutcome() throws Exception {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    CliRun run = CliRun.of("quote", "verify", set.dir().resolve("quote.bin").toString(),
        "--collateral", set.dir().toString(), "--at", set.notAfterExclusive().toString(), "--json");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(JSON.readTree(run.out()).get("reason").asText()).isEqualTo("COLLATERAL_EXPIRED");
  }

  @Test
  void usageErrorsExitTwoWithoutAStackTrace(@TempDir Path tmp) throws Exception {
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    Map<String[], String> cases = Map.of(
        new String[] {"quote", "verify", "missing.bin", "--collateral", set.dir().toString()}, "does not exist",
        new String[] {"quote", "verify", set.dir().resolve("quote.bin").toString()}, "--collateral",
        new String[] {"quote", "verify", set.dir().resolve("quote.bin").toString(), "--collateral",
            tmp.toString()}, "has no",
        new String[] {"quote", "verify", set.dir().resolve("quote.bin").toString(), "--collateral",
            set.dir().toString(), "--at", "yesterday"}, "ISO-8601",
        new String[] {"quote", "verify", set.dir().resolve("quote.bin").toString(), "--collateral",
            set.dir().toString(), "--trust-root", set.dir().resolve("tcb_info.json").toString()}, "--trust-root",
        new String[] {"quote", "frobnicate"}, "Unmatched");
    cases.forEach((args, fragment) -> {
      CliRun run = CliRun.of(args);
      assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(run.err()).as(String.join(" ", args)).contains(fragment).doesNotContain("\tat ");
    });
  }

  @Test
  void aRootCertificateInTheCollateralDirectoryIsNotTrusted(@TempDir Path tmp) throws Exception {
    // The shared sets carry root_ca.der; it is Intel's anyway, so prove the rule with a foreign root
    // placed in a copy of a bundle: the verifier must report "intel" and ignore the file.
    DcapSets.Set set = DcapSets.set("phala-sgx-v3-2025-06");
    for (String f : List.of("pck_crl.der", "pck_crl_issuer_chain.pem", "root_ca_crl.der", "tcb_info.json",
        "tcb_info_issuer_chain.pem", "qe_identity.json", "qe_identity_issuer_chain.pem")) {
      Files.copy(set.dir().resolve(f), tmp.resolve(f));
    }
    Files.write(tmp.resolve("root_ca.der"), "not even a certificate".getBytes(StandardCharsets.US_ASCII));
    CliRun run = CliRun.of("quote", "verify", set.dir().resolve("quote.bin").toString(), "--collateral",
        tmp.toString(), "--at", set.verificationTime().toString(), "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(JSON.readTree(run.out()).get("root").asText()).isEqualTo("intel");
  }

  @Test
  void helpListsEveryCommand() {
    CliRun run = CliRun.of("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("quote").contains("sim");
  }
}
