package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.EnclaveIdentity;
import dev.clave.attestation.collateral.IsvTcbLevel;
import dev.clave.attestation.collateral.TcbInfo;
import dev.clave.attestation.collateral.TcbLevel;
import dev.clave.attestation.collateral.TdxModuleIdentity;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.quote.Quote;
import dev.clave.attestation.quote.TdReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Intel's TCB evaluation (QVL 4.1.2.4.11, .14, .17 and the status convergence): which TCB level the
 * platform, its QE and (TDX) its module are at, merged into one of Intel's seven statuses.
 *
 * @param status merged status
 * @param tcbDate the platform level's date
 * @param advisoryIds platform level first, then module, then QE; de-duplicated
 * @param qeStatus the QE identity level's status
 */
record TcbEvaluation(TcbStatus status, Instant tcbDate, List<String> advisoryIds, TcbStatus qeStatus) {

  static TcbEvaluation evaluate(Quote quote, PckExtensions pck, VerifiedCollateral vc) throws Refusal {
    IsvTcbLevel qeLevel = qeLevel(quote.signatureData().qeReport(), vc.qeIdentity());
    TdReport td = quote.tdReport();
    TdxModuleIdentity module = td == null ? null : tdxModule(quote, td, vc.tcbInfo());
    TcbLevel platform = platformLevel(pck, td, vc.tcbLevelsHighestFirst());
    IsvTcbLevel moduleLevel = module == null ? null : moduleLevel(td, module);

    TcbStatus status = platform.status();
    LinkedHashSet<String> advisories = new LinkedHashSet<>(platform.advisoryIds());
    if (moduleLevel != null) {
      status = converge(status, moduleLevel.status());
      advisories.addAll(moduleLevel.advisoryIds());
    }
    status = converge(status, qeLevel.status());
    advisories.addAll(qeLevel.advisoryIds());
    return new TcbEvaluation(status, platform.tcbDate(), List.copyOf(advisories), qeLevel.status());
  }

  /** The QE report must be the QE the identity describes; then its first level with isvsvn ≤ ISVSVN. */
  static IsvTcbLevel qeLevel(EnclaveReport qe, EnclaveIdentity id) throws Refusal {
    List<String> mismatches = new ArrayList<>();
    if (!masked(qe.miscSelectBytes(), id.miscSelectMask()).equals(masked(id.miscSelect(), id.miscSelectMask()))) {
      mismatches.add("MISCSELECT " + qe.miscSelectBytes().hexUpper() + " does not match " + id.miscSelect().hexUpper()
          + " under mask " + id.miscSelectMask().hexUpper());
    }
    if (!masked(qe.attributes(), id.attributesMask()).equals(masked(id.attributes(), id.attributesMask()))) {
      mismatches.add("ATTRIBUTES " + qe.attributes().hexUpper() + " do not match " + id.attributes().hexUpper()
          + " under mask " + id.attributesMask().hexUpper());
    }
    if (!qe.mrSigner().equals(id.mrSigner())) {
      mismatches.add("MRSIGNER " + qe.mrSigner().hexUpper() + " is not " + id.mrSigner().hexUpper());
    }
    if (qe.isvProdId() != id.isvProdId()) {
      mismatches.add("ISVPRODID " + qe.isvProdId() + " is not " + id.isvProdId());
    }
    if (!mismatches.isEmpty()) {
      throw new Refusal(
          ReasonCode.QE_IDENTITY_MISMATCH,
          "the quoting enclave is not the one the QE identity (" + id.id() + ") describes: "
              + String.join("; ", mismatches));
    }
    for (IsvTcbLevel level : byIsvSvnDescending(id.tcbLevels())) {
      if (qe.isvSvn() >= level.isvSvn()) {
        return level;
      }
    }
    throw new Refusal(
        ReasonCode.TCB_NOT_SUPPORTED,
        "the QE's ISVSVN " + qe.isvSvn() + " is below every TCB level of the QE identity");
  }

