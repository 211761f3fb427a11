package dev.clave.attestation.sim;

import static dev.clave.attestation.sim.SimTesting.NOW;
import static dev.clave.attestation.sim.SimTesting.cert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.quote.TeeType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimInitTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void initWritesRootCollateralAndPlatform(@TempDir Path dir) throws Exception {
    SimInit.Summary s = SimInit.run(dir, SimInit.Options.defaults().withNow(NOW));
    assertThat(s.rootCreated()).isTrue();
    assertThat(s.tee()).isEqualTo(TeeType.SGX);
    assertThat(s.fmspc()).isEqualTo(PlatformTcb.DEFAULT_FMSPC);
    assertThat(s.collateralNextUpdate()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    assertThat(s.rootCertificate()).isEqualTo(dir.resolve("root/root_ca.pem"));
    assertThat(s.collateralDir()).isEqualTo(dir.resolve("collateral"));
    for (String f : List.of("pck_crl.der", "pck_crl_issuer_chain.pem", "root_ca_crl.der", "tcb_info.json",
        "tcb_info_issuer_chain.pem", "qe_identity.json", "qe_identity_issuer_chain.pem", "root_ca.der")) {
      assertThat(dir.resolve("collateral").resolve(f)).isRegularFile();
    }
    SimulationRoot root = SimulationRoot.load(dir.resolve("root"));
    assertThat(root.rootFingerprint()).isEqualTo(s.rootFingerprint());
    assertThat(root.rootSpkiSha256()).isEqualTo(s.rootSpkiSha256());
    SimPlatform platform = SimPlatform.load(dir.resolve("platform"), root);
    assertThat(platform.platformId()).isEqualTo(s.platformId());
    assertThat(platform.tcb()).isEqualTo(PlatformTcb.ofSvn(7));
    assertThat(TcbLevels.load(dir.resolve("tcb_levels.json"))).isEqualTo(TcbLevels.platformLadder());
    assertThat(JSON.readTree(dir.resolve("sim.json").toFile()).get("tee").asText()).isEqualTo("sgx");
    assertThat(JSON.readTree(dir.resolve("collateral/tcb_info.json").toFile()).at("/tcbInfo/id").asText()).isEqualTo("SGX");
  }

  @Test
  void initAgainReusesTheRootAndThePlatformIdentity(@TempDir Path dir) throws Exception {
    SimInit.Summary first = SimInit.run(dir, SimInit.Options.defaults().withNow(NOW));
    String rootKey = Files.readString(dir.resolve("root/root_ca.key.pem"));
    Bytes fmspc = Bytes.fromHex("AABBCCDDEEFF");
    SimInit.Summary second = SimInit.run(dir, SimInit.Options.defaults().withNow(NOW.plusSeconds(10))
        .withFmspc(fmspc).withTee(TeeType.TDX)
        .withTcbLevels(TcbLevels.fromJson("[{\"sgxSvn\": 12, \"status\": \"UpToDate\"}]")));
    assertThat(second.rootCreated()).isFalse();
    assertThat(second.rootFingerprint()).isEqualTo(first.rootFingerprint());
    assertThat(Files.readString(dir.resolve("root/root_ca.key.pem"))).isEqualTo(rootKey);
    assertThat(second.platformId()).isEqualTo(first.platformId());

    SimPlatform platform = SimPlatform.load(dir.resolve("platform"), SimulationRoot.load(dir.resolve("root")));
    PckExtensions ext = PckExtensions.of(cert(platform.pckCertificateDer()));
    assertThat(ext.fmspc()).isEqualTo(fmspc);
    assertThat(ext.pceSvn()).isEqualTo(12);
    var info = JSON.readTree(dir.resolve("collateral/tcb_info.json").toFile()).get("tcbInfo");
    assertThat(info.get("id").asText()).isEqualTo("TDX");
    assertThat(info.get("fmspc").asText()).isEqualTo("AABBCCDDEEFF");
    assertThat(info.get("tcbLevels")).hasSize(1);
  }

  @Test
  void initRefusesAnIncompleteRoot(@TempDir Path dir) throws Exception {
    SimInit.run(dir, SimInit.Options.defaults().withNow(NOW));
    Files.delete(dir.resolve("root/pck_platform_ca.key.pem"));
    assertThatThrownBy(() -> SimInit.run(dir, SimInit.Options.defaults().withNow(NOW)))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("pck_platform_ca.key.pem");
  }

  @Test
  void quoteUsesTheSavedPlatformAndOptions(@TempDir Path dir) throws Exception {
    SimInit.Summary s = SimInit.run(dir, SimInit.Options.defaults().withNow(NOW));
    Bytes reportData = Bytes.fromHex("0102");
    SimInit.SimQuote q = SimInit.quote(dir, SimInit.QuoteOptions.defaults().withReportData(reportData).withNow(NOW));
    assertThat(q.tee()).isEqualTo(TeeType.SGX);
    assertThat(q.platformId()).isEqualTo(s.platformId());
    RawQuote raw = new RawQuote(q.quote());
    assertThat(raw.version).isEqualTo(3);
    assertThat(new RawQuote.Report(raw.body()).reportData().slice(0, 3)).isEqualTo(Bytes.fromHex("010200"));
    assertThat(new RawQuote.Report(raw.body()).attributes().get(0) & 2).isZero();
    ParsedCertificate leaf = SimTesting.pemChain(new String(raw.certData.toByteArray(), StandardCharsets.US_ASCII)).get(0);
    assertThat(leaf.der().toByteArray())
        .isEqualTo(SimPlatform.load(dir.resolve("platform"), SimulationRoot.load(dir.resolve("root"))).pckCertificateDer());
  }

  @Test
  void quoteWithAnotherSvnReissuesThePckButKeepsThePlatformId(@TempDir Path dir) throws Exception {
    SimInit.Summary s = SimInit.run(dir, SimInit.Options.defaults().withNow(NOW).withTee(TeeType.TDX));
    SimInit.SimQuote q = SimInit.quote(dir,
        SimInit.QuoteOptions.defaults().withSvn(3).withQeSvn(2).withDebug(true).withNow(NOW));
    assertThat(q.tee()).isEqualTo(TeeType.TDX); // from sim.json
    assertThat(q.platformId()).isEqualTo(s.platformId());
    assertThat(q.tcb().pceSvn()).isEqualTo(3);
    assertThat(q.tcb().qeSvn()).isEqualTo(2);
    RawQuote raw = new RawQuote(q.quote());
    assertThat(raw.version).isEqualTo(4);
    assertThat(raw.body().get(120) & 1).isEqualTo(1);
    assertThat(new RawQuote.Report(raw.qeReport).isvSvn()).isEqualTo(2);
    ParsedCertificate leaf = SimTesting.pemChain(new String(raw.certData.toByteArray(), StandardCharsets.US_ASCII)).get(0);
    assertThat(PckExtensions.of(leaf).pceSvn()).isEqualTo(3);
    // The saved platform is unchanged.
    SimPlatform saved = SimPlatform.load(dir.resolve("platform"), SimulationRoot.load(dir.resolve("root")));
    assertThat(saved.tcb()).isEqualTo(PlatformTcb.ofSvn(7));

    RawQuote sgx = new RawQuote(SimInit.quote(dir, SimInit.QuoteOptions.defaults().withTee(TeeType.SGX)).quote());
    assertThat(sgx.version).isEqualTo(3);
  }

  @Test
  void quoteWithoutInitSaysWhatToDo(@TempDir Path dir) {
    assertThatThrownBy(() -> SimInit.quote(dir, SimInit.QuoteOptions.defaults()))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("clave sim init --dir");
  }

  @Test
  void quoteOptionsAreValidated() {
    assertThatThrownBy(() -> SimInit.QuoteOptions.defaults().withReportData(Bytes.wrap(new byte[65])))
        .hasMessage("report data must be at most 64 bytes, got 65");
    assertThatThrownBy(() -> SimInit.QuoteOptions.defaults().withSvn(300)).hasMessage("SVN must be 0..255, got 300");
  }
}
