package dev.clave.cli;

import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.quote.TdReport;
import dev.clave.attestation.verify.Verdict;
import java.io.PrintWriter;

/** The short human summary of a verdict. */
final class VerdictText {
  private VerdictText() {}

  static void print(Verdict v, PrintWriter out) {
    if (v.verified()) {
      out.println("VERIFIED  (root: " + v.root() + ")");
    } else {
      out.println("REFUSED   " + v.reason());
    }
    out.println("  " + v.message());
    if (v.tcbStatus() != null) {
      String advisories = v.advisoryIds().isEmpty() ? "none" : String.join(", ", v.advisoryIds());
      out.println("  TCB status:   " + v.tcbStatus() + " (level of " + v.tcbDate() + "; advisories: " + advisories + ")");
    }
    if (v.teeType() != null) {
      out.println("  quote:        v" + v.quoteVersion() + " " + v.teeType()
          + (v.fmspc() == null ? "" : ", FMSPC " + v.fmspc().hexUpper()));
    }
    if (v.body() instanceof EnclaveReport r) {
      out.println("  MRENCLAVE:    " + r.mrEnclave().hex());
      out.println("  MRSIGNER:     " + r.mrSigner().hex());
      out.println("  ISVPRODID:    " + r.isvProdId() + "   ISVSVN: " + r.isvSvn() + "   debug: " + (r.debug() ? "yes" : "no"));
    } else if (v.body() instanceof TdReport td) {
      out.println("  MRTD:         " + td.mrTd().hex());
      out.println("  debug:        " + (td.debug() ? "yes" : "no"));
    }
    if (v.body() != null) {
      out.println("  report data:  " + v.body().reportData().hex());
    }
    if (v.platformId() != null) {
      out.println("  platform ID:  " + v.platformId().hexUpper());
    }
    if (v.collateralNotAfter() != null) {
      out.println("  collateral valid until " + v.collateralNotAfter());
    }
  }
}
