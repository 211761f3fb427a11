package dev.clave.attestation.collateral;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parses PCS JSON documents, keeping the exact signed bytes.
 *
 * <p>Strict where it matters for the verdict: every field the verifier reads must be present with the right
 * type, length and range, statuses must be ones Intel defines for that kind of level, and dates must be
 * ISO-8601 UTC. Members this parser does not know are skipped inside the signed object (Intel has added
 * fields before, e.g. component {@code category}/{@code type}, and QVL ignores unknown ones too) but are
 * refused in the unsigned envelope, which is fixed. Fields that belong to one TEE only are refused in the
 * other's documents, so that a TCB info cannot be half SGX, half TDX.
 */
final class CollateralJson {
  /** PCS documents are a few KiB; a MiB leaves room for growth while bounding memory per document. */
  static final int MAX_DOCUMENT_BYTES = 1 << 20;

  static final String TCB_INFO = "TCB info";
  static final String QE_IDENTITY = "QE identity";

  private static final int SIGNATURE_BYTES = 64;
  private static final int TCB_COMPONENTS = 16;
  private static final int MAX_ADVISORY_ID_LENGTH = 64;
  private static final int MAX_MODULE_ID_LENGTH = 32;

  /** QVL {@code VALID_TCB_INFO_STATUSES}: every status Intel defines for a platform TCB level. */
  private static final Set<TcbStatus> PLATFORM_STATUSES = EnumSet.allOf(TcbStatus.class);

  /** QVL {@code VALID_MODULE_TCB_STATUSES}: TDX module identity levels. */
  private static final Set<TcbStatus> MODULE_STATUSES =
      EnumSet.of(TcbStatus.UP_TO_DATE, TcbStatus.OUT_OF_DATE, TcbStatus.REVOKED);

  /** QVL {@code parseStringToTcbStatus}, used for enclave identity levels: no SW hardening statuses. */
  private static final Set<TcbStatus> ENCLAVE_STATUSES =
      EnumSet.of(
          TcbStatus.UP_TO_DATE,
          TcbStatus.CONFIGURATION_NEEDED,
          TcbStatus.OUT_OF_DATE,
          TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED,
          TcbStatus.REVOKED);

  private static final List<String> ENCLAVE_IDS = List.of("QE", "TD_QE", "QVE", "QAE");

  private CollateralJson() {}

  static SignedDocument<TcbInfo> parseTcbInfo(Bytes body) throws CollateralFormatException {
    Envelope e = envelope(body, TCB_INFO, "tcbInfo");
    return new SignedDocument<>(tcbInfo(e.signed()), e.signedBytes(), e.signature());
  }

  static SignedDocument<EnclaveIdentity> parseEnclaveIdentity(Bytes body) throws CollateralFormatException {
    Envelope e = envelope(body, QE_IDENTITY, "enclaveIdentity");
    return new SignedDocument<>(enclaveIdentity(e.signed()), e.signedBytes(), e.signature());
  }

  /** The PCS body {@code {"<member>":{…},"signature":"<128 hex>"}}, members in either order. */
  private record Envelope(JsonCursor signed, Bytes signedBytes, Bytes signature) {}

  private static Envelope envelope(Bytes body, String document, String member) throws CollateralFormatException {
    Objects.requireNonNull(body, "body");
    if (body.length() > MAX_DOCUMENT_BYTES) {
      throw new CollateralFormatException(
          document, "", "the document is " + body.length() + " bytes, over the limit of " + MAX_DOCUMENT_BYTES);
    }
    byte[] data = body.toByteArray();
    JsonCursor root = JsonCursor.root(document, StrictJson.parse(data, document)).object();
    root.requireOnly(List.of(member, "signature"));
    JsonCursor signed = root.get(member).object();
    Bytes signature = root.get("signature").hex(SIGNATURE_BYTES);
    JsonValue v = signed.value();
    // The signature covers these bytes exactly as served: from the value's '{' to its matching '}'.
    Bytes signedBytes = Bytes.wrap(Arrays.copyOfRange(data, v.start(), v.end()));
    return new Envelope(signed, signedBytes, signature);
  }

  // ---- TCB info (versions 2 and 3) ----

