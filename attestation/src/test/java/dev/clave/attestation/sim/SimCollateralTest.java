package dev.clave.attestation.sim;

import static dev.clave.attestation.sim.SimTesting.NOW;
import static dev.clave.attestation.sim.SimTesting.cert;
import static dev.clave.attestation.sim.SimTesting.signedValue;
import static dev.clave.attestation.sim.SimTesting.utf8;
import static dev.clave.attestation.sim.SimTesting.verifyRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.IsvTcbLevel;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.ParsedCrl;
import dev.clave.attestation.quote.TeeType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimCollateralTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static SimulationRoot root;
  static SimPlatform platform;

  @BeforeAll
  static void setUp() {
    root = SimulationRoot.create(NOW);
    platform = root.issuePlatform(PlatformTcb.ofSvn(7), NOW);
  }

  static SimCollateral collateral(CollateralOptions.Builder b) {
    return root.collateral(b.issueDate(NOW).build());
  }

  @Test
  void crlsAreSignedByTheirIssuersWithCrlNumberAndAki() throws Exception {
    SimCollateral c = collateral(CollateralOptions.builder());
    ParsedCrl rootCrl = ParsedCrl.parse(c.rootCaCrlDer(), "root CA CRL");
    ParsedCrl pckCrl = ParsedCrl.parse(c.pckCrlDer(), "PCK CRL");
    ParsedCertificate r = cert(root.rootCertificateDer());
    ParsedCertificate ca = cert(root.pckCaCertificateDer());
    assertThat(rootCrl.isSignedBy(r)).isTrue();
    assertThat(pckCrl.isSignedBy(ca)).isTrue();
    assertThat(pckCrl.isSignedBy(r)).isFalse();
    assertThat(rootCrl.size()).isZero();
    assertThat(pckCrl.size()).isZero();
    assertThat(pckCrl.thisUpdate()).isEqualTo(NOW);
    assertThat(pckCrl.nextUpdate()).isEqualTo(NOW.plus(Duration.ofDays(30)));
    X509CRLHolder holder = new X509CRLHolder(c.pckCrlDer());
    assertThat(holder.getExtension(Extension.cRLNumber)).isNotNull();
    assertThat(holder.getExtension(Extension.authorityKeyIdentifier)).isNotNull();
    assertThat(holder.toASN1Structure().getVersionNumber()).isEqualTo(2);

    List<ParsedCertificate> chain = SimTesting.pemChain(c.pckCrlIssuerChainPem());
    assertThat(chain).extracting(ParsedCertificate::subjectCommonName)
        .containsExactly("Intel SGX PCK Platform CA", "Intel SGX Root CA");
    assertThat(SimTesting.pemChain(c.tcbInfoIssuerChainPem())).extracting(ParsedCertificate::subjectCommonName)
        .containsExactly("Intel SGX TCB Signing", "Intel SGX Root CA");
    assertThat(c.qeIdentityIssuerChainPem()).isEqualTo(c.tcbInfoIssuerChainPem());
  }

  @Test
  void revocationsLandInTheRightCrl() throws Exception {
    SimPlatform other = root.issuePlatform(PlatformTcb.ofSvn(7), NOW);
    SimCollateral c = collateral(CollateralOptions.builder().revokePck(platform).revokePck(other.pckCertificateSerial())
        .revokePckCa().revokeTcbSigningCert());
    ParsedCrl pckCrl = ParsedCrl.parse(c.pckCrlDer(), "PCK CRL");
    ParsedCrl rootCrl = ParsedCrl.parse(c.rootCaCrlDer(), "root CA CRL");
    assertThat(pckCrl.revocationDate(platform.pckCertificateSerial())).isEqualTo(NOW);
    assertThat(pckCrl.revocationDate(other.pckCertificateSerial())).isNotNull();
    assertThat(pckCrl.size()).isEqualTo(2);
    assertThat(rootCrl.revocationDate(root.pckCaSerial())).isNotNull();
    assertThat(rootCrl.revocationDate(root.tcbSigningSerial())).isNotNull();
    assertThat(pckCrl.issuer()).isEqualTo(cert(platform.pckCertificateDer()).issuer());
    assertThat(rootCrl.issuer()).isEqualTo(cert(root.pckCaCertificateDer()).issuer());
  }

  @Test
  void anExpiredPckCrlStillHasThisUpdateBeforeNextUpdate() throws Exception {
    Instant past = NOW.minus(Duration.ofDays(2));
    SimCollateral c = collateral(CollateralOptions.builder().pckCrlNextUpdate(past));
    ParsedCrl pckCrl = ParsedCrl.parse(c.pckCrlDer(), "PCK CRL");
    assertThat(pckCrl.nextUpdate()).isEqualTo(past);
    assertThat(pckCrl.thisUpdate()).isEqualTo(past.minus(Duration.ofDays(30)));
    assertThat(ParsedCrl.parse(c.rootCaCrlDer(), "root").nextUpdate()).isEqualTo(NOW.plus(Duration.ofDays(30)));
  }

  @Test
  void sgxTcbInfoIsSignedOverItsExactInnerBytesAndHasIntelsShape() throws Exception {
    SimCollateral c = collateral(CollateralOptions.builder());
    String body = c.tcbInfoJson();
    String inner = signedValue(body, "tcbInfo");
    JsonNode doc = JSON.readTree(body);
    assertThat(body).isEqualTo("{\"tcbInfo\":" + inner + ",\"signature\":\"" + doc.get("signature").asText() + "\"}");
    assertThat(doc.get("signature").asText()).matches("[0-9a-f]{128}");
    ParsedCertificate signer = cert(root.tcbSigningCertificateDer());
    assertThat(verifyRaw(signer.publicKey(), utf8(inner), Bytes.fromHex(doc.get("signature").asText()))).isTrue();
    assertThat(verifyRaw(signer.publicKey(), utf8(inner + " "), Bytes.fromHex(doc.get("signature").asText()))).isFalse();

    JsonNode info = doc.get("tcbInfo");
    List<String> fields = new ArrayList<>();
    info.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "version", "issueDate", "nextUpdate", "fmspc", "pceId", "tcbType",
        "tcbEvaluationDataNumber", "tcbLevels");
    assertThat(info.get("id").asText()).isEqualTo("SGX");
    assertThat(info.get("version").asInt()).isEqualTo(3);
    assertThat(info.get("issueDate").asText()).isEqualTo("2026-03-01T12:00:00Z");
    assertThat(info.get("nextUpdate").asText()).isEqualTo("2026-03-31T12:00:00Z");
    assertThat(info.get("fmspc").asText()).isEqualTo("00C1A7E00000");
    assertThat(info.get("pceId").asText()).isEqualTo("0000");
    JsonNode levels = info.get("tcbLevels");
    assertThat(levels).hasSize(7);
    JsonNode top = levels.get(0);
    assertThat(top.get("tcb").get("sgxtcbcomponents")).hasSize(16);
    assertThat(top.get("tcb").get("sgxtcbcomponents").get(15).get("svn").asInt()).isEqualTo(7);
    assertThat(top.get("tcb").get("pcesvn").asInt()).isEqualTo(7);
    assertThat(top.get("tcb").has("tdxtcbcomponents")).isFalse();
    assertThat(top.get("tcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(top.has("advisoryIDs")).isFalse();
    assertThat(levels.get(1).get("advisoryIDs").get(0).asText()).isEqualTo("INTEL-SA-SIM07");
  }

  /** Intel's TCB level matching, reimplemented here over the JSON: the ladder reaches every status. */
  @Test
  void theLadderGivesEveryStatusBySvn() throws Exception {
    JsonNode levels = JSON.readTree(collateral(CollateralOptions.builder()).tcbInfoJson()).get("tcbInfo").get("tcbLevels");
    List<String> statuses = new ArrayList<>();
    for (int svn = 0; svn <= 9; svn++) {
      String status = "NotSupported";
      for (JsonNode level : levels) {
        boolean meets = level.get("tcb").get("pcesvn").asInt() <= svn;
        for (JsonNode comp : level.get("tcb").get("sgxtcbcomponents")) {
          meets &= comp.get("svn").asInt() <= svn;
        }
        if (meets) {
          status = level.get("tcbStatus").asText();
          break;
        }
      }
      statuses.add(status);
    }
    assertThat(statuses).containsExactly("NotSupported", "Revoked", "OutOfDateConfigurationNeeded", "OutOfDate",
        "ConfigurationAndSWHardeningNeeded", "ConfigurationNeeded", "SWHardeningNeeded", "UpToDate", "UpToDate",
        "UpToDate");
  }

  @Test
  void sgxQeIdentityDescribesTheSimulatedQe() throws Exception {
    SimCollateral c = collateral(CollateralOptions.builder());
    String body = c.qeIdentityJson();
    String inner = signedValue(body, "enclaveIdentity");
    JsonNode doc = JSON.readTree(body);
    assertThat(body).isEqualTo("{\"enclaveIdentity\":" + inner + ",\"signature\":\"" + doc.get("signature").asText() + "\"}");
    assertThat(verifyRaw(cert(root.tcbSigningCertificateDer()).publicKey(), utf8(inner),
        Bytes.fromHex(doc.get("signature").asText()))).isTrue();
    JsonNode id = doc.get("enclaveIdentity");
    List<String> fields = new ArrayList<>();
    id.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "version", "issueDate", "nextUpdate", "tcbEvaluationDataNumber",
        "miscselect", "miscselectMask", "attributes", "attributesMask", "mrsigner", "isvprodid", "tcbLevels");
    assertThat(id.get("id").asText()).isEqualTo("QE");
    assertThat(id.get("version").asInt()).isEqualTo(2);
    assertThat(id.get("mrsigner").asText()).isEqualTo(SimQuotingEnclave.MR_SIGNER.hexUpper());
    assertThat(id.get("isvprodid").asInt()).isEqualTo(1);
    assertThat(id.get("attributes").asText()).isEqualTo("11000000000000000000000000000000");
    assertThat(id.get("attributesMask").asText()).isEqualTo("FBFFFFFFFFFFFFFF0000000000000000");
    JsonNode levels = id.get("tcbLevels");
    assertThat(levels).hasSize(3);
    assertThat(levels.get(0).get("tcb").get("isvsvn").asInt()).isEqualTo(8);
    assertThat(levels.get(0).get("tcbStatus").asText()).isEqualTo("UpToDate");
    assertThat(levels.get(1).get("tcbStatus").asText()).isEqualTo("OutOfDate");
    assertThat(levels.get(2).get("tcbStatus").asText()).isEqualTo("Revoked");
  }

  @Test
  void tdxCollateralHasModuleIdentitiesTdxComponentsAndTheTdQe() throws Exception {
    SimCollateral c = collateral(CollateralOptions.builder().teeType(TeeType.TDX).fmspc("90c06f000000"));
    JsonNode info = JSON.readTree(c.tcbInfoJson()).get("tcbInfo");
    assertThat(info.get("id").asText()).isEqualTo("TDX");
    assertThat(info.get("fmspc").asText()).isEqualTo("90C06F000000");
    assertThat(info.get("tdxModule").get("mrsigner").asText()).isEqualTo("0".repeat(96));
    assertThat(info.get("tdxModule").get("attributesMask").asText()).isEqualTo("FFFFFFFFFFFFFFFF");
    JsonNode module = info.get("tdxModuleIdentities").get(0);
    assertThat(module.get("id").asText()).isEqualTo("TDX_01");
    assertThat(module.get("tcbLevels").get(0).get("tcb").get("isvsvn").asInt()).isEqualTo(4);
    assertThat(module.get("tcbLevels").get(1).get("advisoryIDs").get(0).asText()).isEqualTo("INTEL-SA-SIMTDX");
    JsonNode tdx = info.get("tcbLevels").get(0).get("tcb").get("tdxtcbcomponents");
    assertThat(tdx).hasSize(16);
    assertThat(tdx.get(2).get("svn").asInt()).isEqualTo(7);
    assertThat(tdx.get(0).get("svn").asInt()).isZero();
    assertThat(verifyRaw(cert(root.tcbSigningCertificateDer()).publicKey(), utf8(signedValue(c.tcbInfoJson(), "tcbInfo")),
        Bytes.fromHex(JSON.readTree(c.tcbInfoJson()).get("signature").asText()))).isTrue();

    JsonNode qe = JSON.readTree(c.qeIdentityJson()).get("enclaveIdentity");
    assertThat(qe.get("id").asText()).isEqualTo("TD_QE");
    assertThat(qe.get("isvprodid").asInt()).isEqualTo(2);
  }

  @Test
  void negativeOptionsChangeWhatTheyName() throws Exception {
    Bytes otherSigner = Bytes.wrap(new byte[32]);
    SimCollateral c = collateral(CollateralOptions.builder().teeType(TeeType.TDX).qeMrSigner(otherSigner).qeIsvProdId(9)
        .tdxModuleMajorVersion(2).tdxModuleMrSigner(Bytes.wrap(SimQuoteTest.filled(48, 1)))
        .qeLevels(List.of(new IsvTcbLevel(3, NOW, TcbStatus.UP_TO_DATE, List.of())))
        .tcbEvaluationDataNumber(17));
    JsonNode qe = JSON.readTree(c.qeIdentityJson()).get("enclaveIdentity");
    assertThat(qe.get("mrsigner").asText()).isEqualTo(otherSigner.hexUpper());
    assertThat(qe.get("isvprodid").asInt()).isEqualTo(9);
    assertThat(qe.get("tcbLevels")).hasSize(1);
    assertThat(qe.get("tcbEvaluationDataNumber").asInt()).isEqualTo(17);
    JsonNode info = JSON.readTree(c.tcbInfoJson()).get("tcbInfo");
    assertThat(info.get("tdxModuleIdentities").get(0).get("id").asText()).isEqualTo("TDX_02");
    assertThat(info.get("tdxModuleIdentities").get(0).get("mrsigner").asText()).isEqualTo("01".repeat(48));
  }

  @Test
  void collateralObjectAndBundleCarryTheSameBytes(@TempDir Path dir) throws Exception {
    SimCollateral c = collateral(CollateralOptions.builder());
    Collateral col = c.collateral();
    assertThat(col.pckCrl().toByteArray()).isEqualTo(c.pckCrlDer());
    assertThat(col.rootCaCrl().toByteArray()).isEqualTo(c.rootCaCrlDer());
    assertThat(new String(col.tcbInfoJson().toByteArray(), StandardCharsets.UTF_8)).isEqualTo(c.tcbInfoJson());
    assertThat(new String(col.qeIdentityJson().toByteArray(), StandardCharsets.UTF_8)).isEqualTo(c.qeIdentityJson());
    assertThat(col.pckCrlIssuerChain()).isEqualTo(c.pckCrlIssuerChainPem());

    c.writeBundle(dir);
    assertThat(Files.readAllBytes(dir.resolve("pck_crl.der"))).isEqualTo(c.pckCrlDer());
    assertThat(Files.readAllBytes(dir.resolve("root_ca_crl.der"))).isEqualTo(c.rootCaCrlDer());
    assertThat(Files.readString(dir.resolve("pck_crl_issuer_chain.pem"))).isEqualTo(c.pckCrlIssuerChainPem());
    assertThat(Files.readString(dir.resolve("tcb_info.json"))).isEqualTo(c.tcbInfoJson());
    assertThat(Files.readString(dir.resolve("tcb_info_issuer_chain.pem"))).isEqualTo(c.tcbInfoIssuerChainPem());
    assertThat(Files.readString(dir.resolve("qe_identity.json"))).isEqualTo(c.qeIdentityJson());
    assertThat(Files.readString(dir.resolve("qe_identity_issuer_chain.pem"))).isEqualTo(c.qeIdentityIssuerChainPem());
    assertThat(Files.readAllBytes(dir.resolve("root_ca.der"))).isEqualTo(root.rootCertificateDer());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pck_crl.der",
          "pck_crl_issuer_chain.pem", "root_ca_crl.der", "tcb_info.json", "tcb_info_issuer_chain.pem",
          "qe_identity.json", "qe_identity_issuer_chain.pem", "root_ca.der");
    }
    // Rewriting (fresh collateral) replaces the files.
    root.collateral(CollateralOptions.builder().issueDate(NOW.plusSeconds(60)).build()).writeBundle(dir);
    assertThat(Files.readString(dir.resolve("tcb_info.json"))).contains("2026-03-01T12:01:00Z");
  }

  @Test
  void optionsAreValidatedWithPreciseMessages() {
    assertThatThrownBy(() -> CollateralOptions.builder().fmspc("00C1A7E0").build())
        .hasMessage("FMSPC must be 6 bytes, got 4");
    assertThatThrownBy(() -> CollateralOptions.builder().fmspc("zz"))
        .hasMessage("FMSPC must be 12 hex digits, got \"zz\"");
    assertThatThrownBy(() -> CollateralOptions.builder().issueDate(NOW).nextUpdate(NOW).build())
        .hasMessageContaining("must be after issueDate");
    assertThatThrownBy(() -> CollateralOptions.builder()
            .qeLevels(List.of(new IsvTcbLevel(3, NOW, TcbStatus.SW_HARDENING_NEEDED, List.of()))).build())
        .hasMessageContaining("only UpToDate, OutOfDate and Revoked");
    assertThatThrownBy(() -> CollateralOptions.builder().tdxModuleLevels(List.of(
            new IsvTcbLevel(3, NOW, TcbStatus.UP_TO_DATE, List.of()), new IsvTcbLevel(3, NOW, TcbStatus.REVOKED, List.of())))
        .build()).hasMessage("TDX module identity: two levels for ISVSVN 3");
    CollateralOptions o = CollateralOptions.builder().issueDate(NOW.plusMillis(999)).build();
    assertThat(o.issueDate()).isEqualTo(NOW);
    // Derived values follow the variant unless set.
    CollateralOptions tdx = o.toBuilder().teeType(TeeType.TDX).nextUpdate(NOW.plusSeconds(60)).build();
    assertThat(tdx.qeIsvProdId()).isEqualTo(2);
    assertThat(tdx.issueDate()).isEqualTo(NOW);
    assertThat(tdx.pckCrlNextUpdate()).isEqualTo(NOW.plusSeconds(60));
    assertThat(o.toBuilder().qeIsvProdId(5).build().toBuilder().teeType(TeeType.TDX).build().qeIsvProdId()).isEqualTo(5);
  }
}
