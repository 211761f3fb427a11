package dev.clave.attestation.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralBundle;
import dev.clave.attestation.collateral.IsvTcbLevel;
import dev.clave.attestation.collateral.TcbLevel;
import dev.clave.attestation.quote.TeeType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A complete simulated collateral set, as Intel's PCS serves it: the PCK CRL and its issuer chain, the
 * root CA CRL, the TCB info and QE identity JSON (signed by the TCB signing key over the exact bytes of
 * their inner object) and their issuer chain. Immutable.
 */
public final class SimCollateral {
  /** Written for convenience only: verifiers never trust a root for lying in a collateral directory. */
  public static final String ROOT_CA = "root_ca.der";

  /** Compact output, insertion order: the signed bytes are exactly what this writes. */
  private static final JsonMapper JSON = new JsonMapper();

  private final CollateralOptions options;
  private final byte[] pckCrl;
  private final String pckCrlIssuerChain;
  private final byte[] rootCaCrl;
  private final String tcbInfoJson;
  private final String tcbInfoIssuerChain;
  private final String qeIdentityJson;
  private final String qeIdentityIssuerChain;
  private final byte[] rootCaDer;

  private SimCollateral(
      CollateralOptions options,
      byte[] pckCrl,
      String pckCrlIssuerChain,
      byte[] rootCaCrl,
      String tcbInfoJson,
      String tcbInfoIssuerChain,
      String qeIdentityJson,
      String qeIdentityIssuerChain,
      byte[] rootCaDer) {
    this.options = options;
    this.pckCrl = pckCrl;
    this.pckCrlIssuerChain = pckCrlIssuerChain;
    this.rootCaCrl = rootCaCrl;
    this.tcbInfoJson = tcbInfoJson;
    this.tcbInfoIssuerChain = tcbInfoIssuerChain;
    this.qeIdentityJson = qeIdentityJson;
    this.qeIdentityIssuerChain = qeIdentityIssuerChain;
    this.rootCaDer = rootCaDer;
  }

  static SimCollateral issue(SimulationRoot root, CollateralOptions o) {
    Instant issued = o.issueDate();

    List<BigInteger> rootRevoked = new ArrayList<>();
    if (o.revokePckCa()) {
      rootRevoked.add(root.pckCaSerial());
    }
    if (o.revokeTcbSigningCert()) {
      rootRevoked.add(root.tcbSigningSerial());
    }
    // Entries are revoked as of their CRL's thisUpdate.
    Instant rootThisUpdate = thisUpdate(issued, o.rootCrlNextUpdate());
    byte[] rootCrl = SimCertificates.crl(SimCertificates.ROOT_CA, root.rootKey(), rootThisUpdate,
        o.rootCrlNextUpdate(), rootRevoked, rootThisUpdate);
    Instant pckThisUpdate = thisUpdate(issued, o.pckCrlNextUpdate());
    byte[] pckCrl = SimCertificates.crl(SimCertificates.PCK_PLATFORM_CA, root.pckCaKey(), pckThisUpdate,
        o.pckCrlNextUpdate(), o.revokedPckSerials(), pckThisUpdate);

    String tcbInfo = signed("tcbInfo", tcbInfo(o), root.tcbSigningKey());
    String qeIdentity = signed("enclaveIdentity", qeIdentity(o), root.tcbSigningKey());
    String tcbChain = root.tcbIssuerChainPem();
    return new SimCollateral(o, pckCrl, root.pckIssuerChainPem(), rootCrl, tcbInfo, tcbChain, qeIdentity, tcbChain,
        root.rootCertificateDer());
  }

  /** A CRL always has thisUpdate before nextUpdate: for a CRL already expired at issue, 30 days before it. */
  private static Instant thisUpdate(Instant issued, Instant nextUpdate) {
    return issued.isBefore(nextUpdate) ? issued : nextUpdate.minus(CollateralOptions.DEFAULT_VALIDITY);
  }

  /**
   * {@code {"<field>":<inner>,"signature":"<hex r‖s>"}}, the signature over the exact UTF-8 bytes of
   * {@code inner} as written here (PCS's compact form).
   */
  private static String signed(String field, ObjectNode inner, SimKey key) {
    String innerJson;
    try {
      innerJson = JSON.writeValueAsString(inner);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write collateral JSON", e);
    }
    String signature = Bytes.wrap(key.signRaw(innerJson.getBytes(StandardCharsets.UTF_8))).hex();
    return "{\"" + field + "\":" + innerJson + ",\"signature\":\"" + signature + "\"}";
  }

  /** TCB info version 3, field order as Intel's PCS writes it. */
  private static ObjectNode tcbInfo(CollateralOptions o) {
    boolean tdx = o.teeType() == TeeType.TDX;
    ObjectNode n = JSON.createObjectNode();
    n.put("id", o.teeType().tcbInfoId());
    n.put("version", 3);
    n.put("issueDate", o.issueDate().toString());
    n.put("nextUpdate", o.nextUpdate().toString());
    n.put("fmspc", o.fmspc().hexUpper());
    n.put("pceId", SgxExtension.PCE_ID.hexUpper());
    n.put("tcbType", 0);
    n.put("tcbEvaluationDataNumber", o.tcbEvaluationDataNumber());
    if (tdx) {
      ObjectNode module = n.putObject("tdxModule");
      moduleIdentity(module, o);
      ObjectNode identity = n.putArray("tdxModuleIdentities").addObject();
      identity.put("id", String.format(Locale.ROOT, "TDX_%02X", o.tdxModuleMajorVersion()));
      moduleIdentity(identity, o);
      isvLevels(identity.putArray("tcbLevels"), o.tdxModuleLevels());
    }
    ArrayNode levels = n.putArray("tcbLevels");
    for (TcbLevel l : o.tcbLevels().levels()) {
      ObjectNode level = levels.addObject();
      ObjectNode tcb = level.putObject("tcb");
      components(tcb.putArray("sgxtcbcomponents"), l.sgxComponents());
      tcb.put("pcesvn", l.pceSvn());
      if (tdx) {
        components(tcb.putArray("tdxtcbcomponents"), l.tdxComponents());
      }
      level.put("tcbDate", l.tcbDate().toString());
      level.put("tcbStatus", l.status().jsonName());
      advisories(level, l.advisoryIds());
    }
    return n;
  }