  private static TcbInfo tcbInfo(JsonCursor t) throws CollateralFormatException {
    JsonCursor versionField = t.get("version");
    int version = versionField.integer(0, Integer.MAX_VALUE);
    if (version != 2 && version != 3) {
      throw versionField.fail("unsupported version " + version + ", expected 2 or 3");
    }
    String id;
    if (version == 3) {
      id = t.get("id").oneOf(List.of("SGX", "TDX"));
    } else {
      // Version 2 predates TDX and has no id; one that claims otherwise is not a version 2 document.
      JsonCursor idField = t.find("id");
      if (idField != null) {
        idField.oneOf(List.of("SGX"));
      }
      id = "SGX";
    }
    boolean tdx = id.equals("TDX");
    Instant issueDate = t.get("issueDate").date();
    Instant nextUpdate = nextUpdate(t, issueDate);
    Bytes fmspc = t.get("fmspc").hex(6);
    Bytes pceId = t.get("pceId").hex(2);
    int tcbType = t.get("tcbType").integer(0, Integer.MAX_VALUE);
    int evaluationDataNumber = t.get("tcbEvaluationDataNumber").integer(0, Integer.MAX_VALUE);

    TdxModuleIdentity tdxModule = null;
    List<TdxModuleIdentity> moduleIdentities = List.of();
    if (tdx) {
      tdxModule = tdxModule(t.get("tdxModule"));
      JsonCursor identities = t.find("tdxModuleIdentities");
      if (identities != null) {
        moduleIdentities = tdxModuleIdentities(identities);
      }
    } else {
      t.forbid("tdxModule", "only a TDX TCB info describes a TDX module");
      t.forbid("tdxModuleIdentities", "only a TDX TCB info describes TDX modules");
    }

    List<TcbLevel> levels = new ArrayList<>();
    for (JsonCursor level : t.get("tcbLevels").array(1, Integer.MAX_VALUE)) {
      levels.add(version == 2 ? platformLevelV2(level) : platformLevelV3(level, tdx));
    }
    return new TcbInfo(
        id, version, issueDate, nextUpdate, fmspc, pceId, tcbType, evaluationDataNumber, tdxModule,
        moduleIdentities, levels);
  }

  private static TdxModuleIdentity tdxModule(JsonCursor m) throws CollateralFormatException {
    m.object();
    return new TdxModuleIdentity(
        null, m.get("mrsigner").hex(48), m.get("attributes").hex(8), m.get("attributesMask").hex(8), List.of());
  }

  private static List<TdxModuleIdentity> tdxModuleIdentities(JsonCursor array) throws CollateralFormatException {
    List<TdxModuleIdentity> out = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (JsonCursor m : array.array(0, Integer.MAX_VALUE)) {
      m.object();
      JsonCursor idField = m.get("id");
      String id = idField.token(MAX_MODULE_ID_LENGTH);
      // The verifier selects a module by its upper-cased id; two entries for one module would be ambiguous.
      String earlier = seen.putIfAbsent(id.toUpperCase(Locale.ROOT), idField.path());
      if (earlier != null) {
        throw idField.fail("duplicate module id " + JsonPath.quote(id) + ", also at " + earlier);
      }
      List<IsvTcbLevel> levels = new ArrayList<>();
      Bytes mrSigner = m.get("mrsigner").hex(48);
      Bytes attributes = m.get("attributes").hex(8);
      Bytes attributesMask = m.get("attributesMask").hex(8);
      for (JsonCursor level : m.get("tcbLevels").array(1, Integer.MAX_VALUE)) {
        levels.add(isvLevel(level, 255, MODULE_STATUSES));
      }
      out.add(new TdxModuleIdentity(id, mrSigner, attributes, attributesMask, levels));
    }
    return out;
  }

  private static TcbLevel platformLevelV3(JsonCursor level, boolean tdx) throws CollateralFormatException {
    level.object();
    JsonCursor tcb = level.get("tcb").object();
    Bytes sgxComponents = components(tcb.get("sgxtcbcomponents"));
    int pceSvn = tcb.get("pcesvn").integer(0, 0xffff);
    Bytes tdxComponents = null;
    if (tdx) {
      tdxComponents = components(tcb.get("tdxtcbcomponents"));
    } else {
      tcb.forbid("tdxtcbcomponents", "only a TDX TCB info has TDX TCB components");
    }
    return new TcbLevel(
        sgxComponents,
        pceSvn,
        tdxComponents,
        level.get("tcbDate").date(),
        level.get("tcbStatus").status(PLATFORM_STATUSES),
        advisoryIds(level));
  }

