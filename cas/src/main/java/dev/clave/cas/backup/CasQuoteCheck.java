package dev.clave.cas.backup;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.Verdict;
import java.security.MessageDigest;
import java.time.Instant;

/**
 * Checking a CAS's own quote ({@code GET /v1/cas/attestation}), shared by the CLI ({@code clave cas attest},
 * {@code provision … with-attestation}) and a primary CAS admitting a backup: the quote verifies, is an SGX
 * enclave quote, and its report data is SHA-512 of the key the TLS connection presented; then its TCB, signer,
 * product and security version as the caller requires.
 */
public final class CasQuoteCheck {
  private CasQuoteCheck() {}

  /** Why a CAS is not trusted; the message is safe to show (no secrets). */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** A verified CAS quote bound to the connection's key. */
  public record Attested(EnclaveReport report, TcbStatus tcb, Bytes platformId, String root) {}

  /** The TCB states besides UpToDate a caller accepts ({@code -C}, {@code -G}, {@code -S}). */
  public record Tolerance(boolean configurationNeeded, boolean outOfDate, boolean swHardeningNeeded) {
    public static final Tolerance NONE = new Tolerance(false, false, false);
  }

  /** Verifies {@code quote} and that it binds {@code peerSpki} (SHA-512 in the report data). */
  public static Attested verify(QuoteVerifier verifier, byte[] quote, byte[] peerSpki, Instant now) throws Refused {
    Verdict v = verifier.verify(quote, now);
    if (!v.verified()) {
      throw new Refused("its quote does not verify: " + v.reason() + ": " + v.message());
    }
    if (!(v.body() instanceof EnclaveReport report)) {
      throw new Refused("its quote is not an SGX enclave quote");
    }
    if (!MessageDigest.isEqual(report.reportData().toByteArray(), sha512(peerSpki))) {
      throw new Refused("the quote's report data is not SHA-512 of the key this connection presented:"
          + " the quote belongs to another key");
    }
    return new Attested(report, v.tcbStatus(), v.platformId(), String.valueOf(v.root()));
  }

  /** Accepts UpToDate, and other states only as {@code t} says (Revoked never). */
  public static void checkTcb(TcbStatus status, Tolerance t) throws Refused {
    boolean ok = switch (status) {
      case UP_TO_DATE -> true;
      case SW_HARDENING_NEEDED -> t.swHardeningNeeded();
      case CONFIGURATION_NEEDED -> t.configurationNeeded();
      case CONFIGURATION_AND_SW_HARDENING_NEEDED -> t.configurationNeeded() && t.swHardeningNeeded();
      case OUT_OF_DATE -> t.outOfDate();
      case OUT_OF_DATE_CONFIGURATION_NEEDED -> t.outOfDate() && t.configurationNeeded();
      case REVOKED -> false;
    };
    if (!ok) {
      throw new Refused("the CAS's platform TCB is " + status.jsonName()
          + (status == TcbStatus.REVOKED ? "" : "; accept it with " + flagsFor(status)));
    }
  }

  /**
   * How good a TCB state is, for "at least as good as" (backup admission): 0 is best. Intel's order of
   * severity: UpToDate 0, SWHardeningNeeded 1, ConfigurationNeeded 2, ConfigurationAndSWHardeningNeeded 3,
   * OutOfDate 4, OutOfDateConfigurationNeeded 5, Revoked 6. (Configuration and hardening are not strictly
   * comparable; ranking them makes the rule total and strict rather than permissive.)
   */
  public static int tcbRank(TcbStatus s) {
    return switch (s) {
      case UP_TO_DATE -> 0;
      case SW_HARDENING_NEEDED -> 1;
      case CONFIGURATION_NEEDED -> 2;
      case CONFIGURATION_AND_SW_HARDENING_NEEDED -> 3;
      case OUT_OF_DATE -> 4;
      case OUT_OF_DATE_CONFIGURATION_NEEDED -> 5;
      case REVOKED -> 6;
    };
  }

  /** The enclave is signed by {@code signer} with product {@code product} and at least {@code minSvn}. */
  public static void checkSigner(EnclaveReport report, Bytes signer, int product, int minSvn) throws Refused {
    if (!report.mrSigner().equals(signer)) {
      throw new Refused("the CAS's signer (MRSIGNER " + report.mrSigner().hex() + ") is not the expected "
          + signer.hex());
    }
    if (report.isvProdId() != product) {
      throw new Refused("the CAS's product ID is " + report.isvProdId() + ", not " + product);
    }
    if (report.isvSvn() < minSvn) {
      throw new Refused("the CAS's security version " + report.isvSvn() + " is older than " + minSvn);
    }
  }

  private static String flagsFor(TcbStatus s) {
    return switch (s) {
      case SW_HARDENING_NEEDED -> "-S";
      case CONFIGURATION_NEEDED -> "-C";
      case CONFIGURATION_AND_SW_HARDENING_NEEDED -> "-C -S";
      case OUT_OF_DATE -> "-G";
      case OUT_OF_DATE_CONFIGURATION_NEEDED -> "-G -C";
      default -> "";
    };
  }

  static byte[] sha512(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-512 is required of every JDK", e);
    }
  }
}