  private static void moduleIdentity(ObjectNode n, CollateralOptions o) {
    n.put("mrsigner", o.tdxModuleMrSigner().hexUpper());
    // SEAMATTRIBUTES must be zero, under a full mask.
    n.put("attributes", "0000000000000000");
    n.put("attributesMask", "FFFFFFFFFFFFFFFF");
  }

  /** QE identity version 2 ("QE" or "TD_QE"). */
  private static ObjectNode qeIdentity(CollateralOptions o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", SimQuotingEnclave.identityId(o.teeType()));
    n.put("version", 2);
    n.put("issueDate", o.issueDate().toString());
    n.put("nextUpdate", o.nextUpdate().toString());
    n.put("tcbEvaluationDataNumber", o.tcbEvaluationDataNumber());
    n.put("miscselect", SimQuotingEnclave.IDENTITY_MISCSELECT.hexUpper());
    n.put("miscselectMask", SimQuotingEnclave.IDENTITY_MISCSELECT_MASK.hexUpper());
    n.put("attributes", SimQuotingEnclave.IDENTITY_ATTRIBUTES.hexUpper());
    n.put("attributesMask", SimQuotingEnclave.IDENTITY_ATTRIBUTES_MASK.hexUpper());
    n.put("mrsigner", o.qeMrSigner().hexUpper());
    n.put("isvprodid", o.qeIsvProdId());
    isvLevels(n.putArray("tcbLevels"), o.qeLevels());
    return n;
  }

  private static void isvLevels(ArrayNode out, List<IsvTcbLevel> levels) {
    for (IsvTcbLevel l : levels) {
      ObjectNode level = out.addObject();
      level.putObject("tcb").put("isvsvn", l.isvSvn());
      level.put("tcbDate", l.tcbDate().toString());
      level.put("tcbStatus", l.status().jsonName());
      advisories(level, l.advisoryIds());
    }
  }

  private static void components(ArrayNode out, Bytes svns) {
    for (int i = 0; i < svns.length(); i++) {
      out.addObject().put("svn", svns.get(i) & 0xff);
    }
  }

  /** Intel omits advisoryIDs when a level has none. */
  private static void advisories(ObjectNode level, List<String> ids) {
    if (!ids.isEmpty()) {
      ArrayNode a = level.putArray("advisoryIDs");
      ids.forEach(a::add);
    }
  }

  /** The seven parts, as the verifier's collateral sources hand them over. */
  public Collateral collateral() {
    return new Collateral(
        Bytes.of(pckCrl),
        pckCrlIssuerChain,
        Bytes.of(rootCaCrl),
        Bytes.wrap(tcbInfoJson.getBytes(StandardCharsets.UTF_8)),
        tcbInfoIssuerChain,
        Bytes.wrap(qeIdentityJson.getBytes(StandardCharsets.UTF_8)),
        qeIdentityIssuerChain);
  }

  /**
   * Writes the bundle layout of {@code CollateralBundle} into {@code dir} (created if needed): the seven
   * collateral files plus {@value #ROOT_CA}. Existing files are replaced: all of it is public.
   */
  public void writeBundle(Path dir) throws IOException {
    SimFiles.writePublic(dir.resolve(CollateralBundle.PCK_CRL), pckCrl);
    SimFiles.writePublic(dir.resolve(CollateralBundle.PCK_CRL_ISSUER_CHAIN), pckCrlIssuerChain);
    SimFiles.writePublic(dir.resolve(CollateralBundle.ROOT_CA_CRL), rootCaCrl);
    SimFiles.writePublic(dir.resolve(CollateralBundle.TCB_INFO), tcbInfoJson);
    SimFiles.writePublic(dir.resolve(CollateralBundle.TCB_INFO_ISSUER_CHAIN), tcbInfoIssuerChain);
    SimFiles.writePublic(dir.resolve(CollateralBundle.QE_IDENTITY), qeIdentityJson);
    SimFiles.writePublic(dir.resolve(CollateralBundle.QE_IDENTITY_ISSUER_CHAIN), qeIdentityIssuerChain);
    SimFiles.writePublic(dir.resolve(ROOT_CA), rootCaDer);
  }

  public CollateralOptions options() {
    return options;
  }

  public byte[] pckCrlDer() {
    return pckCrl.clone();
  }

  public String pckCrlIssuerChainPem() {
    return pckCrlIssuerChain;
  }

  public byte[] rootCaCrlDer() {
    return rootCaCrl.clone();
  }

  /** The PCS body {@code {"tcbInfo":{…},"signature":"…"}}. */
  public String tcbInfoJson() {
    return tcbInfoJson;
  }

  public String tcbInfoIssuerChainPem() {
    return tcbInfoIssuerChain;
  }

  /** The PCS body {@code {"enclaveIdentity":{…},"signature":"…"}}. */
  public String qeIdentityJson() {
    return qeIdentityJson;
  }

  public String qeIdentityIssuerChainPem() {
    return qeIdentityIssuerChain;
  }

  public byte[] rootCaDer() {
    return rootCaDer.clone();
  }
}
