package dev.clave.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import dev.clave.attestation.collateral.CollateralBundle;
import dev.clave.attestation.collateral.CollateralException;
import dev.clave.attestation.collateral.PcsCollateralSource;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.TrustedRoot;
import dev.clave.cas.CasEnclave;
import dev.clave.cas.backup.CasQuoteCheck;
import dev.clave.cas.client.CasClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Attesting a CAS before trusting it, with the original CLI's flags: the CAS's quote ({@code GET
 * /v1/cas/attestation}) must verify (Intel's root, or a simulation root given with {@code --trust-sim-root}),
 * its report data must be SHA-512 of the key the pinned TLS connection presented, and the enclave must be the
 * expected one: by default Clave's CAS signer and product with at least this CLI's security version; with
 * {@code --mrenclave} one of those measurements. TCB states other than UpToDate need {@code -C}, {@code -G},
 * {@code -S}; a debug-mode CAS needs {@code --only_for_testing-debug}.
 */
final class CasAttestOptions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  @Option(names = "-C", description = "accept a CAS whose platform needs configuration (e.g. hyperthreading)")
  boolean configurationNeeded;

  @Option(names = "-G", description = "accept a CAS on an out-of-date platform (TCB recovery pending)")
  boolean outOfDate;

  @Option(names = "-S", description = "accept a CAS whose platform needs software hardening")
  boolean swHardeningNeeded;

  @Option(names = "--only_for_testing-debug", description = "accept a CAS in debug mode (every simulated CAS is)")
  boolean debug;

  @Option(names = "--only_for_testing-ignore-signer", description = "do not check MRSIGNER, ISVPRODID and ISVSVN")
  boolean ignoreSigner;

  @Option(names = "--only_for_testing-trust-any", description = "accept any CAS measurement (MRENCLAVE)")
  boolean trustAny;

  @Option(names = "--mrenclave", paramLabel = "HEX", description = "an accepted CAS measurement (repeatable); replaces the signer check")
  List<String> mrEnclaves = new ArrayList<>();

  @Option(names = "--mrsigner", paramLabel = "HEX", description = "the expected CAS signer (default: Clave's)")
  String mrSigner;

  @Option(names = "--isvprodid", paramLabel = "N", description = "the expected CAS product ID (default 41316)")
  Integer isvProdId;

  @Option(names = "--isvsvn", paramLabel = "N", description = "the lowest accepted CAS security version (default: this CLI's)")
  Integer isvSvn;

  @Option(names = "--collateral", paramLabel = "DIR", description = "verify the CAS's quote with this collateral bundle")
  Path collateral;

  @Option(names = "--pcs", paramLabel = "URL", description = "fetch collateral from this PCS/PCCS (default: Intel's PCS)")
  URI pcs;

  @Option(names = "--trust-sim-root", paramLabel = "PEM", description = "also trust this simulation root (testing only; repeatable)")
  List<Path> simRoots = new ArrayList<>();

  /** Why a CAS is not trusted; the first line is the original's. */
  static final class NotTrustworthy extends Exception {
    NotTrustworthy(String cause) {
      super("Error: Error during attestation of CAS\nCaused by: " + cause, null, false, false);
    }
  }

  /**
   * Attests and says so as the original does ({@code CAS <addr> at https://<addr>:8081/ is trustworthy} on
   * stdout, or the reason on stderr); returns whether the CAS is trustworthy.
   */
  boolean attestAndSay(CasClient cas, String address, picocli.CommandLine.Model.CommandSpec spec)
      throws InterruptedException {
    try {
      String what = attest(cas);
      String base = cas.base().toString();
      spec.commandLine().getOut().println("CAS " + address + " at " + (base.endsWith("/") ? base : base + "/") + " is trustworthy");
      spec.commandLine().getOut().println("    " + what);
      return true;
    } catch (NotTrustworthy e) {
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().println(e.getMessage());
      return false;
    }
  }

  /** Attests the CAS behind {@code cas}; returns a one-line description of what was verified. */
  String attest(CasClient cas) throws NotTrustworthy, InterruptedException {
    HttpResponse<String> res;
    try {
      res = cas.get("/v1/cas/attestation");
    } catch (IOException e) {
      throw new Errors.UserError("cannot reach the CAS at " + cas.base() + ": " + e.getMessage());
    }
    JsonNode n;
    try {
      n = JSON.readTree(res.body());
    } catch (IOException e) {
      n = null;
    }
    if (res.statusCode() != 200 || n == null || !n.path("quote").isTextual()) {
      throw new NotTrustworthy("the CAS has no quote to show (HTTP " + res.statusCode() + "): "
          + (n != null ? n.path("error").asText(res.body()) : res.body()));
    }
    byte[] quote;
    try {
      quote = Base64.getDecoder().decode(n.get("quote").asText());
    } catch (IllegalArgumentException e) {
      throw new NotTrustworthy("the CAS's quote is not base64");
    }
    CasQuoteCheck.Attested v;
    try {
      v = CasQuoteCheck.verify(verifier(), quote, serverKey(res), Instant.now());
      CasQuoteCheck.checkTcb(v.tcb(), new CasQuoteCheck.Tolerance(configurationNeeded, outOfDate, swHardeningNeeded));
    } catch (CasQuoteCheck.Refused e) {
      throw new NotTrustworthy(e.getMessage());
    }
    EnclaveReport report = v.report();
    if (report.debug() && !debug) {
      throw new NotTrustworthy("the CAS runs in debug mode (its memory is not protected; every simulated CAS does);"
          + " accept it for testing with --only_for_testing-debug");
    }
    checkIdentity(report);
    return "MRENCLAVE " + report.mrEnclave().hex() + ", platform " + v.platformId().hexUpper() + ", TCB "
        + v.tcb().jsonName() + " (root: " + v.root() + ")";
  }

  private QuoteVerifier verifier() {
    QuoteVerifier.Builder b = QuoteVerifier.builder();
    for (Path root : simRoots) {
      try {
        b.trustRoot(TrustedRoot.simulation(Inputs.certificate(root)));
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("--trust-sim-root " + root + ": " + e.getMessage());
      }
    }
    if (collateral != null && pcs != null) {
      throw new Errors.UserError("--collateral and --pcs: give one");
    }
    if (collateral != null) {
      try {
        return b.collateralSource(CollateralBundle.open(collateral)).build();
      } catch (CollateralException e) {
        throw new Errors.UserError("--collateral " + collateral + ": " + e.getMessage());
      }
    }
    PcsCollateralSource.Builder p = PcsCollateralSource.builder();
    if (pcs != null) {
      p.baseUrl(pcs);
    }
    return b.collateralSource(p.build()).build();
  }

  private void checkIdentity(EnclaveReport report) throws NotTrustworthy {
    if (!mrEnclaves.isEmpty()) {
      for (String m : mrEnclaves) {
        if (m.strip().toLowerCase(Locale.ROOT).equals(report.mrEnclave().hex())) {
          return;
        }
      }
      throw new NotTrustworthy("Enclave hash does not match expectation: " + report.mrEnclave().hex());
    }
    if (!ignoreSigner) {
      Bytes signer;
      try {
        signer = mrSigner != null ? Bytes.wrap(HEX.parseHex(mrSigner.strip())) : CasEnclave.MR_SIGNER;
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError("--mrsigner: not hex");
      }
      int product = isvProdId != null ? isvProdId : CasEnclave.PRODUCT_ID;
      int minSvn = isvSvn != null ? isvSvn : CasEnclave.SECURITY_VERSION;
      try {
        CasQuoteCheck.checkSigner(report, signer, product, minSvn);
      } catch (CasQuoteCheck.Refused e) {
        throw new NotTrustworthy(e.getMessage());
      }
      return;
    }
    if (!trustAny) {
      throw new Errors.UserError("with --only_for_testing-ignore-signer nothing identifies the CAS: give --mrenclave HEX,"
          + " or --only_for_testing-trust-any to accept any measurement (testing only)");
    }
  }

  private static byte[] serverKey(HttpResponse<String> res) throws NotTrustworthy {
    try {
      Certificate[] chain = res.sslSession().orElseThrow().getPeerCertificates();
      return chain[chain.length - 1].getPublicKey().getEncoded(); // the pinned key (KeyHashPinning checked it)
    } catch (javax.net.ssl.SSLPeerUnverifiedException | java.util.NoSuchElementException e) {
      throw new NotTrustworthy("the connection to the CAS has no server certificate");
    }
  }
}
