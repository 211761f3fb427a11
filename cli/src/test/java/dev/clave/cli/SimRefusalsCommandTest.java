package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.collateral.CollateralBundle;
import dev.clave.attestation.sim.SimScenarios;
import dev.clave.attestation.verify.ReasonCode;
import dev.clave.attestation.verify.TrustedRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every refusal reason through the command line: each simulation scenario written to disk as a quote file
 * and a collateral bundle, then {@code clave quote verify --json}.
 */
class SimRefusalsCommandTest {

  // Unavailable collateral cannot be a bundle on disk; over HTTP it is QuoteVerifyPcsTest's.
  @ParameterizedTest
  @EnumSource(value = ReasonCode.class, names = "COLLATERAL_UNAVAILABLE", mode = EnumSource.Mode.EXCLUDE)
  void everyReasonIsReportedByTheCli(ReasonCode reason, @TempDir Path tmp) throws Exception {
    SimScenarios.Scenario s = SimScenarios.refusals().get(reason);
    Path quote = Files.write(tmp.resolve("quote.bin"), s.quote());
    Path bundle = tmp.resolve("collateral");
    CollateralBundle.write(bundle, s.collateral());
    List<String> args = new ArrayList<>(List.of("quote", "verify", quote.toString(), "--collateral",
        bundle.toString(), "--at", s.at().toString(), "--json"));
    int i = 0;
    for (TrustedRoot root : s.trusted()) {
      Path cert = Files.write(tmp.resolve("root" + i++ + ".der"), root.certificate().der().toByteArray());
      args.addAll(List.of("--trust-root", cert.toString()));
    }

    CliRun run = CliRun.of(args.toArray(String[]::new));

    assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
    JsonNode v = new ObjectMapper().readTree(run.out());
    assertThat(v.get("verified").asBoolean()).isFalse();
    assertThat(v.get("reason").asText()).isEqualTo(reason.name());
    assertThat(v.get("message").asText()).isNotBlank();
  }
}
