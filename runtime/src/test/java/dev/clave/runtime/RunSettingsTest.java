package dev.clave.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.attestation.sim.SgxEnclaveSpec;
import dev.clave.cas.client.ClientIdentity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Options, CLAVE_* and SCONE_* variables, defaults, and the errors for values that do not parse. */
class RunSettingsTest {
  private static final List<String> PROGRAM = List.of("/bin/true");

  private static RunSettings.Flags flags(String configId, String cas, String las, String keyHash, String mode) {
    return new RunSettings.Flags(configId, cas, las, keyHash, mode, false, null, null, null, PROGRAM);
  }

  @Test
  void optionsWinOverClaveVariablesWhichWinOverScone() throws Exception {
    Map<String, String> env = Map.of(
        "SCONE_CONFIG_ID", "scone/svc", "SCONE_CAS_ADDR", "scone-cas", "SCONE_LAS_ADDR", "scone-las", "SCONE_MODE", "hw",
        "CLAVE_CONFIG_ID", "clave/svc", "CLAVE_CAS_ADDR", "clave-cas:9000", "CLAVE_LAS_ADDR", "clave-las:9001",
        "CLAVE_MODE", "sim");
    RunSettings fromEnv = RunSettings.resolve(flags(null, null, null, null, null), env);
    assertThat(fromEnv.configId()).isEqualTo("clave/svc");
    assertThat(fromEnv.cas()).isEqualTo(new Endpoint("clave-cas", 9000));
    assertThat(fromEnv.las()).isEqualTo(new Endpoint("clave-las", 9001));
    assertThat(fromEnv.mode()).isEqualTo(Mode.SIM);

    RunSettings scone = RunSettings.resolve(flags(null, null, null, null, null), Map.of(
        "SCONE_CONFIG_ID", "ns/session/svc", "SCONE_CAS_ADDR", "cas.example", "SCONE_MODE", "HW", "CLAVE_CAS_ADDR", " "));
    assertThat(scone.configId()).isEqualTo("ns/session/svc");
    assertThat(scone.cas()).isEqualTo(new Endpoint("cas.example", 18765));
    assertThat(scone.las()).isEqualTo(new Endpoint("127.0.0.1", 18766));
    assertThat(scone.mode()).isEqualTo(Mode.HW);
    assertThat(scone.casKeyHash()).isNull();

    String pin = ClientIdentity.generate().keyHash().toString();
    RunSettings flagged = RunSettings.resolve(flags("f/svc", "[::1]:7000", "10.0.0.1", pin, "auto"), env);
    assertThat(flagged.configId()).isEqualTo("f/svc");
    assertThat(flagged.cas()).isEqualTo(new Endpoint("::1", 7000));
    assertThat(flagged.cas().toString()).isEqualTo("[::1]:7000");
    assertThat(flagged.las()).isEqualTo(new Endpoint("10.0.0.1", 18766));
    assertThat(flagged.casKeyHash().toString()).isEqualTo(pin);
    assertThat(flagged.mode()).isEqualTo(Mode.SIM);
    assertThat(RunSettings.resolve(flags("f/svc", "cas", null, null, null), Map.of("CLAVE_CAS_KEY_HASH", pin)).casKeyHash())
        .hasToString(pin);
  }

  @Test
  void theSignerDefaultsToTheSimulationsAndCanBeDeclared() throws Exception {
    RunSettings d = RunSettings.resolve(flags("s/a", "cas", null, null, null), Map.of());
    assertThat(d.signer().mrSigner()).isEqualTo(SgxEnclaveSpec.DEFAULT_MR_SIGNER);
    assertThat(d.signer().isvProdId()).isEqualTo(1);
    assertThat(d.signer().isvSvn()).isEqualTo(1);
    RunSettings set = RunSettings.resolve(new RunSettings.Flags("s/a", "cas", null, null, null, false, "AB".repeat(32), 41316, 5,
        PROGRAM), Map.of());
    assertThat(set.signer().mrSigner().hex()).isEqualTo("ab".repeat(32));
    assertThat(set.signer().isvProdId()).isEqualTo(41316);
    assertThat(set.signer().isvSvn()).isEqualTo(5);
  }

