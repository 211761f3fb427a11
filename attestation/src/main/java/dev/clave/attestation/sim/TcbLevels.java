package dev.clave.attestation.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.TcbLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The platform TCB levels a simulated TCB info lists, highest first (the order Intel's verifier
 * evaluates them in).
 *
 * <h2>File format ({@code clave sim init --tcb-levels FILE})</h2>
 *
 * A JSON array of levels, or an object {@code {"tcbLevels": [ … ]}}. Each level:
 *
 * <pre>
 * { "sgxSvn": 6,                  all 16 SGX component SVNs (0..255); or "sgxComponents": [16 × 0..255]
 *   "pceSvn": 6,                  PCESVN (0..65535); defaults to sgxSvn
 *   "tdxSvn": 6,                  TDX only: the SVN TEE_TCB_SVN byte 2 must reach (0..255); defaults to
 *                                 sgxSvn, or 0 with sgxComponents; or "tdxComponents": [16 × 0..255]
 *   "status": "SWHardeningNeeded", one of Intel's seven tcbStatus names, exactly
 *   "date": "2024-06-01T00:00:00Z", the tcbDate (ISO-8601 UTC); defaults to 2024-01-01T00:00:00Z
 *   "advisoryIds": ["INTEL-SA-00615"] optional }
 * </pre>
 *
 * Unknown fields, duplicate TCBs and out-of-range values are errors naming the level and field, e.g.
 * {@code "TCB levels: [2].status: expected one of UpToDate, …, got \"Uptodate\""}.
 */
public final class TcbLevels {
  /** The ladder's UpToDate SVN: a platform of {@code PlatformTcb.ofSvn(7)} or above is UpToDate. */
  public static final int LADDER_UP_TO_DATE_SVN = 7;
  /** The tcbDate a level gets when its JSON has none. */
  public static final Instant DEFAULT_DATE = Instant.parse("2024-01-01T00:00:00Z");

