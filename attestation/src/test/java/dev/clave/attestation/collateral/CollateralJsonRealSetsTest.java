package dev.clave.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The four real collateral sets: every parsed value agrees with an independent reading of the same file
 * (Jackson's tree model) and with the facts the sets' README states, and the signed bytes are exactly
 * what Intel signed (their signatures verify with the plain JDK).
 */
class CollateralJsonRealSetsTest {
  static final List<String> SETS = CollateralSets.NAMES;

  // ---- TCB info ----

  @ParameterizedTest
  @FieldSource("SETS")
  void tcbInfoAgreesWithAnIndependentReadingOfTheFile(String set) throws Exception {
    TcbInfo info = TcbInfo.parse(Bytes.wrap(CollateralSets.file(set, "tcb_info.json"))).value();
    JsonNode j = CollateralSets.json(set, "tcb_info.json").get("tcbInfo");

    assertThat(info.id()).isEqualTo(j.get("id").asText());
    assertThat(info.version()).isEqualTo(3);
    assertThat(info.issueDate()).isEqualTo(Instant.parse(j.get("issueDate").asText()));
    assertThat(info.nextUpdate()).isEqualTo(Instant.parse(j.get("nextUpdate").asText()));
    assertThat(info.fmspc().hexUpper()).isEqualToIgnoringCase(j.get("fmspc").asText());
    assertThat(info.pceId().hex()).isEqualTo(j.get("pceId").asText());
    assertThat(info.tcbType()).isEqualTo(j.get("tcbType").asInt());
    assertThat(info.tcbEvaluationDataNumber()).isEqualTo(j.get("tcbEvaluationDataNumber").asInt());

    JsonNode levels = j.get("tcbLevels");
    assertThat(info.tcbLevels()).hasSize(levels.size());
    for (int i = 0; i < levels.size(); i++) {
      JsonNode l = levels.get(i);
      TcbLevel level = info.tcbLevels().get(i);
      assertThat(svns(level.sgxComponents())).as("level %d", i).isEqualTo(svns(l.at("/tcb/sgxtcbcomponents")));
      assertThat(level.pceSvn()).isEqualTo(l.at("/tcb/pcesvn").asInt());
      if (CollateralSets.isTdx(set)) {
        assertThat(svns(level.tdxComponents())).isEqualTo(svns(l.at("/tcb/tdxtcbcomponents")));
      } else {
        assertThat(level.tdxComponents()).isNull();
      }
      assertThat(level.tcbDate()).isEqualTo(Instant.parse(l.get("tcbDate").asText()));
      assertThat(level.status().jsonName()).isEqualTo(l.get("tcbStatus").asText());
      assertThat(level.advisoryIds()).isEqualTo(strings(l.get("advisoryIDs")));
    }

    if (CollateralSets.isTdx(set)) {
      JsonNode m = j.get("tdxModule");
      assertThat(info.tdxModule().id()).isNull();
      assertThat(info.tdxModule().mrSigner().hexUpper()).isEqualTo(m.get("mrsigner").asText());
      assertThat(info.tdxModule().attributes().hexUpper()).isEqualTo(m.get("attributes").asText());
      assertThat(info.tdxModule().attributesMask().hexUpper()).isEqualTo(m.get("attributesMask").asText());
      assertThat(info.tdxModule().tcbLevels()).isEmpty();
      JsonNode ids = j.get("tdxModuleIdentities");
      assertThat(info.tdxModuleIdentities()).hasSize(ids.size());
      for (int i = 0; i < ids.size(); i++) {
        TdxModuleIdentity id = info.tdxModuleIdentities().get(i);
        assertThat(id.id()).isEqualTo(ids.get(i).get("id").asText());
        assertThat(id.mrSigner().hexUpper()).isEqualTo(ids.get(i).get("mrsigner").asText());
        assertThat(id.tcbLevels()).hasSize(ids.get(i).get("tcbLevels").size());
        assertIsvLevels(id.tcbLevels(), ids.get(i).get("tcbLevels"));
      }
    } else {
      assertThat(info.tdxModule()).isNull();
      assertThat(info.tdxModuleIdentities()).isEmpty();
    }
  }

  @Test
  void tcbInfoFactsFromTheReadme() throws Exception {
    TcbInfo phalaSgx = tcbInfo(CollateralSets.PHALA_SGX);
    assertThat(phalaSgx.id()).isEqualTo("SGX");
    assertThat(phalaSgx.fmspc()).isEqualTo(Bytes.fromHex("00A067110000"));
    assertThat(phalaSgx.tcbEvaluationDataNumber()).isEqualTo(17);
    assertThat(phalaSgx.tcbLevels()).hasSize(11);
    // The level set 1's quote matches: its status and advisories in JSON order.
    TcbLevel matched = phalaSgx.tcbLevels().get(1);
    assertThat(matched.status()).isEqualTo(TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED);
    assertThat(matched.advisoryIds()).containsExactly("INTEL-SA-00289", "INTEL-SA-00615");
    assertThat(svns(matched.sgxComponents())).startsWith(11, 11, 2, 2, 255, 1, 0);
    assertThat(matched.pceSvn()).isEqualTo(13);

    TcbInfo zkSgx = tcbInfo(CollateralSets.ZKDCAP_SGX);
    assertThat(zkSgx.fmspc().hexUpper()).isEqualTo("00906ED50000");
    assertThat(zkSgx.tcbLevels()).hasSize(19);
    assertThat(zkSgx.tcbLevels().get(0).status()).isEqualTo(TcbStatus.SW_HARDENING_NEEDED);
    assertThat(zkSgx.tcbLevels().get(0).advisoryIds()).containsExactly("INTEL-SA-00334", "INTEL-SA-00615");

    TcbInfo phalaTdx = tcbInfo(CollateralSets.PHALA_TDX);
    assertThat(phalaTdx.id()).isEqualTo("TDX");
    assertThat(phalaTdx.fmspc().hexUpper()).isEqualTo("B0C06F000000");
    assertThat(phalaTdx.tcbLevels()).extracting(TcbLevel::status)
        .containsExactly(TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE);
    assertThat(phalaTdx.tdxModule().mrSigner()).isEqualTo(Bytes.wrap(new byte[48]));
    assertThat(phalaTdx.tdxModule().attributesMask().hexUpper()).isEqualTo("FFFFFFFFFFFFFFFF");
    assertThat(phalaTdx.tdxModuleIdentities()).extracting(TdxModuleIdentity::id).containsExactly("TDX_03", "TDX_01");

    // The fmspc is written in lower case in this one (dcap.md §8.3); the bytes are what count.
    TcbInfo zkTdx = tcbInfo(CollateralSets.ZKDCAP_TDX);
    assertThat(zkTdx.fmspc().hexUpper()).isEqualTo("00806F050000");
    TcbLevel august2023 =
        zkTdx.tcbLevels().stream()
            .filter(l -> l.tcbDate().equals(Instant.parse("2023-08-09T00:00:00Z")))
            .findFirst()
            .orElseThrow();
    assertThat(august2023.status()).isEqualTo(TcbStatus.OUT_OF_DATE);
    assertThat(august2023.advisoryIds()).containsExactly("INTEL-SA-00960", "INTEL-SA-00982", "INTEL-SA-00986");
    TdxModuleIdentity tdx01 = zkTdx.tdxModuleIdentities().get(1);
    assertThat(tdx01.id()).isEqualTo("TDX_01");
    assertThat(tdx01.tcbLevels()).extracting(IsvTcbLevel::isvSvn, IsvTcbLevel::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(4, TcbStatus.UP_TO_DATE),
            org.assertj.core.groups.Tuple.tuple(2, TcbStatus.OUT_OF_DATE));
  }

  // ---- QE identity ----

  @ParameterizedTest
  @FieldSource("SETS")
  void qeIdentityAgreesWithAnIndependentReadingOfTheFile(String set) throws Exception {
    EnclaveIdentity qe = EnclaveIdentity.parse(Bytes.wrap(CollateralSets.file(set, "qe_identity.json"))).value();
    JsonNode j = CollateralSets.json(set, "qe_identity.json").get("enclaveIdentity");

    assertThat(qe.id()).isEqualTo(j.get("id").asText());
    assertThat(qe.version()).isEqualTo(2);
    assertThat(qe.issueDate()).isEqualTo(Instant.parse(j.get("issueDate").asText()));
    assertThat(qe.nextUpdate()).isEqualTo(Instant.parse(j.get("nextUpdate").asText()));
    assertThat(qe.tcbEvaluationDataNumber()).isEqualTo(j.get("tcbEvaluationDataNumber").asInt());
    assertThat(qe.miscSelect().hexUpper()).isEqualTo(j.get("miscselect").asText());
    assertThat(qe.miscSelectMask().hexUpper()).isEqualTo(j.get("miscselectMask").asText());
    assertThat(qe.attributes().hexUpper()).isEqualTo(j.get("attributes").asText());
    assertThat(qe.attributesMask().hexUpper()).isEqualTo(j.get("attributesMask").asText());
    assertThat(qe.mrSigner().hexUpper()).isEqualTo(j.get("mrsigner").asText());
    assertThat(qe.isvProdId()).isEqualTo(j.get("isvprodid").asInt());
    assertIsvLevels(qe.tcbLevels(), j.get("tcbLevels"));

    // dcap.md §4.3: the values Intel's QE and TD QE identities carry.
    boolean tdx = CollateralSets.isTdx(set);
    assertThat(qe.id()).isEqualTo(tdx ? "TD_QE" : "QE");
    assertThat(qe.isvProdId()).isEqualTo(tdx ? 2 : 1);
    assertThat(qe.mrSigner().hexUpper())
        .isEqualTo(
            tdx
                ? "DC9E2A7C6F948F17474E34A7FC43ED030F7C1563F1BABDDF6340C82E0E54A8C5"
                : "8C4F5775D796503E96137F77C68A829A0056AC8DED70140B081B094490C57BFF");
    assertThat(qe.attributesMask().hexUpper()).isEqualTo("FBFFFFFFFFFFFFFF0000000000000000");
    assertThat(qe.miscSelectMask().hexUpper()).isEqualTo("FFFFFFFF");
  }

  @ParameterizedTest
  @FieldSource("SETS")
  void documentsCoverTheSetsValidityWindow(String set) throws Exception {
    TcbInfo info = tcbInfo(set);
    EnclaveIdentity qe = EnclaveIdentity.parse(Bytes.wrap(CollateralSets.file(set, "qe_identity.json"))).value();
    // The window in expected.json is an intersection that includes these documents' own windows.
    assertThat(info.issueDate()).isBeforeOrEqualTo(CollateralSets.notBefore(set));
    assertThat(qe.issueDate()).isBeforeOrEqualTo(CollateralSets.notBefore(set));
    assertThat(info.nextUpdate()).isAfterOrEqualTo(CollateralSets.notAfterExclusive(set));
    assertThat(qe.nextUpdate()).isAfterOrEqualTo(CollateralSets.notAfterExclusive(set));
  }

  // ---- signed bytes ----

  @ParameterizedTest
  @FieldSource("SETS")
  void signedBytesAreTheServedSpanOfTheSignedObject(String set) throws Exception {
    for (String[] doc : new String[][] {{"tcb_info.json", "tcbInfo"}, {"qe_identity.json", "enclaveIdentity"}}) {
      byte[] body = CollateralSets.file(set, doc[0]);
      SignedDocument<?> parsed =
          doc[1].equals("tcbInfo") ? TcbInfo.parse(Bytes.wrap(body)) : EnclaveIdentity.parse(Bytes.wrap(body));

      // Independently: these bodies are {"<member>":<signed>,"signature":"<hex>"} with nothing else.
      String text = new String(body, StandardCharsets.ISO_8859_1);
      String prefix = "{\"" + doc[1] + "\":";
      int signatureAt = text.lastIndexOf(",\"signature\":\"");
      assertThat(text).startsWith(prefix).endsWith("\"}");
      String span = text.substring(prefix.length(), signatureAt);
      String signatureHex = text.substring(signatureAt + 14, text.length() - 2);

      assertThat(sha256(parsed.signedBytes().toByteArray()))
          .as(doc[0])
          .isEqualTo(sha256(span.getBytes(StandardCharsets.ISO_8859_1)));
      assertThat(parsed.signature().hex()).isEqualTo(signatureHex);
      assertThat(parsed.signature().length()).isEqualTo(64);
    }
  }

  @ParameterizedTest
  @FieldSource("SETS")
  void intelsSignaturesVerifyOverTheSignedBytes(String set) throws Exception {
    SignedDocument<TcbInfo> info = TcbInfo.parse(Bytes.wrap(CollateralSets.file(set, "tcb_info.json")));
    SignedDocument<EnclaveIdentity> qe =
        EnclaveIdentity.parse(Bytes.wrap(CollateralSets.file(set, "qe_identity.json")));

    X509Certificate tcbSigner = firstCertificate(CollateralSets.file(set, "tcb_info_issuer_chain.pem"));
    X509Certificate qeSigner = firstCertificate(CollateralSets.file(set, "qe_identity_issuer_chain.pem"));
    assertThat(tcbSigner.getSubjectX500Principal().getName()).contains("Intel SGX TCB Signing");

    assertThat(verifies(tcbSigner, info.signedBytes().toByteArray(), info.signature())).isTrue();
    assertThat(verifies(qeSigner, qe.signedBytes().toByteArray(), qe.signature())).isTrue();

    // One changed byte of the span, or a span one byte off, no longer verifies: the span is load-bearing.
    byte[] changed = info.signedBytes().toByteArray();
    changed[changed.length / 2] ^= 0x01;
    assertThat(verifies(tcbSigner, changed, info.signature())).isFalse();
    byte[] shorter = java.util.Arrays.copyOf(info.signedBytes().toByteArray(), info.signedBytes().length() - 1);
    assertThat(verifies(tcbSigner, shorter, info.signature())).isFalse();
  }

  @Test
  void reformattingTheEnvelopeKeepsTheSignedBytes() throws Exception {
    String set = CollateralSets.PHALA_TDX;
    SignedDocument<TcbInfo> original = TcbInfo.parse(Bytes.wrap(CollateralSets.file(set, "tcb_info.json")));
    String signed = new String(original.signedBytes().toByteArray(), StandardCharsets.UTF_8);
    String reordered =
        "\r\n {\n\t\"signature\" : \"" + original.signature().hexUpper() + "\" ,\n  \"tcbInfo\"\t:\n" + signed + "\n}\n ";

    SignedDocument<TcbInfo> again = TcbInfo.parse(Bytes.wrap(reordered.getBytes(StandardCharsets.UTF_8)));

    assertThat(again.signedBytes()).isEqualTo(original.signedBytes());
    assertThat(again.signature()).isEqualTo(original.signature());
    assertThat(again.value()).isEqualTo(original.value());
    X509Certificate signer = firstCertificate(CollateralSets.file(set, "tcb_info_issuer_chain.pem"));
    assertThat(verifies(signer, again.signedBytes().toByteArray(), again.signature())).isTrue();
  }

  // ---- helpers ----

  static TcbInfo tcbInfo(String set) throws CollateralFormatException {
    return TcbInfo.parse(Bytes.wrap(CollateralSets.file(set, "tcb_info.json"))).value();
  }

  private static void assertIsvLevels(List<IsvTcbLevel> levels, JsonNode json) {
    assertThat(levels).hasSize(json.size());
    for (int i = 0; i < json.size(); i++) {
      JsonNode l = json.get(i);
      IsvTcbLevel level = levels.get(i);
      assertThat(level.isvSvn()).isEqualTo(l.at("/tcb/isvsvn").asInt());
      assertThat(level.tcbDate()).isEqualTo(Instant.parse(l.get("tcbDate").asText()));
      assertThat(level.status().jsonName()).isEqualTo(l.get("tcbStatus").asText());
      assertThat(level.advisoryIds()).isEqualTo(strings(l.get("advisoryIDs")));
    }
  }

  private static List<Integer> svns(Bytes b) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < b.length(); i++) {
      out.add(b.get(i) & 0xff);
    }
    return out;
  }

  private static List<Integer> svns(JsonNode components) {
    List<Integer> out = new ArrayList<>();
    components.forEach(c -> out.add(c.get("svn").asInt()));
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  static X509Certificate firstCertificate(byte[] pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).iterator().next();
  }

  static boolean verifies(X509Certificate signer, byte[] data, Bytes rawSignature) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initVerify(signer.getPublicKey());
    s.update(data);
    return s.verify(rawSignature.toByteArray());
  }

  private static String sha256(byte[] data) throws Exception {
    return Bytes.wrap(MessageDigest.getInstance("SHA-256").digest(data)).hex();
  }
}