  @Test
  void printingTheMrenclaveNeedsNeitherConfigIdNorCas() throws Exception {
    RunSettings p = RunSettings.resolve(new RunSettings.Flags(null, null, null, null, null, true, null, null, null, PROGRAM), Map.of());
    assertThat(p.printMrenclave()).isTrue();
    assertThat(RunSettings.resolve(flags(null, null, null, null, null), Map.of("SCONE_HASH", "1")).printMrenclave()).isTrue();
    assertThat(RunSettings.resolve(flags(null, null, null, null, null), Map.of("CLAVE_HASH", "1")).printMrenclave()).isTrue();
  }

  @Test
  void missingAndMalformedValuesAreNamed() {
    assertUsage(flags(null, "cas", null, null, null), Map.of(), "no config ID: give --config-id SESSION/SERVICE or set CLAVE_CONFIG_ID (or SCONE_CONFIG_ID)");
    assertUsage(flags("s/a", null, null, null, null), Map.of(), "no CAS address: give --cas HOST[:PORT] or set CLAVE_CAS_ADDR (or SCONE_CAS_ADDR)");
    assertUsage(new RunSettings.Flags("s/a", "cas", null, null, null, false, null, null, null, List.of()), Map.of(),
        "no program given: clave run [OPTIONS] -- PROGRAM [ARGS…]");
    assertUsage(flags("session-only", "cas", null, null, null), Map.of(), "--config-id: expected SESSION/SERVICE, got \"session-only\"");
    assertUsage(flags(null, "cas", null, null, null), Map.of("SCONE_CONFIG_ID", "s/"), "SCONE_CONFIG_ID: expected SESSION/SERVICE, got \"s/\"");
    assertUsage(flags("s/a", "cas:99999", null, null, null), Map.of(), "--cas: expected HOST or HOST:PORT (port 1..65535), got \"cas:99999\"");
    assertUsage(flags("s/a", null, null, null, null), Map.of("CLAVE_CAS_ADDR", "https://cas"), "CLAVE_CAS_ADDR: expected HOST or HOST:PORT (port 1..65535), got \"https://cas\"");
    assertUsage(flags("s/a", "cas", null, null, null), Map.of("SCONE_LAS_ADDR", "las:x"), "SCONE_LAS_ADDR: expected HOST or HOST:PORT (port 1..65535), got \"las:x\"");
    assertUsage(flags("s/a", "cas", null, null, null), Map.of("SCONE_MODE", "fast"), "SCONE_MODE: expected \"sim\", \"hw\" or \"auto\", got \"fast\"");
    assertUsage(flags("s/a", "cas", null, "not-a-hash", null), Map.of(), "--cas-key-hash: ");
    assertUsage(flags("s/a", "cas", null, null, null), Map.of("CLAVE_CAS_KEY_HASH", "xyz"), "CLAVE_CAS_KEY_HASH: ");
    assertUsage(new RunSettings.Flags("s/a", "cas", null, null, null, false, "abc", null, null, PROGRAM), Map.of(), "--mrsigner: expected 64 hex digits");
    assertUsage(new RunSettings.Flags("s/a", "cas", null, null, null, false, null, 70000, null, PROGRAM), Map.of(), "--isvprodid: must be 0..65535, got 70000");
  }

  private static void assertUsage(RunSettings.Flags flags, Map<String, String> env, String message) {
    assertThatThrownBy(() -> RunSettings.resolve(flags, env))
        .isInstanceOf(RunFailure.class)
        .hasMessageStartingWith(message)
        .extracting(e -> ((RunFailure) e).exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
