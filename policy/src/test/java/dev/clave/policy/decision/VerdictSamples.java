package dev.clave.policy.decision;

import java.nio.charset.StandardCharsets;

/**
 * Verdicts exactly as {@code clave quote verify --json} printed them (copied from real runs): the Intel
 * sample in samples/dcap/phala-sgx-v3-2025-06, once at a time inside its collateral's validity and once
 * after it; and quotes from {@code clave sim} (SGX debug enclave at platform SVN 3, and a TDX trust domain).
 */
final class VerdictSamples {
  private VerdictSamples() {}

  static final String INTEL_SGX = """
      {
        "verified" : true,
        "root" : "intel",
        "tcbStatus" : "ConfigurationAndSWHardeningNeeded",
        "advisoryIds" : [ "INTEL-SA-00289", "INTEL-SA-00615" ],
        "tcbDate" : "2024-03-13T00:00:00Z",
        "qeTcbStatus" : "UpToDate",
        "quoteVersion" : 3,
        "teeType" : "SGX",
        "fmspc" : "00A067110000",
        "platformId" : "5F49F421608BD48763CCAF12928AFAD05483236B588B3D7B6D1F8C4943E51730",
        "mrenclave" : "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb",
        "mrsigner" : "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6",
        "isvProdId" : 0,
        "isvSvn" : 0,
        "attributes" : "0500000000000000e700000000000000",
        "debug" : false,
        "reportData" : "48656c6c6f2c20776f726c6421000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "collateralNotAfter" : "2025-07-19T10:01:18Z",
        "verifiedAt" : "2025-07-19T10:01:17Z",
        "reason" : null,
        "message" : "quote verified against the intel root; platform TCB ConfigurationAndSWHardeningNeeded (level of 2024-03-13T00:00:00Z), advisories INTEL-SA-00289, INTEL-SA-00615; QE UpToDate"
      }
      """;

  static final String INTEL_SGX_REFUSED = """
      {
        "verified" : false,
        "root" : "intel",
        "tcbStatus" : "ConfigurationAndSWHardeningNeeded",
        "advisoryIds" : [ "INTEL-SA-00289", "INTEL-SA-00615" ],
        "tcbDate" : "2024-03-13T00:00:00Z",
        "qeTcbStatus" : "UpToDate",
        "quoteVersion" : 3,
        "teeType" : "SGX",
        "fmspc" : "00A067110000",
        "platformId" : "5F49F421608BD48763CCAF12928AFAD05483236B588B3D7B6D1F8C4943E51730",
        "mrenclave" : "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb",
        "mrsigner" : "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6",
        "isvProdId" : 0,
        "isvSvn" : 0,
        "attributes" : "0500000000000000e700000000000000",
        "debug" : false,
        "reportData" : "48656c6c6f2c20776f726c6421000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "collateralNotAfter" : "2025-07-19T10:01:18Z",
        "verifiedAt" : "2026-11-23T13:18:44.620305901Z",
        "reason" : "COLLATERAL_EXPIRED",
        "message" : "root CA CRL issued by \\"Intel SGX Root CA\\" expired: nextUpdate 2026-04-03T11:21:57Z (checked at 2026-11-23T13:18:44.620305901Z)"
      }
      """;

  static final String SIMULATION_SGX = """
      {
        "verified" : true,
        "root" : "simulation",
        "tcbStatus" : "OutOfDate",
        "advisoryIds" : [ "INTEL-SA-SIM04", "INTEL-SA-SIM05", "INTEL-SA-SIM06", "INTEL-SA-SIM07" ],
        "tcbDate" : "2020-01-01T00:00:00Z",
        "qeTcbStatus" : "UpToDate",
        "quoteVersion" : 3,
        "teeType" : "SGX",
        "fmspc" : "00C1A7E00000",
        "platformId" : "A775D5262E6B4931E942137D308C94666FB2A15EA256399276AA351C1CE79BAE",
        "mrenclave" : "004fa4d773287db1045504a8932b8351a30fb576d5a00ff6ca151b1d0f16544d",
        "mrsigner" : "7d1b66ab7cb67f749f2ea09380350095f048a03e3b9059e8289c7f082c082358",
        "isvProdId" : 1,
        "isvSvn" : 1,
        "attributes" : "07000000000000000300000000000000",
        "debug" : true,
        "reportData" : "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "collateralNotAfter" : "2026-12-23T13:18:51Z",
        "verifiedAt" : "2026-11-23T13:19:00.499178464Z",
        "reason" : null,
        "message" : "quote verified against the simulation root; platform TCB OutOfDate (level of 2020-01-01T00:00:00Z), advisories INTEL-SA-SIM04, INTEL-SA-SIM05, INTEL-SA-SIM06, INTEL-SA-SIM07; QE UpToDate"
      }
      """;

  static final String SIMULATION_TDX = """
      {
        "verified" : true,
        "root" : "simulation",
        "tcbStatus" : "UpToDate",
        "advisoryIds" : [ ],
        "tcbDate" : "2024-01-01T00:00:00Z",
        "qeTcbStatus" : "UpToDate",
        "quoteVersion" : 4,
        "teeType" : "TDX",
        "fmspc" : "00C1A7E00000",
        "platformId" : "098F5C6E2ADA9205BE4E1A9BBBB4131517679D204DE10338487A43875DE52F74",
        "mrenclave" : null,
        "mrsigner" : null,
        "isvProdId" : null,
        "isvSvn" : null,
        "attributes" : null,
        "debug" : false,
        "reportData" : "00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "td" : {
          "mrtd" : "048aa09e0cc6cc7a963e3998d7430399e1fba9777d0148cb1d9e24ccbf7533b46010addd6709f1f886e2b756ec21561c",
          "rtmrs" : [ "6b774dc29b764a460c614c86006b76363990399bf13a7bf83df408ffcd895b0cdef92a19ea50e92247913bed422e8cac", "f764588f5fe50b9d4869bf804a4eea5f10d01a1bba6ec7b41be1b9d1f891bf1df7d25297b402fc2141faea436faddf8c", "68b306ba80e023b3ec78b5573656f0de5843829bf76c994a263946a9ab7addbfaf5d0e9f9ca2d8800c71e066bac2f92b", "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" ],
          "mrseam" : "ce9d4bb505ae5799f451db02ef384fe68d359157a97cdeff783e8c46bd7efcc1e427993958d1d8e515643e6e22d1bfc3",
          "mrsignerseam" : "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
          "teeTcbSvn" : "04010700000000000000000000000000",
          "tdAttributes" : "0000001000000000",
          "xfam" : "e702060000000000",
          "mrconfigid" : "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
          "mrowner" : "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
          "mrownerconfig" : "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        },
        "collateralNotAfter" : "2026-12-23T13:18:53Z",
        "verifiedAt" : "2026-11-23T13:19:01.252409980Z",
        "reason" : null,
        "message" : "quote verified against the simulation root; platform TCB UpToDate (level of 2024-01-01T00:00:00Z); QE UpToDate"
      }
      """;

  static byte[] bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }
}
