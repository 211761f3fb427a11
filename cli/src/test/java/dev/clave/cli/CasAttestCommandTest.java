package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.sim.SimInit;
import dev.clave.cas.CasConfig;
import dev.clave.cas.CasServer;
import dev.clave.las.LasConfig;
import dev.clave.las.LasServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attesting a CAS that a simulated LAS quoted: the seed's {@code provision … with-attestation -GCS …} command,
 * {@code cas attest}, and each reason not to trust a CAS.
 */
class CasAttestCommandTest {
  @TempDir static Path sim;
  @TempDir Path dir;
  private static LasServer las;

  @BeforeAll
  static void platform() throws Exception {
    SimInit.run(sim, SimInit.Options.defaults());
    las = LasServer.start(LasConfig.DEFAULTS.withMode(LasConfig.Mode.SIM).withSimDir(sim)
        .withStateDir(sim.resolve("las")).withHost("127.0.0.1").withPort(0));
  }

  @AfterAll
  static void stopLas() {
    las.close();
  }

  @AfterEach
  void tearDown() {
    System.clearProperty("clave.cli.config");
  }

  private CasServer start(boolean withLas) throws Exception {
    System.setProperty("clave.cli.config", dir.resolve("cli.json").toString());
    CasConfig c = CasConfig.fromEnvironment(Map.of()).withStateDir(dir.resolve("cas")).withHost("127.0.0.1").withPorts(0, 0);
    return CasServer.start(withLas ? c.withLas("127.0.0.1:" + las.port()) : c);
  }

  private static List<String> simVerification() {
    return List.of("--collateral", sim.resolve("collateral").toString(),
        "--trust-sim-root", sim.resolve("root/root_ca.pem").toString());
  }

  private static CliRun attest(CasServer cas, List<String> flags) {
    List<String> args = new ArrayList<>(List.of("cas", "attest", "127.0.0.1:" + cas.clientPort(),
        "-c", cas.identity().keyHash().toString()));
    args.addAll(flags);
    return CliRun.of(args.toArray(String[]::new));
  }

  private static List<String> with(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }

  @Test
  void theSeedsProvisioningWithAttestationWorks() throws Exception {
    Path owner = Files.writeString(dir.resolve("owner.toml"), "[api_identity]\ncommon_name = \"cas\"\n");
    try (CasServer cas = start(true)) {
      List<String> args = new ArrayList<>(List.of("cas", "provision", "127.0.0.1:" + cas.clientPort(),
          "-c", cas.identity().keyHash().toString(), "--token", cas.provisioningToken().orElseThrow(),
          "--config-file", owner.toString(),
          "with-attestation", "-GCS", "--only_for_testing-debug", "--only_for_testing-ignore-signer", "--only_for_testing-trust-any"));
      args.addAll(simVerification());
      CliRun r = CliRun.of(args.toArray(String[]::new));
      assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
      assertThat(r.out())
          .contains("CAS 127.0.0.1:" + cas.clientPort() + " at https://127.0.0.1:" + cas.clientPort() + "/ is trustworthy")
          .contains("Done, CAS configuration was successfully provisioned. You are now the owner of the CAS.");
    }
  }

  @Test
  void theDefaultCheckIsClavesCasSignerAndTheMeasurementCanBePinned() throws Exception {
    try (CasServer cas = start(true)) {
      CliRun ok = attest(cas, with(simVerification(), "--only_for_testing-debug"));
      assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
      assertThat(ok.out()).contains("is trustworthy").containsPattern("MRENCLAVE [0-9a-f]{64}, platform " + las.platformId());
      String mrenclave = ok.out().replaceAll("(?s).*MRENCLAVE ([0-9a-f]{64}).*", "$1");

      CliRun pinned = attest(cas, with(simVerification(), "--only_for_testing-debug", "--mrenclave", mrenclave));
      assertThat(pinned.exitCode()).as(pinned.err()).isZero();

      CliRun other = attest(cas, with(simVerification(), "--only_for_testing-debug", "--mrenclave", "ab".repeat(32)));
      assertThat(other.exitCode()).isEqualTo(1);
      assertThat(other.err()).contains("Error: Error during attestation of CAS")
          .contains("Caused by: Enclave hash does not match expectation: " + mrenclave);

      CliRun wrongSigner = attest(cas, with(simVerification(), "--only_for_testing-debug", "--mrsigner", "cd".repeat(32)));
      assertThat(wrongSigner.exitCode()).isEqualTo(1);
      assertThat(wrongSigner.err()).contains("is not the expected " + "cd".repeat(32));

      CliRun newer = attest(cas, with(simVerification(), "--only_for_testing-debug", "--isvsvn", "2"));
      assertThat(newer.exitCode()).isEqualTo(1);
      assertThat(newer.err()).contains("security version 1 is older than 2");
    }
  }

  @Test
  void aSimulatedCasIsRefusedWithoutTheTestingFlagsAndWithoutItsRoot() throws Exception {
    try (CasServer cas = start(true)) {
      CliRun debug = attest(cas, simVerification());
      assertThat(debug.exitCode()).isEqualTo(1);
      assertThat(debug.err()).contains("debug mode", "--only_for_testing-debug");

      CliRun untrustedRoot = attest(cas, List.of("--collateral", sim.resolve("collateral").toString(), "--only_for_testing-debug"));
      assertThat(untrustedRoot.exitCode()).isEqualTo(1);
      assertThat(untrustedRoot.err()).contains("its quote does not verify: PCK_CHAIN_UNTRUSTED");
    }
  }

  @Test
  void aCasWithoutALasHasNothingToShow() throws Exception {
    try (CasServer cas = start(false)) {
      CliRun r = attest(cas, with(simVerification(), "--only_for_testing-debug"));
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("has no quote to show (HTTP 404)", "--las");
    }
  }
}