  /** QVL 4.1.2.4.11: the TDX module must be the one the TCB info names. */
  static TdxModuleIdentity tdxModule(Quote quote, TdReport td, TcbInfo info) throws Refusal {
    int moduleVersion = td.teeTcbSvn().get(1) & 0xff;
    TdxModuleIdentity module;
    if (quote.version() > 3 && moduleVersion > 0) {
      String wanted = String.format(Locale.ROOT, "TDX_%02X", moduleVersion);
      module = info.tdxModuleIdentities().stream()
          .filter(m -> m.id() != null && m.id().toUpperCase(Locale.ROOT).equals(wanted))
          .findFirst()
          .orElseThrow(() -> new Refusal(
              ReasonCode.TDX_MODULE_MISMATCH,
              "the TD runs TDX module major version " + moduleVersion + " but the TCB info has no " + wanted
                  + " module identity"));
    } else {
      module = info.tdxModule();
      if (module == null) {
        throw new Refusal(ReasonCode.TCB_INFO_MISMATCH, "the TDX TCB info has no tdxModule");
      }
    }
    if (!td.mrSignerSeam().equals(module.mrSigner())) {
      throw new Refusal(
          ReasonCode.TDX_MODULE_MISMATCH,
          "MRSIGNERSEAM " + td.mrSignerSeam().hexUpper() + " is not the module signer " + module.mrSigner().hexUpper());
    }
    if (!td.seamAttributes().isAllZero()
        || !masked(td.seamAttributes(), module.attributesMask()).equals(masked(module.attributes(), module.attributesMask()))) {
      throw new Refusal(
          ReasonCode.TDX_MODULE_MISMATCH,
          "SEAMATTRIBUTES " + td.seamAttributes().hexUpper() + " do not match the module's " + module.attributes().hexUpper());
    }
    // The tdxModule entry alone carries no levels: then the module has no status of its own.
    return module.tcbLevels().isEmpty() ? null : module;
  }

  static IsvTcbLevel moduleLevel(TdReport td, TdxModuleIdentity module) throws Refusal {
    int svn = td.teeTcbSvn().get(0) & 0xff;
    for (IsvTcbLevel level : byIsvSvnDescending(module.tcbLevels())) {
      if (svn >= level.isvSvn()) {
        return level;
      }
    }
    throw new Refusal(
        ReasonCode.TCB_NOT_SUPPORTED,
        "TDX module " + module.id() + " ISV SVN " + svn + " is below every level of its module identity");
  }

  /** QVL 4.1.2.4.17: the highest level the PCK certificate's TCB (and, for TDX, TEE_TCB_SVN) meets. */
  static TcbLevel platformLevel(PckExtensions pck, TdReport td, List<TcbLevel> highestFirst) throws Refusal {
    boolean sgxMatched = false;
    for (TcbLevel level : highestFirst) {
      if (!atLeast(pck.tcbComponents(), level.sgxComponents(), 0) || pck.pceSvn() < level.pceSvn()) {
        continue;
      }
      sgxMatched = true;
      if (td == null) {
        return level;
      }
      if (level.tdxComponents() == null) {
        throw new Refusal(ReasonCode.TCB_INFO_MISMATCH, "a TCB level of the TDX TCB info has no tdxtcbcomponents");
      }
      // With a module version set, components 0 and 1 are judged by the module identity instead.
      int from = (td.teeTcbSvn().get(1) & 0xff) > 0 ? 2 : 0;
      if (atLeast(td.teeTcbSvn(), level.tdxComponents(), from)) {
        return level;
      }
    }
    String pckTcb = "SGX TCB components " + svnList(pck.tcbComponents()) + ", PCESVN " + pck.pceSvn();
    throw new Refusal(
        ReasonCode.TCB_NOT_SUPPORTED,
        sgxMatched
            ? "TEE_TCB_SVN " + svnList(td.teeTcbSvn()) + " is below every TDX TCB level the platform (" + pckTcb + ") meets"
            : "the platform's " + pckTcb + " is below every TCB level of the TCB info");
  }

  /** Intel's convergence of the platform status with a QE or TDX module status. */
  static TcbStatus converge(TcbStatus platform, TcbStatus other) {
    return switch (other) {
      case REVOKED -> TcbStatus.REVOKED;
      case OUT_OF_DATE -> switch (platform) {
        case UP_TO_DATE, SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE;
        case CONFIGURATION_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED -> TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED;
        default -> platform;
      };
      default -> platform;
    };
  }

  private static boolean atLeast(Bytes have, Bytes need, int from) {
    for (int i = from; i < need.length(); i++) {
      if ((have.get(i) & 0xff) < (need.get(i) & 0xff)) {
        return false;
      }
    }
    return true;
  }

  private static Bytes masked(Bytes value, Bytes mask) {
    byte[] out = new byte[Math.min(value.length(), mask.length())];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (value.get(i) & mask.get(i));
    }
    return Bytes.wrap(out);
  }

  private static List<IsvTcbLevel> byIsvSvnDescending(List<IsvTcbLevel> levels) {
    List<IsvTcbLevel> sorted = new ArrayList<>(levels);
    sorted.sort(Comparator.comparingInt(IsvTcbLevel::isvSvn).reversed());
    return sorted;
  }

  private static String svnList(Bytes svns) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < svns.length(); i++) {
      sb.append(i == 0 ? "" : ",").append(svns.get(i) & 0xff);
    }
    return sb.append(']').toString();
  }
}
