package dev.clave.cli;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.quote.TdReport;
import dev.clave.attestation.verify.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON form of a verdict: stable field names, hex in lower case, absent values as null. */
final class VerdictJson {
  private VerdictJson() {}

  static Map<String, Object> of(Verdict v, Instant at) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verified", v.verified());
    m.put("root", v.root());
    m.put("tcbStatus", v.tcbStatus() == null ? null : v.tcbStatus().jsonName());
    m.put("advisoryIds", v.advisoryIds());
    m.put("tcbDate", str(v.tcbDate()));
    m.put("qeTcbStatus", v.qeTcbStatus() == null ? null : v.qeTcbStatus().jsonName());
    m.put("quoteVersion", v.quoteVersion() == 0 ? null : v.quoteVersion());
    m.put("teeType", v.teeType() == null ? null : v.teeType().name());
    m.put("fmspc", v.fmspc() == null ? null : v.fmspc().hexUpper());
    m.put("platformId", v.platformId() == null ? null : v.platformId().hexUpper());
    EnclaveReport sgx = v.body() instanceof EnclaveReport r ? r : null;
    TdReport td = v.body() instanceof TdReport r ? r : null;
    m.put("mrenclave", sgx == null ? null : sgx.mrEnclave().hex());
    m.put("mrsigner", sgx == null ? null : sgx.mrSigner().hex());
    m.put("isvProdId", sgx == null ? null : sgx.isvProdId());
    m.put("isvSvn", sgx == null ? null : sgx.isvSvn());
    m.put("attributes", sgx == null ? null : sgx.attributes().hex());
    m.put("debug", v.body() == null ? null : v.debug());
    m.put("reportData", v.body() == null ? null : v.body().reportData().hex());
    if (td != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("mrtd", td.mrTd().hex());
      t.put("rtmrs", td.rtmrs().stream().map(Bytes::hex).toList());
      t.put("mrseam", td.mrSeam().hex());
      t.put("mrsignerseam", td.mrSignerSeam().hex());
      t.put("teeTcbSvn", td.teeTcbSvn().hex());
      t.put("tdAttributes", td.tdAttributes().hex());
      t.put("xfam", td.xfam().hex());
      t.put("mrconfigid", td.mrConfigId().hex());
      t.put("mrowner", td.mrOwner().hex());
      t.put("mrownerconfig", td.mrOwnerConfig().hex());
      m.put("td", t);
    }
    m.put("collateralNotAfter", str(v.collateralNotAfter()));
    m.put("verifiedAt", at.toString());
    m.put("reason", v.reason() == null ? null : v.reason().name());
    m.put("message", v.message());
    return m;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

}