  /** Version 2 spells the 16 SVNs as flat members {@code sgxtcbcomp01svn} … {@code sgxtcbcomp16svn}. */
  private static TcbLevel platformLevelV2(JsonCursor level) throws CollateralFormatException {
    level.object();
    JsonCursor tcb = level.get("tcb").object();
    byte[] svns = new byte[TCB_COMPONENTS];
    for (int i = 0; i < TCB_COMPONENTS; i++) {
      svns[i] = (byte) tcb.get(String.format(Locale.ROOT, "sgxtcbcomp%02dsvn", i + 1)).integer(0, 255);
    }
    int pceSvn = tcb.get("pcesvn").integer(0, 0xffff);
    return new TcbLevel(
        Bytes.wrap(svns),
        pceSvn,
        null,
        level.get("tcbDate").date(),
        level.get("tcbStatus").status(PLATFORM_STATUSES),
        advisoryIds(level));
  }

  /** Exactly 16 {@code {svn, category?, type?}} objects; category and type are descriptive only. */
  private static Bytes components(JsonCursor array) throws CollateralFormatException {
    List<JsonCursor> items = array.array(TCB_COMPONENTS, TCB_COMPONENTS);
    byte[] svns = new byte[TCB_COMPONENTS];
    for (int i = 0; i < TCB_COMPONENTS; i++) {
      JsonCursor c = items.get(i).object();
      svns[i] = (byte) c.get("svn").integer(0, 255);
      for (String text : List.of("category", "type")) {
        JsonCursor field = c.find(text);
        if (field != null) {
          field.string();
        }
      }
    }
    return Bytes.wrap(svns);
  }

  // ---- Enclave identity (version 2) ----

  private static EnclaveIdentity enclaveIdentity(JsonCursor e) throws CollateralFormatException {
    JsonCursor versionField = e.get("version");
    int version = versionField.integer(0, Integer.MAX_VALUE);
    if (version != 2) {
      throw versionField.fail("unsupported version " + version + ", expected 2");
    }
    String id = e.get("id").oneOf(ENCLAVE_IDS);
    Instant issueDate = e.get("issueDate").date();
    Instant nextUpdate = nextUpdate(e, issueDate);
    int evaluationDataNumber = e.get("tcbEvaluationDataNumber").integer(0, Integer.MAX_VALUE);
    Bytes miscSelect = e.get("miscselect").hex(4);
    Bytes miscSelectMask = e.get("miscselectMask").hex(4);
    Bytes attributes = e.get("attributes").hex(16);
    Bytes attributesMask = e.get("attributesMask").hex(16);
    Bytes mrSigner = e.get("mrsigner").hex(32);
    int isvProdId = e.get("isvprodid").integer(0, 0xffff);
    List<IsvTcbLevel> levels = new ArrayList<>();
    for (JsonCursor level : e.get("tcbLevels").array(1, Integer.MAX_VALUE)) {
      levels.add(isvLevel(level, 0xffff, ENCLAVE_STATUSES));
    }
    return new EnclaveIdentity(
        id, version, issueDate, nextUpdate, evaluationDataNumber, miscSelect, miscSelectMask, attributes,
        attributesMask, mrSigner, isvProdId, levels);
  }

  // ---- shared pieces ----

  private static IsvTcbLevel isvLevel(JsonCursor level, int maxSvn, Set<TcbStatus> statuses)
      throws CollateralFormatException {
    level.object();
    int isvSvn = level.get("tcb").object().get("isvsvn").integer(0, maxSvn);
    return new IsvTcbLevel(
        isvSvn, level.get("tcbDate").date(), level.get("tcbStatus").status(statuses), advisoryIds(level));
  }

  private static List<String> advisoryIds(JsonCursor level) throws CollateralFormatException {
    JsonCursor field = level.find("advisoryIDs");
    if (field == null) {
      return List.of();
    }
    List<String> ids = new ArrayList<>();
    for (JsonCursor id : field.array(0, Integer.MAX_VALUE)) {
      ids.add(id.token(MAX_ADVISORY_ID_LENGTH));
    }
    return ids;
  }

  /** A document whose validity window is empty can never be used; say so here rather than as "expired". */
  private static Instant nextUpdate(JsonCursor doc, Instant issueDate) throws CollateralFormatException {
    JsonCursor field = doc.get("nextUpdate");
    Instant nextUpdate = field.date();
    if (!nextUpdate.isAfter(issueDate)) {
      throw field.fail("is " + nextUpdate + ", not after issueDate " + issueDate);
    }
    return nextUpdate;
  }
}
