package dev.clave.attestation.collateral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Malformed and hostile documents: each is refused with a {@link CollateralFormatException} that names the
 * exact JSON path and the problem, and nothing else is ever thrown.
 */
class CollateralJsonStrictnessTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Object REMOVE = new Object();

  private static final String SGX = CollateralSets.PHALA_SGX;
  private static final String TDX = CollateralSets.PHALA_TDX;
  private static final String TCB = "tcb_info.json";
  private static final String QE = "qe_identity.json";

  /** One change to a real document (at a JSON pointer) and the error it must produce. */
  record Edit(String set, String file, String pointer, Object value, String path, String problem) {
    @Override
    public String toString() {
      return set.substring(0, 9) + " " + file + " " + pointer + " = " + (value == REMOVE ? "(removed)" : value);
    }
  }

  static final List<Edit> EDITS =
      List.of(
          // TCB info, SGX
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcbStatus", "Compromised", "tcbInfo.tcbLevels[3].tcbStatus",
              "expected one of UpToDate, SWHardeningNeeded, ConfigurationNeeded, ConfigurationAndSWHardeningNeeded, "
                  + "OutOfDate, OutOfDateConfigurationNeeded, Revoked, got \"Compromised\""),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcbStatus", "uptodate", "tcbInfo.tcbLevels[3].tcbStatus",
              "got \"uptodate\""),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcbStatus", 1, "tcbInfo.tcbLevels[3].tcbStatus",
              "expected a string, got a number"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcb/sgxtcbcomponents/2/svn", 256,
              "tcbInfo.tcbLevels[3].tcb.sgxtcbcomponents[2].svn", "expected an integer 0..255, got 256"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcb/sgxtcbcomponents/2/svn", -1,
              "tcbInfo.tcbLevels[3].tcb.sgxtcbcomponents[2].svn", "expected an integer 0..255, got -1"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcb/sgxtcbcomponents/2/svn", "2",
              "tcbInfo.tcbLevels[3].tcb.sgxtcbcomponents[2].svn", "expected an integer 0..255, got \"2\""),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcb/sgxtcbcomponents/2/svn", 2.0,
              "tcbInfo.tcbLevels[3].tcb.sgxtcbcomponents[2].svn", "expected an integer 0..255, got 2.0"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/3/tcb/sgxtcbcomponents/2/svn", REMOVE,
              "tcbInfo.tcbLevels[3].tcb.sgxtcbcomponents[2].svn", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcb/sgxtcbcomponents/15", REMOVE,
              "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents", "expected exactly 16 elements, got 15"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcb/sgxtcbcomponents/0/category", 5,
              "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].category", "expected a string, got a number"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcb/pcesvn", 65536, "tcbInfo.tcbLevels[0].tcb.pcesvn",
              "expected an integer 0..65535, got 65536"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcb/pcesvn", REMOVE, "tcbInfo.tcbLevels[0].tcb.pcesvn", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcb", null, "tcbInfo.tcbLevels[0].tcb",
              "expected an object, got null"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcb/tdxtcbcomponents", List.of(),
              "tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents", "only a TDX TCB info has TDX TCB components"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/0/tcbDate", REMOVE, "tcbInfo.tcbLevels[0].tcbDate", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/2/advisoryIDs", "INTEL-SA-00828", "tcbInfo.tcbLevels[2].advisoryIDs",
              "expected an array, got a string"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/2/advisoryIDs/1", 289, "tcbInfo.tcbLevels[2].advisoryIDs[1]",
              "expected a string, got a number"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/2/advisoryIDs/1", "", "tcbInfo.tcbLevels[2].advisoryIDs[1]",
              "expected 1..64 characters, got 0"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels/2/advisoryIDs/1", "INTEL\nSA", "tcbInfo.tcbLevels[2].advisoryIDs[1]",
              "expected printable ASCII, got \"INTEL\\u000aSA\""),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels", List.of(), "tcbInfo.tcbLevels",
              "expected at least 1 elements, got 0"),
          new Edit(SGX, TCB, "/tcbInfo/tcbLevels", REMOVE, "tcbInfo.tcbLevels", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/fmspc", "00A06711000", "tcbInfo.fmspc",
              "expected 12 hex digits (6 bytes), got 11 characters"),
          new Edit(SGX, TCB, "/tcbInfo/fmspc", "00A06711000G", "tcbInfo.fmspc",
              "expected hex digits, got \"00A06711000G\""),
          new Edit(SGX, TCB, "/tcbInfo/fmspc", "00A0671100000", "tcbInfo.fmspc",
              "expected 12 hex digits (6 bytes), got 13 characters"),
          new Edit(SGX, TCB, "/tcbInfo/pceId", "000", "tcbInfo.pceId", "expected 4 hex digits (2 bytes), got 3"),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", "2025-06-19T10:56:11+00:00", "tcbInfo.issueDate",
              "expected an ISO-8601 UTC date like 2025-01-31T12:00:00Z, got \"2025-06-19T10:56:11+00:00\""),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", "2025-06-19 10:56:11Z", "tcbInfo.issueDate", "ISO-8601 UTC"),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", "2025-13-19T10:56:11Z", "tcbInfo.issueDate", "ISO-8601 UTC"),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", "2025-02-30T10:56:11Z", "tcbInfo.issueDate", "ISO-8601 UTC"),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", "2025-06-19T10:56:11z", "tcbInfo.issueDate", "ISO-8601 UTC"),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", 1750330571, "tcbInfo.issueDate", "expected a string, got a number"),
          new Edit(SGX, TCB, "/tcbInfo/issueDate", REMOVE, "tcbInfo.issueDate", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/nextUpdate", "2025-07-19T10:56:11", "tcbInfo.nextUpdate", "ISO-8601 UTC"),
          new Edit(SGX, TCB, "/tcbInfo/nextUpdate", "2025-06-19T10:56:11Z", "tcbInfo.nextUpdate",
              "is 2025-06-19T10:56:11Z, not after issueDate 2025-06-19T10:56:11Z"),
          new Edit(SGX, TCB, "/tcbInfo/version", 4, "tcbInfo.version", "unsupported version 4, expected 2 or 3"),
          new Edit(SGX, TCB, "/tcbInfo/version", "3", "tcbInfo.version", "expected an integer"),
          new Edit(SGX, TCB, "/tcbInfo/version", REMOVE, "tcbInfo.version", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/id", "SEV", "tcbInfo.id", "expected one of SGX, TDX, got \"SEV\""),
          new Edit(SGX, TCB, "/tcbInfo/id", REMOVE, "tcbInfo.id", "missing"),
          new Edit(SGX, TCB, "/tcbInfo/tcbType", -1, "tcbInfo.tcbType", "expected an integer 0..2147483647, got -1"),
          new Edit(SGX, TCB, "/tcbInfo/tcbEvaluationDataNumber", 17.5, "tcbInfo.tcbEvaluationDataNumber",
              "got 17.5"),
          new Edit(SGX, TCB, "/tcbInfo/tdxModule", JsonNodeFactory.instance.objectNode(), "tcbInfo.tdxModule",
              "only a TDX TCB info describes a TDX module"),
          new Edit(SGX, TCB, "/tcbInfo/tdxModuleIdentities", List.of(), "tcbInfo.tdxModuleIdentities",
              "only a TDX TCB info describes TDX modules"),
          new Edit(SGX, TCB, "/tcbInfo", List.of(), "tcbInfo", "expected an object, got an array"),
          new Edit(SGX, TCB, "/tcbInfo", REMOVE, "tcbInfo", "missing"),
          new Edit(SGX, TCB, "/signature", "ab".repeat(63), "signature",
              "expected 128 hex digits (64 bytes), got 126 characters"),
          new Edit(SGX, TCB, "/signature", "xy".repeat(64), "signature", "expected hex digits"),
          new Edit(SGX, TCB, "/signature", REMOVE, "signature", "missing"),
          new Edit(SGX, TCB, "/comment", "unsigned", "comment",
              "unexpected member; allowed are tcbInfo, signature"),
          // TCB info, TDX
          new Edit(TDX, TCB, "/tcbInfo/tdxModule", REMOVE, "tcbInfo.tdxModule", "missing"),
          new Edit(TDX, TCB, "/tcbInfo/tdxModule/mrsigner", "00".repeat(47), "tcbInfo.tdxModule.mrsigner",
              "expected 96 hex digits (48 bytes), got 94 characters"),
          new Edit(TDX, TCB, "/tcbInfo/tdxModule/attributesMask", REMOVE, "tcbInfo.tdxModule.attributesMask",
              "missing"),
          new Edit(TDX, TCB, "/tcbInfo/tdxModuleIdentities/1/tcbLevels/0/tcbStatus", "SWHardeningNeeded",
              "tcbInfo.tdxModuleIdentities[1].tcbLevels[0].tcbStatus",
              "expected one of UpToDate, OutOfDate, Revoked, got \"SWHardeningNeeded\""),
          new Edit(TDX, TCB, "/tcbInfo/tdxModuleIdentities/1/id", "tdx_03", "tcbInfo.tdxModuleIdentities[1].id",
              "duplicate module id \"tdx_03\", also at tcbInfo.tdxModuleIdentities[0].id"),
          new Edit(TDX, TCB, "/tcbInfo/tdxModuleIdentities/0/tcbLevels/0/tcb/isvsvn", 256,
              "tcbInfo.tdxModuleIdentities[0].tcbLevels[0].tcb.isvsvn", "expected an integer 0..255, got 256"),
          new Edit(TDX, TCB, "/tcbInfo/tdxModuleIdentities/0/tcbLevels", List.of(),
              "tcbInfo.tdxModuleIdentities[0].tcbLevels", "expected at least 1 elements, got 0"),
          new Edit(TDX, TCB, "/tcbInfo/tcbLevels/1/tcb/tdxtcbcomponents", REMOVE,
              "tcbInfo.tcbLevels[1].tcb.tdxtcbcomponents", "missing"),
          new Edit(TDX, TCB, "/tcbInfo/tcbLevels/0/tcb/tdxtcbcomponents/15/svn", "x",
              "tcbInfo.tcbLevels[0].tcb.tdxtcbcomponents[15].svn", "expected an integer 0..255, got \"x\""),
          // QE identity
          new Edit(SGX, QE, "/enclaveIdentity/id", "QE3", "enclaveIdentity.id",
              "expected one of QE, TD_QE, QVE, QAE, got \"QE3\""),
          new Edit(SGX, QE, "/enclaveIdentity/version", 3, "enclaveIdentity.version",
              "unsupported version 3, expected 2"),
          new Edit(SGX, QE, "/enclaveIdentity/miscselect", "000000", "enclaveIdentity.miscselect",
              "expected 8 hex digits (4 bytes), got 6 characters"),
          new Edit(SGX, QE, "/enclaveIdentity/attributesMask", "FB".repeat(15), "enclaveIdentity.attributesMask",
              "expected 32 hex digits (16 bytes), got 30 characters"),
          new Edit(SGX, QE, "/enclaveIdentity/mrsigner", "8".repeat(63), "enclaveIdentity.mrsigner",
              "expected 64 hex digits (32 bytes), got 63 characters"),
          new Edit(SGX, QE, "/enclaveIdentity/isvprodid", 65536, "enclaveIdentity.isvprodid",
              "expected an integer 0..65535, got 65536"),
          new Edit(SGX, QE, "/enclaveIdentity/tcbLevels/1/tcb/isvsvn", -1, "enclaveIdentity.tcbLevels[1].tcb.isvsvn",
              "expected an integer 0..65535, got -1"),
          new Edit(SGX, QE, "/enclaveIdentity/tcbLevels/1/tcbStatus", "SWHardeningNeeded",
              "enclaveIdentity.tcbLevels[1].tcbStatus",
              "expected one of UpToDate, ConfigurationNeeded, OutOfDate, OutOfDateConfigurationNeeded, Revoked"),
          new Edit(SGX, QE, "/enclaveIdentity/tcbLevels/2/tcbDate", "yesterday", "enclaveIdentity.tcbLevels[2].tcbDate",
              "got \"yesterday\""),
          new Edit(SGX, QE, "/enclaveIdentity/tcbLevels/0/tcb", REMOVE, "enclaveIdentity.tcbLevels[0].tcb", "missing"),
          new Edit(SGX, QE, "/enclaveIdentity/nextUpdate", "2025-06-19T10:01:17Z", "enclaveIdentity.nextUpdate",
              "not after issueDate 2025-06-19T10:01:18Z"),
          new Edit(SGX, QE, "/enclaveIdentity/tcbEvaluationDataNumber", REMOVE,
              "enclaveIdentity.tcbEvaluationDataNumber", "missing"));

  @ParameterizedTest
  @FieldSource("EDITS")
  void anEditedDocumentIsRefusedAtItsPath(Edit edit) {
    byte[] body = edit(CollateralSets.file(edit.set(), edit.file()), edit.pointer(), edit.value());
    String document = edit.file().equals(TCB) ? "TCB info" : "QE identity";

    CollateralFormatException e = catchThrowableOfType(CollateralFormatException.class, () -> parse(edit.file(), body));

    assertThat(e).as("refused").isNotNull();
    assertThat(e.document()).isEqualTo(document);
    assertThat(e.path()).isEqualTo(edit.path());
    assertThat(e.problem()).contains(edit.problem());
    assertThat(e.getMessage()).isEqualTo(document + ": " + edit.path() + ": " + e.problem());
  }

  @Test
  void unknownMembersInsideTheSignedObjectAreTolerated() throws Exception {
    // Intel added fields before (component category/type); QVL ignores what it does not know.
    ObjectNode future = JsonNodeFactory.instance.objectNode().put("kind", "new").put("n", 1);
    byte[] body = edit(CollateralSets.file(TDX, TCB), "/tcbInfo/futureField", future);
    body = edit(body, "/tcbInfo/tcbLevels/0/tcb/futureSvn", 7);

    TcbInfo info = TcbInfo.parse(Bytes.wrap(body)).value();

    assertThat(info).isEqualTo(CollateralJsonRealSetsTest.tcbInfo(TDX));
  }

  @Test
  void datesAreUtcWithAnOptionalFractionOfASecond() throws Exception {
    byte[] real = CollateralSets.file(SGX, QE);
    String pointer = "/enclaveIdentity/tcbLevels/0/tcbDate";
    for (String ok : List.of("2024-03-13T00:00:00.5Z", "2024-03-13T00:00:00.123456789Z", "2024-02-29T23:59:59Z")) {
      EnclaveIdentity qe = EnclaveIdentity.parse(Bytes.wrap(edit(real, pointer, ok))).value();
      assertThat(qe.tcbLevels().get(0).tcbDate()).isEqualTo(Instant.parse(ok));
    }
    for (String bad :
        List.of("2024-03-13T00:00:00.Z", "2024-03-13T00:00:00.1234567890Z", "2023-02-29T00:00:00Z",
            "2024-03-13T24:00:00Z", "2024-03-13T00:60:00Z", "2024-3-13T00:00:00Z", "+2024-03-13T00:00:00Z",
            "2024-03-13T00:00:00Z ", "２024-03-13T00:00:00Z")) {
      assertThatThrownBy(() -> EnclaveIdentity.parse(Bytes.wrap(edit(real, pointer, bad))))
          .as(bad)
          .isInstanceOf(CollateralFormatException.class)
          .hasMessageStartingWith("QE identity: enclaveIdentity.tcbLevels[0].tcbDate: expected an ISO-8601 UTC date");
    }
  }

  @Test
  void aQeIdentityIsNoTcbInfoAndViceVersa() {
    assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(CollateralSets.file(SGX, QE))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("TCB info: enclaveIdentity: unexpected member; allowed are tcbInfo, signature");
    assertThatThrownBy(() -> EnclaveIdentity.parse(Bytes.wrap(CollateralSets.file(SGX, TCB))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("QE identity: tcbInfo: unexpected member; allowed are enclaveIdentity, signature");
  }

  // ---- byte-level syntax ----

  record Raw(String name, String from, String to, String path, String problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<Raw> RAW =
      List.of(
          new Raw("duplicate envelope member", "\"}", "\",\"signature\":\"00\"}", "signature", "duplicate member name"),
          new Raw("duplicate level member", "\"tcbStatus\":\"SWHardeningNeeded\"",
              "\"tcbStatus\":\"SWHardeningNeeded\",\"tcbStatus\":\"UpToDate\"", "tcbInfo.tcbLevels[0].tcbStatus",
              "duplicate member name"),
          new Raw("exponent", "{\"svn\":11}", "{\"svn\":1.1e1}", "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].svn",
              "expected an integer 0..255, got 1.1e1"),
          new Raw("leading zero", "{\"svn\":11}", "{\"svn\":011}", "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[0].svn",
              "a number has a leading zero"),
          new Raw("huge integer", "\"pcesvn\":13", "\"pcesvn\":99999999999999999999",
              "tcbInfo.tcbLevels[0].tcb.pcesvn", "expected an integer 0..65535, got 99999999999999999999"),
          new Raw("trailing comma", "{\"svn\":0}],", "{\"svn\":0},],", "tcbInfo.tcbLevels[0].tcb.sgxtcbcomponents[16]",
              "expected a value, found ']'"),
          new Raw("single quotes", "\"pcesvn\":13", "'pcesvn':13", "tcbInfo.tcbLevels[0].tcb",
              "expected a member name in quotes, found '''"),
          new Raw("comment", "\"pcesvn\":13", "/*x*/\"pcesvn\":13", "tcbInfo.tcbLevels[0].tcb",
              "expected a member name in quotes, found '/'"),
          new Raw("missing colon", "\"pcesvn\":13", "\"pcesvn\" 13", "tcbInfo.tcbLevels[0].tcb",
              "expected ':' after the member name, found '1'"),
          new Raw("raw newline in a string", "INTEL-SA-00615", "INTEL-SA\n00615", "tcbInfo.tcbLevels[0].advisoryIDs[0]",
              "unescaped control character 0x0a in a string"),
          new Raw("invalid UTF-8", "INTEL-SA-00615", "INTEL-SA-\u00c3(0615", "tcbInfo.tcbLevels[0].advisoryIDs[0]",
              "invalid UTF-8 continuation byte 0x28"),
          new Raw("overlong UTF-8", "INTEL-SA-00615", "INTEL-SA-\u00c0\u00af0615", "tcbInfo.tcbLevels[0].advisoryIDs[0]",
              "invalid UTF-8 byte 0xc0"),
          new Raw("encoded surrogate", "INTEL-SA-00615", "INTEL-SA-\u00ed\u00a0\u00800615",
              "tcbInfo.tcbLevels[0].advisoryIDs[0]", "overlong or out-of-range UTF-8 sequence"),
          new Raw("lone surrogate escape", "INTEL-SA-00615", "INTEL-SA-\\ud8000615",
              "tcbInfo.tcbLevels[0].advisoryIDs[0]", "a \\u escape encodes an unpaired surrogate"),
          new Raw("bad escape", "INTEL-SA-00615", "INTEL-SA-\\x0615", "tcbInfo.tcbLevels[0].advisoryIDs[0]",
              "invalid escape sequence \\'x'"),
          new Raw("trailing data", "\"}", "\"}{}", "", "unexpected '{' after the end of the JSON value"),
          new Raw("byte order mark", "{\"tcbInfo\"", "\u00ef\u00bb\u00bf{\"tcbInfo\"", "",
              "expected a value, found byte 0xef"),
          new Raw("unterminated", "\"}", "", "signature", "unterminated string"),
          new Raw("bare word", "\"pcesvn\":13", "\"pcesvn\":thirteen", "tcbInfo.tcbLevels[0].tcb.pcesvn",
              "expected a value, found 't'"));

  @ParameterizedTest
  @FieldSource("RAW")
  void aSyntaxErrorIsRefusedAtItsPath(Raw raw) {
    // Replacements are written in ISO-8859-1 so that each char is one byte, malformed UTF-8 included.
    String base = new String(CollateralSets.file(SGX, TCB), StandardCharsets.ISO_8859_1);
    int at = raw.from().equals("\"}") ? base.lastIndexOf(raw.from()) : base.indexOf(raw.from());
    assertThat(at).as("'%s' occurs", raw.from()).isNotNegative();
    String changed = base.substring(0, at) + raw.to() + base.substring(at + raw.from().length());

    CollateralFormatException e =
        catchThrowableOfType(
            CollateralFormatException.class,
            () -> TcbInfo.parse(Bytes.wrap(changed.getBytes(StandardCharsets.ISO_8859_1))));

    assertThat(e).as("refused").isNotNull();
    assertThat(e.path()).isEqualTo(raw.path());
    assertThat(e.problem()).contains(raw.problem());
  }

  @Test
  void escapesAndMultiByteTextDecode() throws Exception {
    byte[] body =
        replace(CollateralSets.file(SGX, TCB), "\"INTEL-SA-00615\"]},{\"tcb\":{\"sgxtcbcomponents\":[{\"svn\":11},{\"svn\":11},{\"svn\":2},{\"svn\":2},{\"svn\":255},{\"svn\":1},{\"svn\":0}",
            "\"INTEL\\u002dSA\\/00615\"]},{\"tcb\":{\"sgxtcbcomponents\":[{\"svn\":11,\"category\":\"Zürich ✓ \\ud83d\\ude00 😀\"},{\"svn\":11},{\"svn\":2},{\"svn\":2},{\"svn\":255},{\"svn\":1},{\"svn\":0}");

    SignedDocument<TcbInfo> doc = TcbInfo.parse(Bytes.wrap(body));

    assertThat(doc.value().tcbLevels().get(0).advisoryIds()).containsExactly("INTEL-SA/00615");
    // Multi-byte characters before the end of the span must not shift it: compare with a byte-wise cut.
    String bytewise = new String(body, StandardCharsets.ISO_8859_1);
    int end = bytewise.lastIndexOf(",\"signature\":\"");
    assertThat(doc.signedBytes().toByteArray())
        .isEqualTo(bytewise.substring("{\"tcbInfo\":".length(), end).getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void syntaxErrorsGiveTheByteOffset() {
    // "é" is two bytes: the offset (of the offending second digit) counts bytes, not characters.
    byte[] body = "{\"tcbInfo\":{\"é\":01}}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(body)))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("TCB info: tcbInfo[\"\\u00e9\"]: malformed JSON at byte 18: a number has a leading zero");
  }

  @Test
  void emptyAndBlankDocumentsAreRefused() {
    for (String s : List.of("", " \n\t\r ")) {
      assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(s.getBytes(StandardCharsets.US_ASCII))))
          .isInstanceOf(CollateralFormatException.class)
          .hasMessage("TCB info: empty document, expected a JSON object");
    }
    assertThatThrownBy(() -> EnclaveIdentity.parse(Bytes.wrap("[]".getBytes(StandardCharsets.US_ASCII))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("QE identity: expected an object, got an array");
  }

  @Test
  void nestingIsBounded() {
    String deep = "[".repeat(40) + "]".repeat(40);
    byte[] body = replace(CollateralSets.file(SGX, TCB), "{\"tcbInfo\":{", "{\"tcbInfo\":{\"deep\":" + deep + ",");

    CollateralFormatException e =
        catchThrowableOfType(CollateralFormatException.class, () -> TcbInfo.parse(Bytes.wrap(body)));

    assertThat(e.problem()).endsWith("nesting deeper than 16 levels");
    assertThat(e.path()).isEqualTo("tcbInfo.deep" + "[0]".repeat(14));
  }

  @Test
  void sizeIsBounded() throws Exception {
    byte[] real = CollateralSets.file(SGX, TCB);
    // Whitespace is valid JSON, so only the limit itself can refuse these.
    byte[] atLimit = padded(real, CollateralJson.MAX_DOCUMENT_BYTES);
    byte[] overLimit = padded(real, CollateralJson.MAX_DOCUMENT_BYTES + 1);

    assertThat(TcbInfo.parse(Bytes.wrap(atLimit)).signedBytes()).isEqualTo(TcbInfo.parse(Bytes.wrap(real)).signedBytes());
    assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(overLimit)))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("TCB info: the document is 1048577 bytes, over the limit of 1048576");
  }

  @Test
  void everyTruncationIsAFormatError() {
    for (String[] doc : new String[][] {{TDX, TCB}, {SGX, QE}}) {
      byte[] body = CollateralSets.file(doc[0], doc[1]);
      for (int len = 0; len < body.length; len++) {
        byte[] cut = Arrays.copyOf(body, len);
        assertThatThrownBy(() -> parse(doc[1], cut)).as("%s cut at %d", doc[1], len)
            .isInstanceOf(CollateralFormatException.class);
      }
    }
  }

  private static final String PUNCTUATION = "{}[]\",:0-e.\\ u";

  @Test
  void randomCorruptionNeverEscapesAsAnotherException() {
    Random random = new Random(20250719);
    for (String[] doc : new String[][] {{TDX, TCB}, {SGX, TCB}, {TDX, QE}}) {
      byte[] body = CollateralSets.file(doc[0], doc[1]);
      for (int i = 0; i < 3000; i++) {
        byte[] mutated = body.clone();
        int changes = 1 + random.nextInt(3);
        for (int c = 0; c < changes; c++) {
          int at = random.nextInt(mutated.length);
          mutated[at] = random.nextBoolean() ? (byte) random.nextInt(256) : (byte) PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length()));
        }
        try {
          parse(doc[1], mutated);
        } catch (CollateralFormatException expected) {
          assertThat(expected.getMessage()).startsWith(doc[1].equals(TCB) ? "TCB info: " : "QE identity: ");
        }
      }
    }
  }

  // ---- TCB info version 2 (no real set has one: built here) ----

  @Test
  void tcbInfoVersion2ReadsTheFlatComponentFields() throws Exception {
    TcbInfo info = TcbInfo.parse(Bytes.wrap(version2(b -> {}))).value();

    assertThat(info.id()).isEqualTo("SGX");
    assertThat(info.version()).isEqualTo(2);
    assertThat(info.fmspc().hexUpper()).isEqualTo("00606A000000");
    assertThat(info.tcbLevels()).hasSize(2);
    TcbLevel first = info.tcbLevels().get(0);
    assertThat(first.sgxComponents()).isEqualTo(Bytes.fromHex("0e0e0203ff01000800000000000000ff"));
    assertThat(first.pceSvn()).isEqualTo(12);
    assertThat(first.tdxComponents()).isNull();
    assertThat(first.status()).isEqualTo(TcbStatus.SW_HARDENING_NEEDED);
    assertThat(first.advisoryIds()).isEmpty();
    assertThat(first.tcbDate()).isEqualTo(Instant.parse("2024-03-13T00:00:00Z"));
    assertThat(info.tdxModule()).isNull();
  }

  @Test
  void tcbInfoVersion2IsStrictToo() {
    assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(version2(t ->
            ((ObjectNode) t.at("/tcbLevels/1/tcb")).remove("sgxtcbcomp07svn")))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("TCB info: tcbInfo.tcbLevels[1].tcb.sgxtcbcomp07svn: missing");
    assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(version2(t -> t.put("id", "TDX")))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("TCB info: tcbInfo.id: expected one of SGX, got \"TDX\"");
    assertThatThrownBy(() -> TcbInfo.parse(Bytes.wrap(version2(t -> t.putObject("tdxModule")))))
        .isInstanceOf(CollateralFormatException.class)
        .hasMessage("TCB info: tcbInfo.tdxModule: only a TDX TCB info describes a TDX module");
  }

  private static byte[] version2(java.util.function.Consumer<ObjectNode> change) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode t = f.objectNode();
    t.put("version", 2).put("issueDate", "2025-03-01T08:00:00Z").put("nextUpdate", "2025-03-31T08:00:00Z");
    t.put("fmspc", "00606A000000").put("pceId", "0000").put("tcbType", 0).put("tcbEvaluationDataNumber", 16);
    ArrayNode levels = t.putArray("tcbLevels");
    int[][] svns = {{14, 14, 2, 3, 255, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 255}, {1, 1, 2, 3, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
    String[] statuses = {"SWHardeningNeeded", "OutOfDate"};
    for (int l = 0; l < 2; l++) {
      ObjectNode level = levels.addObject();
      ObjectNode tcb = level.putObject("tcb");
      for (int i = 0; i < 16; i++) {
        tcb.put(String.format("sgxtcbcomp%02dsvn", i + 1), svns[l][i]);
      }
      tcb.put("pcesvn", 12 - l * 5);
      level.put("tcbDate", l == 0 ? "2024-03-13T00:00:00Z" : "2019-11-13T00:00:00Z").put("tcbStatus", statuses[l]);
    }
    change.accept(t);
    ObjectNode root = f.objectNode();
    root.set("tcbInfo", t);
    root.put("signature", "5a".repeat(64));
    return write(root);
  }

  // ---- helpers ----

  private static Object parse(String file, byte[] body) throws CollateralFormatException {
    return file.equals(TCB) ? TcbInfo.parse(Bytes.wrap(body)) : EnclaveIdentity.parse(Bytes.wrap(body));
  }

  /** Sets (or removes) the value at a JSON pointer; Jackson re-serialises compactly. */
  static byte[] edit(byte[] json, String pointer, Object value) {
    try {
      JsonNode root = MAPPER.readTree(json);
      int slash = pointer.lastIndexOf('/');
      JsonNode parent = root.at(pointer.substring(0, slash));
      String last = pointer.substring(slash + 1);
      JsonNode v =
          value == REMOVE ? null : value == null ? JsonNodeFactory.instance.nullNode() : MAPPER.valueToTree(value);
      if (parent instanceof ObjectNode o) {
        if (value == REMOVE) {
          assertThat(o.remove(last)).as("%s exists", pointer).isNotNull();
        } else {
          o.set(last, v);
        }
      } else if (parent instanceof ArrayNode a) {
        int i = Integer.parseInt(last);
        if (value == REMOVE) {
          a.remove(i);
        } else {
          a.set(i, v);
        }
      } else {
        throw new AssertionError("no container at " + pointer);
      }
      return write(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] replace(byte[] body, String from, String to) {
    String s = new String(body, StandardCharsets.UTF_8);
    assertThat(s).contains(from);
    return s.replace(from, to).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] padded(byte[] body, int length) {
    byte[] out = Arrays.copyOf(body, length);
    Arrays.fill(out, body.length, length, (byte) ' ');
    return out;
  }
}