  private static final String WHAT = "TCB levels";
  private static final Set<String> FIELDS =
      Set.of("sgxSvn", "sgxComponents", "pceSvn", "tdxSvn", "tdxComponents", "status", "date", "advisoryIds");
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Intel's (QVL's) order: lexicographic on SGX components, then PCESVN, then TDX components; highest first. */
  private static final Comparator<TcbLevel> HIGHEST_FIRST =
      Comparator.<TcbLevel, byte[]>comparing(l -> l.sgxComponents().toByteArray(), Arrays::compareUnsigned)
          .thenComparingInt(TcbLevel::pceSvn)
          .thenComparing(l -> l.tdxComponents().toByteArray(), Arrays::compareUnsigned)
          .reversed();

  private final List<TcbLevel> levels;

  private TcbLevels(List<TcbLevel> levels) {
    this.levels = levels;
  }

  /**
   * One level per status, so a platform's SVN alone reaches each of Intel's seven statuses: a platform of
   * {@code PlatformTcb.ofSvn(n)} matches the level of SVN {@code min(n, 7)}:
   *
   * <pre>
   * 7 UpToDate   6 SWHardeningNeeded   5 ConfigurationNeeded   4 ConfigurationAndSWHardeningNeeded
   * 3 OutOfDate  2 OutOfDateConfigurationNeeded   1 Revoked   (0: no level, TCB not supported)
   * </pre>
   *
   * Every level below the top lists the simulated advisories it misses, {@code INTEL-SA-SIM0<k>} for each
   * SVN k above it (level 5: {@code INTEL-SA-SIM06, INTEL-SA-SIM07}). Level k is dated January 1st of
   * 2017+k.
   */
  public static TcbLevels platformLadder() {
    TcbStatus[] byDescendingSvn = {
      TcbStatus.UP_TO_DATE,
      TcbStatus.SW_HARDENING_NEEDED,
      TcbStatus.CONFIGURATION_NEEDED,
      TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED,
      TcbStatus.OUT_OF_DATE,
      TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
      TcbStatus.REVOKED
    };
    List<TcbLevel> out = new ArrayList<>();
    for (int i = 0; i < byDescendingSvn.length; i++) {
      int svn = LADDER_UP_TO_DATE_SVN - i;
      List<String> advisories = new ArrayList<>();
      for (int k = svn + 1; k <= LADDER_UP_TO_DATE_SVN; k++) {
        advisories.add(ladderAdvisory(k));
      }
      out.add(
          new TcbLevel(
              SimValues.filled(16, svn),
              svn,
              tdxComponentsForSvn(svn),
              Instant.parse((2017 + svn) + "-01-01T00:00:00Z"),
              byDescendingSvn[i],
              advisories));
    }
    return of(out);
  }

  /** The ladder's advisory for the fixes of SVN {@code svn}, e.g. {@code INTEL-SA-SIM06}. */
  public static String ladderAdvisory(int svn) {
    return String.format("INTEL-SA-SIM%02d", svn);
  }

  /**
   * Levels from a list in any order. A level without TDX components ({@code null}) gets all zeros, which
   * every TD meets.
   *
   * @throws IllegalArgumentException when the list is empty, a component array is not 16 bytes or two
   *     levels have the same TCB
   */
  public static TcbLevels of(List<TcbLevel> levels) {
    if (levels.isEmpty()) {
      throw new IllegalArgumentException(WHAT + ": at least one level is required");
    }
    List<TcbLevel> normalized = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      TcbLevel l = levels.get(i);
      SimValues.exact(l.sgxComponents(), 16, WHAT + ": [" + i + "] SGX components");
      SimValues.range(l.pceSvn(), 0, 0xffff, WHAT + ": [" + i + "] PCESVN");
      Bytes tdx = l.tdxComponents() == null ? Bytes.wrap(new byte[16]) : l.tdxComponents();
      SimValues.exact(tdx, 16, WHAT + ": [" + i + "] TDX components");
      TcbLevel n = new TcbLevel(l.sgxComponents(), l.pceSvn(), tdx, l.tcbDate(), l.status(), l.advisoryIds());
      for (int j = 0; j < normalized.size(); j++) {
        if (HIGHEST_FIRST.compare(normalized.get(j), n) == 0) {
          throw new IllegalArgumentException(WHAT + ": [" + i + "] has the same TCB as [" + j + "]");
        }
      }
      normalized.add(n);
    }
    normalized.sort(HIGHEST_FIRST);
    return new TcbLevels(List.copyOf(normalized));
  }

  /** Reads the file format above. */
  public static TcbLevels load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    try {
      return fromJson(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage());
    }
  }

  /** Parses the file format above; errors name the level index and field. */
  public static TcbLevels fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(WHAT + ": not valid JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")"));
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException(WHAT + ": empty input");
    }
    JsonNode list = root;
    if (root.isObject()) {
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("tcbLevels")) {
          throw new IllegalArgumentException(WHAT + ": unknown field \"" + f + "\" (expected only \"tcbLevels\")");
        }
      }
      list = root.get("tcbLevels");
      if (list == null) {
        throw new IllegalArgumentException(WHAT + ": missing \"tcbLevels\"");
      }
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(WHAT + ": expected an array of levels or {\"tcbLevels\": [...]}");
    }
    List<TcbLevel> levels = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      levels.add(level(list.get(i), "[" + i + "]"));
    }
    return of(levels);
  }

  private static TcbLevel level(JsonNode n, String at) {
    if (!n.isObject()) {
      throw error(at, "expected an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw error(at, "unknown field \"" + f + "\" (known: " + FIELDS.stream().sorted().collect(Collectors.joining(", ")) + ")");
      }
    }
    Integer sgxSvn = null;
    Bytes sgx;
    if (n.has("sgxSvn") == n.has("sgxComponents")) {
      throw error(at, "give exactly one of \"sgxSvn\" and \"sgxComponents\"");
    }
    if (n.has("sgxSvn")) {
      sgxSvn = integer(n.get("sgxSvn"), at + ".sgxSvn", 0xff);
      sgx = SimValues.filled(16, sgxSvn);
    } else {
      sgx = components(n.get("sgxComponents"), at + ".sgxComponents");
    }
    int pceSvn;
    if (n.has("pceSvn")) {
      pceSvn = integer(n.get("pceSvn"), at + ".pceSvn", 0xffff);
    } else if (sgxSvn != null) {
      pceSvn = sgxSvn;
    } else {
      throw error(at, "\"pceSvn\" is required with \"sgxComponents\"");
    }
    if (n.has("tdxSvn") && n.has("tdxComponents")) {
      throw error(at, "give at most one of \"tdxSvn\" and \"tdxComponents\"");
    }
    Bytes tdx;
    if (n.has("tdxComponents")) {
      tdx = components(n.get("tdxComponents"), at + ".tdxComponents");
    } else if (n.has("tdxSvn")) {
      tdx = tdxComponentsForSvn(integer(n.get("tdxSvn"), at + ".tdxSvn", 0xff));
    } else {
      tdx = tdxComponentsForSvn(sgxSvn == null ? 0 : sgxSvn);
    }
    JsonNode statusNode = n.get("status");
    if (statusNode == null) {
      throw error(at, "\"status\" is required");
    }
    String statusName = statusNode.isTextual() ? statusNode.textValue() : statusNode.toString();
    TcbStatus status =
        statusNode.isTextual()
            ? TcbStatus.fromJsonName(statusName).orElse(null)
            : null;
    if (status == null) {
      throw error(at + ".status", "expected one of "
          + Stream.of(TcbStatus.values()).map(TcbStatus::jsonName).collect(Collectors.joining(", "))
          + ", got " + (statusNode.isTextual() ? "\"" + statusName + "\"" : statusName));
    }
    Instant date = DEFAULT_DATE;
    if (n.has("date")) {
      JsonNode d = n.get("date");
      if (!d.isTextual()) {
        throw error(at + ".date", "expected an ISO-8601 UTC instant string such as \"2024-06-01T00:00:00Z\", got " + d);
      }
      try {
        date = Instant.parse(d.textValue());
      } catch (DateTimeParseException e) {
        throw error(at + ".date", "expected an ISO-8601 UTC instant such as \"2024-06-01T00:00:00Z\", got \""
            + d.textValue() + "\"");
      }
    }
    List<String> advisories = new ArrayList<>();
    if (n.has("advisoryIds")) {
      JsonNode a = n.get("advisoryIds");
      if (!a.isArray()) {
        throw error(at + ".advisoryIds", "expected an array of strings");
      }
      for (int i = 0; i < a.size(); i++) {
        JsonNode id = a.get(i);
        if (!id.isTextual() || id.textValue().isBlank()) {
          throw error(at + ".advisoryIds[" + i + "]", "expected a non-empty string, got " + id);
        }
        advisories.add(id.textValue());
      }
    }
    return new TcbLevel(sgx, pceSvn, tdx, date, status, advisories);
  }

  private static int integer(JsonNode v, String at, int max) {
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0 || v.intValue() > max) {
      throw error(at, "expected an integer 0.." + max + ", got " + v);
    }
    return v.intValue();
  }

  private static Bytes components(JsonNode v, String at) {
    if (v == null || !v.isArray() || v.size() != 16) {
      throw error(at, "expected an array of 16 integers 0..255, got " + (v != null && v.isArray() ? v.size() + " elements" : v));
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 16; i++) {
      b[i] = (byte) integer(v.get(i), at + "[" + i + "]", 0xff);
    }
    return Bytes.wrap(b);
  }

  private static IllegalArgumentException error(String at, String problem) {
    return new IllegalArgumentException(WHAT + ": " + at + ": " + problem);
  }

  /**
   * The TDX components of a level that requires TDX SVN {@code svn}: zeros but for component 2, which a
   * simulated TD's TEE_TCB_SVN byte 2 meets (see {@link PlatformTcb#teeTcbSvn()}). Components 0 and 1 stay
   * zero: with a module major version above 0 the module identity judges them instead.
   */
  public static Bytes tdxComponentsForSvn(int svn) {
    byte[] b = new byte[16];
    b[2] = (byte) SimValues.range(svn, 0, 0xff, "TDX SVN");
    return Bytes.wrap(b);
  }

  /** Highest first; every level has 16 TDX components. */
  public List<TcbLevel> levels() {
    return levels;
  }

  /**
   * A platform TCB that meets the highest level exactly (SGX components, PCESVN and TDX SVN): the TCB of
   * an up-to-date platform under these levels. Other fields are {@link PlatformTcb#ofSvn}'s defaults.
   */
  public PlatformTcb highestTcb() {
    TcbLevel top = levels.get(0);
    return PlatformTcb.ofSvn(0)
        .withSgxComponents(top.sgxComponents())
        .withPceSvn(top.pceSvn())
        .withTdxSvn(top.tdxComponents().get(2) & 0xff);
  }

  /** This list in the file format (always an object {@code {"tcbLevels": [...]}}, pretty-printed). */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("tcbLevels");
    for (TcbLevel l : levels) {
      ObjectNode o = list.addObject();
      int first = l.sgxComponents().get(0) & 0xff;
      boolean uniform = l.sgxComponents().equals(SimValues.filled(16, first));
      if (uniform) {
        o.put("sgxSvn", first);
      } else {
        ArrayNode a = o.putArray("sgxComponents");
        for (int i = 0; i < 16; i++) {
          a.add(l.sgxComponents().get(i) & 0xff);
        }
      }
      o.put("pceSvn", l.pceSvn());
      int tdxSvn = l.tdxComponents().get(2) & 0xff;
      if (l.tdxComponents().equals(tdxComponentsForSvn(tdxSvn))) {
        o.put("tdxSvn", tdxSvn);
      } else {
        ArrayNode a = o.putArray("tdxComponents");
        for (int i = 0; i < 16; i++) {
          a.add(l.tdxComponents().get(i) & 0xff);
        }
      }
      o.put("status", l.status().jsonName());
      o.put("date", l.tcbDate().toString());
      if (!l.advisoryIds().isEmpty()) {
        ArrayNode a = o.putArray("advisoryIds");
        l.advisoryIds().forEach(a::add);
      }
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TcbLevels other && levels.equals(other.levels);
  }

  @Override
  public int hashCode() {
    return levels.hashCode();
  }

  @Override
  public String toString() {
    return "TcbLevels" + levels.stream()
        .map(l -> "[" + (l.sgxComponents().get(0) & 0xff) + "/" + l.pceSvn() + " " + l.status() + "]")
        .collect(Collectors.joining(""));
  }
}
