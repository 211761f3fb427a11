package dev.clave.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.clave.attestation.collateral.CollateralBundle;
import dev.clave.attestation.collateral.CollateralException;
import dev.clave.attestation.collateral.PcsCollateralSource;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.TrustedRoot;
import dev.clave.attestation.verify.Verdict;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "quote",
    mixinStandardHelpOptions = true,
    description = "Work with SGX/TDX DCAP quotes.",
    subcommands = {QuoteCommand.Verify.class})
final class QuoteCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify a DCAP quote (SGX v3/v4/v5, TDX v4/v5) against collateral, following Intel's algorithm.",
        "Intel's SGX Root CA is always trusted; --trust-root adds another (a simulation root). A root",
        "certificate lying in the collateral directory is never trusted for being there.",
        "Exit status: 0 verified (whatever the TCB status), 1 refused, 2 usage or input error."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "QUOTE", description = "Quote file: binary, or text in hex or base64.")
    Path quote;

    @ArgGroup(exclusive = true, multiplicity = "1")
    CollateralChoice from;

    /** Where collateral comes from: exactly one of an offline bundle or a PCS/PCCS. */
    static final class CollateralChoice {
      @Option(
          names = "--collateral",
          required = true,
          paramLabel = "DIR",
          description = "Collateral bundle directory (tcb_info.json, qe_identity.json, CRLs, issuer chains).")
      Path collateral;

      @Option(
          names = "--pcs",
          required = true,
          paramLabel = "URL",
          description = {
            "Fetch collateral from Intel's PCS or a PCCS (API v4), e.g. https://api.trustedservices.intel.com",
            "or https://pccs.example:8081; with a PCCS the root CA CRL comes from its /rootcacrl."
          })
      URI pcs;
    }

    @Option(
        names = "--at",
        paramLabel = "INSTANT",
        description = "Verify as of this ISO-8601 instant (default: now), e.g. 2025-07-19T10:01:17Z.")
    String at;

    @Option(
        names = "--trust-root",
        paramLabel = "CERT",
        description = "Also trust this root certificate (DER or PEM); may be repeated.")
    List<Path> trustRoots = new ArrayList<>();

    @Option(names = "--json", description = "Print the verdict as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      Instant when = at == null ? Instant.now() : Inputs.instant(at, "--at");
      byte[] quoteBytes = Inputs.quote(quote);
      QuoteVerifier.Builder builder = QuoteVerifier.builder();
      for (Path root : trustRoots) {
        try {
          builder.trustRoot(TrustedRoot.simulation(Inputs.certificate(root)));
        } catch (IllegalArgumentException e) {
          throw new Errors.UserError("--trust-root " + root + ": " + e.getMessage());
        }
      }
      Verdict verdict;
      if (from.collateral != null) {
        CollateralBundle bundle;
        try {
          bundle = CollateralBundle.open(from.collateral);
        } catch (CollateralException e) {
          throw new Errors.UserError("--collateral " + from.collateral + ": " + e.getMessage());
        }
        verdict = builder.collateralSource(bundle).build().verify(quoteBytes, when);
      } else {
        String scheme = from.pcs.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme) || from.pcs.getHost() == null) {
          throw new Errors.UserError("--pcs: expected an http(s) URL, got \"" + from.pcs + "\"");
        }
        try (PcsCollateralSource pcs = PcsCollateralSource.builder().baseUrl(from.pcs).build()) {
          verdict = builder.collateralSource(pcs).build().verify(quoteBytes, when);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.println(mapper.writeValueAsString(VerdictJson.of(verdict, when)));
      } else {
        VerdictText.print(verdict, out);
      }
      out.flush();
      return verdict.verified() ? 0 : 1;
    }
  }
}
