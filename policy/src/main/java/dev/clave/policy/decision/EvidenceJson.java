package dev.clave.policy.decision;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.policy.decision.AttestationRules.PlatformId;
import dev.clave.policy.decision.Evidence.Kind;
import dev.clave.attestation.TcbStatus;
import dev.clave.policy.decision.Evidence.Tee;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The strict reader behind {@link Evidence#fromJson}; field names follow the CLI's {@code VerdictJson}. */
final class EvidenceJson {
  private EvidenceJson() {}

  private static final String QE_ID_PREFIX = "INTEL_QE_ID:";

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(8)
          .maxNumberLength(32)
          .maxStringLength(Evidence.MAX_JSON_BYTES)
          .build())
      .build();

  private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

  /** The fields this reader uses. */
  private static final Set<String> USED = Set.of("verified", "root", "teeType", "tcbStatus", "advisoryIds",
      "mrenclave", "mrsigner", "isvProdId", "isvSvn", "debug", "platformId");

  /** The other fields a verdict prints: allowed, type-checked, ignored. Value: expected type. */
  private static final Map<String, Expect> IGNORED = Map.ofEntries(
      Map.entry("tcbDate", Expect.STRING),
      Map.entry("qeTcbStatus", Expect.STRING),
      Map.entry("quoteVersion", Expect.INTEGER),
      Map.entry("fmspc", Expect.STRING),
      Map.entry("attributes", Expect.STRING),
      Map.entry("reportData", Expect.STRING),
      Map.entry("td", Expect.OBJECT),
      Map.entry("collateralNotAfter", Expect.STRING),
      Map.entry("verifiedAt", Expect.STRING),
      Map.entry("reason", Expect.STRING),
      Map.entry("message", Expect.STRING));

  private enum Expect {
    STRING("a string or null"),
    INTEGER("an integer or null"),
    OBJECT("an object or null");

    final String phrase;

    Expect(String phrase) {
      this.phrase = phrase;
    }

    boolean accepts(JsonNode n) {
      return n.isNull()
          || switch (this) {
            case STRING -> n.isTextual();
            case INTEGER -> n.isIntegralNumber();
            case OBJECT -> n.isObject();
          };
    }
  }

  static Evidence read(byte[] json) throws InvalidEvidenceException {
    if (json.length > Evidence.MAX_JSON_BYTES) {
      throw new InvalidEvidenceException(
          "evidence is too large: " + json.length + " bytes (the limit is " + Evidence.MAX_JSON_BYTES + ")");
    }
    JsonNode root = parse(json);
    if (!root.isObject()) {
      throw new InvalidEvidenceException("evidence must be a JSON object, got " + describe(root));
    }

    // A refused verdict first: its other fields are mostly null, and the refusal is the real news.
    JsonNode verified = root.get("verified");
    if (verified != null && !verified.isBoolean()) {
      throw new InvalidEvidenceException("verified: expected a boolean, got " + describe(verified));
    }
    if (verified != null && !verified.booleanValue()) {
      throw new InvalidEvidenceException(refusal(root));
    }

    for (Map.Entry<String, JsonNode> field : root.properties()) {
      String name = field.getKey();
      if (USED.contains(name)) {
        continue;
      }
      Expect expect = IGNORED.get(name);
      if (expect == null) {
        throw new InvalidEvidenceException("unknown field " + Ascii.quote(name));
      }
      if (!expect.accepts(field.getValue())) {
        throw new InvalidEvidenceException(name + ": expected " + expect.phrase + ", got " + describe(field.getValue()));
      }
    }

    Kind kind;
    String rootName = requiredString(root, "root", "\"intel\" or \"simulation\"");
    Tee tee = tee(root.get("teeType"));
    switch (rootName) {
      case "intel" -> kind = tee == Tee.SGX ? Kind.SGX_DCAP : Kind.TDX_DCAP;
      case "simulation" -> kind = Kind.SIMULATION;
      default -> throw new InvalidEvidenceException(
          "root: expected \"intel\" or \"simulation\", got " + Ascii.quote(rootName));
    }

    String statusName = requiredString(root, "tcbStatus", "an Intel TCB status");
    TcbStatus status = TcbStatus.fromJsonName(statusName).orElseThrow(() -> new InvalidEvidenceException(
        "tcbStatus: " + Ascii.quote(statusName) + " is not an Intel TCB status (expected one of "
            + allTcbStatusNames() + ")"));

    List<String> advisories = advisoryIds(root);

    String mrenclave = null;
    String mrsigner = null;
    int isvProdId = 0;
    int isvSvn = 0;
    if (tee == Tee.SGX) {
      mrenclave = hex64(root, "mrenclave");
      mrsigner = hex64(root, "mrsigner");
      isvProdId = u16(root, "isvProdId");
      isvSvn = u16(root, "isvSvn");
    } else {
      for (String name : List.of("mrenclave", "mrsigner", "isvProdId", "isvSvn")) {
        JsonNode n = root.get(name);
        if (n != null && !n.isNull()) {
          throw new InvalidEvidenceException(name + ": must be null or absent in TDX evidence");
        }
      }
    }

    JsonNode debug = root.get("debug");
    if (debug == null) {
      throw new InvalidEvidenceException("debug: missing");
    }
    if (!debug.isBoolean()) {
      throw new InvalidEvidenceException("debug: expected a boolean, got " + describe(debug));
    }

    PlatformId platformId = platformId(root.get("platformId"));
    return new Evidence(
        kind, tee, mrenclave, mrsigner, isvProdId, isvSvn, debug.booleanValue(), status, advisories, platformId);
  }

  private static JsonNode parse(byte[] json) throws InvalidEvidenceException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonNode root = MAPPER.readTree(parser);
      if (root == null || root.isMissingNode()) {
        throw new InvalidEvidenceException("evidence is empty");
      }
      if (parser.nextToken() != null) {
        throw new InvalidEvidenceException(
            "evidence is not valid JSON: content after the JSON object" + at(parser.currentTokenLocation()));
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InvalidEvidenceException("evidence is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()));
    } catch (IOException e) {
      // Reading a byte array does no I/O; anything here is a parse failure Jackson did not classify.
      throw new InvalidEvidenceException("evidence could not be read: " + e.getMessage());
    }
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** "the quote was refused: REASON: message", from a verdict with {@code verified: false}. */
  private static String refusal(JsonNode root) {
    StringBuilder b = new StringBuilder("the quote was refused");
    JsonNode reason = root.get("reason");
    JsonNode message = root.get("message");
    String sep = ": ";
    if (reason != null && reason.isTextual()) {
      b.append(sep).append(printable(reason.textValue(), 64));
    }
    if (message != null && message.isTextual()) {
      b.append(sep).append(printable(message.textValue(), 400));
    }
    return b.toString();
  }

  /** {@code s} cut to {@code max} characters, with control characters replaced by a space. */
  private static String printable(String s, int max) {
    StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 1);
    for (int i = 0; i < s.length() && i < max; i++) {
      char c = s.charAt(i);
      b.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (s.length() > max) {
      b.append('…');
    }
    return b.toString();
  }

  private static String requiredString(JsonNode root, String name, String expectation)
      throws InvalidEvidenceException {
    JsonNode n = root.get(name);
    if (n == null) {
      throw new InvalidEvidenceException(name + ": missing");
    }
    if (!n.isTextual()) {
      throw new InvalidEvidenceException(name + ": expected " + expectation + ", got " + describe(n));
    }
    return n.textValue();
  }

  private static Tee tee(JsonNode n) throws InvalidEvidenceException {
    if (n == null) {
      return Tee.SGX;
    }
    if (!n.isTextual()) {
      throw new InvalidEvidenceException("teeType: expected \"SGX\" or \"TDX\", got " + describe(n));
    }
    return switch (n.textValue()) {
      case "SGX" -> Tee.SGX;
      case "TDX" -> Tee.TDX;
      default -> throw new InvalidEvidenceException(
          "teeType: expected \"SGX\" or \"TDX\", got " + Ascii.quote(n.textValue()));
    };
  }

  private static List<String> advisoryIds(JsonNode root) throws InvalidEvidenceException {
    JsonNode n = root.get("advisoryIds");
    if (n == null) {
      throw new InvalidEvidenceException("advisoryIds: missing (write [] when there are none)");
    }
    if (!n.isArray()) {
      throw new InvalidEvidenceException("advisoryIds: expected an array of strings, got " + describe(n));
    }
    List<String> ids = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual()) {
        throw new InvalidEvidenceException("advisoryIds[" + i + "]: expected a string, got " + describe(e));
      }
      String problem = Evidence.advisoryIdProblem(e.textValue());
      if (problem != null) {
        throw new InvalidEvidenceException("advisoryIds[" + i + "]: " + problem);
      }
      ids.add(e.textValue());
    }
    return ids;
  }

  private static String hex64(JsonNode root, String name) throws InvalidEvidenceException {
    String value = requiredString(root, name, "64 hex digits");
    String problem = Ascii.hexProblem(value, 64);
    if (problem != null) {
      throw new InvalidEvidenceException(name + ": " + problem);
    }
    return value;
  }

  private static int u16(JsonNode root, String name) throws InvalidEvidenceException {
    JsonNode n = root.get(name);
    if (n == null) {
      throw new InvalidEvidenceException(name + ": missing");
    }
    String expectation = name + ": expected an integer in 0.." + AttestationRules.U16_MAX + ", got ";
    if (!n.isNumber()) {
      throw new InvalidEvidenceException(expectation + describe(n));
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0 || n.intValue() > AttestationRules.U16_MAX) {
      throw new InvalidEvidenceException(expectation + n.asText());
    }
    return n.intValue();
  }

  private static PlatformId platformId(JsonNode n) throws InvalidEvidenceException {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new InvalidEvidenceException(
          "platformId: expected 64 hex digits or INTEL_QE_ID: and 32 hex digits, got " + describe(n));
    }
    String value = n.textValue();
    if (value.regionMatches(true, 0, QE_ID_PREFIX, 0, QE_ID_PREFIX.length())) {
      String hex = value.substring(QE_ID_PREFIX.length());
      String problem = Ascii.hexProblem(hex, PlatformId.Kind.INTEL_QE_ID.hexLength());
      if (problem != null) {
        throw new InvalidEvidenceException("platformId: after INTEL_QE_ID: " + problem);
      }
      return new PlatformId(PlatformId.Kind.INTEL_QE_ID, hex);
    }
    String problem = Ascii.hexProblem(value, PlatformId.Kind.LAS_KEY.hexLength());
    if (problem != null) {
      throw new InvalidEvidenceException("platformId: " + problem + " (or INTEL_QE_ID: and 32 hex digits)");
    }
    return new PlatformId(PlatformId.Kind.LAS_KEY, value);
  }

  private static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> "a " + n.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  /** All of Intel's TCB status names, comma-separated, for messages. */
  private static String allTcbStatusNames() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (TcbStatus s : TcbStatus.values()) {
      names.add(s.jsonName());
    }
    return String.join(", ", names);
  }
}
