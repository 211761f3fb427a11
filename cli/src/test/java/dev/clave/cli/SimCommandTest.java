package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code clave sim init} and {@code clave sim quote}, checked through {@code clave quote verify}. */
class SimCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static Path sim;

  @BeforeAll
  static void init() {
    sim = shared.resolve("sim");
    CliRun run = CliRun.of("sim", "init", "--dir", sim.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("created simulation root", "clave quote verify");
  }

  static Path quote(String name, String... options) {
    Path out = shared.resolve(name);
    List<String> args = new ArrayList<>(List.of("sim", "quote", "--dir", sim.toString(), "--out", out.toString()));
    args.addAll(List.of(options));
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("wrote ");
    return out;
  }

  static CliRun verify(Path quote, Path dir, boolean trustSimRoot) {
    List<String> args = new ArrayList<>(
        List.of("quote", "verify", quote.toString(), "--collateral", dir.resolve("collateral").toString(), "--json"));
    if (trustSimRoot) {
      args.addAll(List.of("--trust-root", dir.resolve("root/root_ca.pem").toString()));
    }
    return CliRun.of(args.toArray(String[]::new));
  }

  static JsonNode json(CliRun run) throws Exception {
    return JSON.readTree(run.out());
  }

  @Test
  void initWritesTheLayoutOfTheRealSets() {
    for (String f : List.of("pck_crl.der", "pck_crl_issuer_chain.pem", "root_ca_crl.der", "tcb_info.json",
        "tcb_info_issuer_chain.pem", "qe_identity.json", "qe_identity_issuer_chain.pem")) {
      assertThat(sim.resolve("collateral").resolve(f)).isRegularFile();
    }
    assertThat(sim.resolve("root/root_ca.pem")).isRegularFile();
  }

  @Test
  void simulatedQuoteVerifiesOnlyWithTheSimulationRootTrusted() throws Exception {
    Path q = quote("plain.bin", "--report-data", "c0ffee");

    CliRun ok = verify(q, sim, true);
    assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
    JsonNode v = json(ok);
    assertThat(v.get("verified").asBoolean()).isTrue();
    assertThat(v.get("root").asText()).isEqualTo("simulation");
    assertThat(v.get("tcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(v.get("quoteVersion").asInt()).isEqualTo(3);
    assertThat(v.get("fmspc").asText()).isEqualTo("00C1A7E00000");
    assertThat(v.get("reportData").asText()).startsWith("c0ffee00");

    CliRun refused = verify(q, sim, false);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(json(refused).get("reason").asText()).isEqualTo("PCK_CHAIN_UNTRUSTED");
  }

  @ParameterizedTest
  @CsvSource({
    "7, UpToDate, 0",
    "6, SWHardeningNeeded, 0",
    "5, ConfigurationNeeded, 0",
    "4, ConfigurationAndSWHardeningNeeded, 0",
    "3, OutOfDate, 0",
    "2, OutOfDateConfigurationNeeded, 0",
    "1, Revoked, 1",
  })
  void svnSelectsEachTcbStatus(int svn, String status, int exit) throws Exception {
    CliRun run = verify(quote("svn" + svn + ".bin", "--svn", Integer.toString(svn)), sim, true);

    assertThat(run.exitCode()).as(run.out()).isEqualTo(exit);
    assertThat(json(run).get("tcbStatus").asText()).isEqualTo(status);
    if (exit == 1) {
      assertThat(json(run).get("reason").asText()).isEqualTo("TCB_REVOKED");
    }
  }

  @Test
  void outOfDateQuotingEnclave() throws Exception {
    JsonNode v = json(verify(quote("qe.bin", "--qe-svn", "3"), sim, true));
    assertThat(v.get("qeTcbStatus").asText()).isEqualTo("OutOfDate");
    assertThat(v.get("tcbStatus").asText()).isEqualTo("OutOfDate");
  }

  @Test
  void debugQuoteSaysDebug() throws Exception {
    JsonNode v = json(verify(quote("debug.bin", "--debug"), sim, true));
    assertThat(v.get("verified").asBoolean()).isTrue();
    assertThat(v.get("debug").asBoolean()).isTrue();
  }

  @Test
  void tdxDirectoryMakesVerifiableTdxQuotes(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("tdx");
    assertThat(CliRun.of("sim", "init", "--dir", dir.toString(), "--tee", "tdx").exitCode()).isZero();
    Path q = tmp.resolve("td.bin");
    assertThat(CliRun.of("sim", "quote", "--dir", dir.toString(), "--out", q.toString()).exitCode()).isZero();

    CliRun run = verify(q, dir, true);

    assertThat(run.exitCode()).as(run.out()).isZero();
    JsonNode v = json(run);
    assertThat(v.get("teeType").asText()).isEqualTo("TDX");
    assertThat(v.get("quoteVersion").asInt()).isEqualTo(4);
    assertThat(v.get("td").get("mrtd").asText()).hasSize(96);
  }

  @Test
  void collateralForAnotherFmspcIsATcbInfoMismatch(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("s");
    assertThat(CliRun.of("sim", "init", "--dir", dir.toString()).exitCode()).isZero();
    Path q = tmp.resolve("q.bin");
    assertThat(CliRun.of("sim", "quote", "--dir", dir.toString(), "--out", q.toString()).exitCode()).isZero();
    // Same root, collateral re-issued for another FMSPC: the old quote's PCK certificate no longer matches.
    CliRun again = CliRun.of("sim", "init", "--dir", dir.toString(), "--fmspc", "00906ED50000");
    assertThat(again.out()).contains("reused simulation root");

    CliRun run = verify(q, dir, true);

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(json(run).get("reason").asText()).isEqualTo("TCB_INFO_MISMATCH");
    assertThat(json(run).get("message").asText()).contains("00906ED50000", "00C1A7E00000");
  }

  @Test
  void customTcbLevelsFile(@TempDir Path tmp) throws Exception {
    Path levels = tmp.resolve("levels.json");
    Files.writeString(levels, """
        [{"sgxSvn": 9, "status": "UpToDate", "date": "2025-01-01T00:00:00Z"},
         {"sgxSvn": 3, "status": "SWHardeningNeeded", "advisoryIds": ["INTEL-SA-00615"]}]
        """);
    Path dir = tmp.resolve("s");
    CliRun init = CliRun.of("sim", "init", "--dir", dir.toString(), "--tcb-levels", levels.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    Path q = tmp.resolve("q.bin");
    assertThat(CliRun.of("sim", "quote", "--dir", dir.toString(), "--out", q.toString(), "--svn", "5").exitCode())
        .isZero();

    JsonNode v = json(verify(q, dir, true));

    assertThat(v.get("tcbStatus").asText()).isEqualTo("SWHardeningNeeded");
    assertThat(v.get("advisoryIds").get(0).asText()).isEqualTo("INTEL-SA-00615");
  }

  @Test
  void usageErrorsExitTwoWithAClearMessage(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, "[{\"sgxSvn\": 3, \"status\": \"Uptodate\"}]");
    assertUsage("--fmspc", "sim", "init", "--dir", tmp.resolve("a").toString(), "--fmspc", "00C1");
    assertUsage("--tee", "sim", "init", "--dir", tmp.resolve("a").toString(), "--tee", "sev");
    assertUsage("Uptodate", "sim", "init", "--dir", tmp.resolve("a").toString(), "--tcb-levels", bad.toString());
    assertUsage("no such file", "sim", "init", "--dir", tmp.resolve("a").toString(), "--tcb-levels",
        tmp.resolve("missing.json").toString());
    assertUsage("sim init --dir", "sim", "quote", "--dir", tmp.resolve("empty").toString(), "--out",
        tmp.resolve("q").toString());
    assertUsage("--report-data", "sim", "quote", "--dir", sim.toString(), "--out", tmp.resolve("q").toString(),
        "--report-data", "zz");
    assertUsage("SVN", "sim", "quote", "--dir", sim.toString(), "--out", tmp.resolve("q").toString(), "--svn", "300");
  }

  private static void assertUsage(String fragment, String... args) {
    CliRun run = CliRun.of(args);
    assertThat(run.exitCode()).as(String.join(" ", args) + "\n" + run.err()).isEqualTo(2);
    assertThat(run.err()).contains(fragment).doesNotContain("\tat ", "internal error");
  }
}
