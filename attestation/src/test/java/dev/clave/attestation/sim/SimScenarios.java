package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralException;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.quote.TeeType;
import dev.clave.attestation.verify.QuoteVerifier;
import dev.clave.attestation.verify.ReasonCode;
import dev.clave.attestation.verify.TrustedRoot;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * Simulation fixtures shared by the verifier's and the CLI's tests: one root, one up-to-date platform, its
 * collateral, and for every {@link ReasonCode} a scenario (quote, collateral, time, trusted roots) that
 * the verifier must refuse with exactly that reason.
 */
public final class SimScenarios {
  public static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
  public static final Instant AT = NOW.plus(Duration.ofHours(1));

  // Offsets in a v3 SGX quote (dcap.md): header 48, report body 384, signature data length 4, then the
  // ISV signature, attestation key, QE report, its signature, QE auth data (u16 length) and cert data.
  public static final int QE_VENDOR_ID = 12;
  public static final int REPORT_BODY = 48;
  public static final int ISV_SIGNATURE = 436;
  public static final int ATTESTATION_KEY = 500;
  public static final int QE_REPORT = 564;
  public static final int QE_REPORT_SIGNATURE = 948;
  public static final int QE_AUTH_DATA = 1014;

  private static final SimulationRoot ROOT = SimulationRoot.create(NOW.minus(Duration.ofDays(1)));
  private static final SimulationRoot OTHER_ROOT = SimulationRoot.create(NOW.minus(Duration.ofDays(1)));
  private static final SimPlatform PLATFORM =
      ROOT.issuePlatform(PlatformTcb.ofSvn(TcbLevels.LADDER_UP_TO_DATE_SVN), NOW);
  private static final SimCollateral COLLATERAL = ROOT.collateral(options().build());
  private static final SimCollateral TDX_COLLATERAL = ROOT.collateral(options().teeType(TeeType.TDX).build());
  private static final SimCollateral OTHER_COLLATERAL = OTHER_ROOT.collateral(options().build());

  private SimScenarios() {}

  /**
   * What to verify and how, and the reason the verifier must give.
   *
   * @param collateral null: the collateral source fails (nothing can be fetched)
   * @param trusted roots trusted besides Intel's
   */
  public record Scenario(
      ReasonCode reason, byte[] quote, Collateral collateral, Instant at, List<TrustedRoot> trusted) {

    public QuoteVerifier verifier() {
      QuoteVerifier.Builder b = QuoteVerifier.builder();
      trusted.forEach(b::trustRoot);
      Collateral c = collateral;
      return b.collateralSource(request -> {
        if (c == null) {
          throw new CollateralException("PCS answered 503 for /sgx/certification/v4/tcb");
        }
        return c;
      }).build();
    }
  }

  public static SimulationRoot root() {
    return ROOT;
  }

  public static SimPlatform platform() {
    return PLATFORM;
  }

  public static SimCollateral collateral() {
    return COLLATERAL;
  }

  public static SimCollateral tdxCollateral() {
    return TDX_COLLATERAL;
  }

  public static CollateralOptions.Builder options() {
    return CollateralOptions.builder().issueDate(NOW);
  }

  public static byte[] sgxQuote(SimPlatform p) {
    return p.quoteSgx(SgxEnclaveSpec.builder().build());
  }

  public static SimPlatform platformWithSvn(int svn) {
    return ROOT.reissuePlatform(PLATFORM, PlatformTcb.ofSvn(svn), NOW);
  }

  public static byte[] flip(byte[] quote, int offset) {
    byte[] copy = quote.clone();
    copy[offset] ^= 0x01;
    return copy;
  }

  /** One scenario per reason code, in the enum's order. */
  public static Map<ReasonCode, Scenario> refusals() {
    Map<ReasonCode, Scenario> m = new EnumMap<>(ReasonCode.class);
    byte[] good = sgxQuote(PLATFORM);
    Collateral c = COLLATERAL.collateral();

    m.put(ReasonCode.MALFORMED_QUOTE, sim(ReasonCode.MALFORMED_QUOTE, Arrays.copyOf(good, good.length - 100), c));
    m.put(ReasonCode.UNSUPPORTED_QUOTE_FORMAT, sim(ReasonCode.UNSUPPORTED_QUOTE_FORMAT, flip(good, QE_VENDOR_ID), c));
    byte[] offCurve = good.clone();
    Arrays.fill(offCurve, ATTESTATION_KEY, ATTESTATION_KEY + 64, (byte) 0); // (0, 0) is not on P-256
    m.put(ReasonCode.INVALID_ATTESTATION_KEY, sim(ReasonCode.INVALID_ATTESTATION_KEY, offCurve, c));
    // A PCK certificate signed by the TCB signing key, not by the PCK CA it names.
    m.put(ReasonCode.PCK_CHAIN_INVALID, sim(ReasonCode.PCK_CHAIN_INVALID,
        sgxQuote(pckIssuedWith(ROOT.tcbSigningKey(), validExtension())), c));
    m.put(ReasonCode.PCK_CHAIN_UNTRUSTED, new Scenario(ReasonCode.PCK_CHAIN_UNTRUSTED, good, c, AT,
        List.of(OTHER_ROOT.trustedRoot())));
    m.put(ReasonCode.PCK_EXTENSIONS_INVALID, sim(ReasonCode.PCK_EXTENSIONS_INVALID,
        sgxQuote(pckIssuedWith(ROOT.pckCaKey(), new DERSequence(new DEROctetString(new byte[] {1, 2, 3})))), c));
    m.put(ReasonCode.PCK_REVOKED, sim(ReasonCode.PCK_REVOKED, good,
        ROOT.collateral(options().revokePck(PLATFORM).build()).collateral()));
    m.put(ReasonCode.INTERMEDIATE_CA_REVOKED, sim(ReasonCode.INTERMEDIATE_CA_REVOKED, good,
        ROOT.collateral(options().revokePckCa().build()).collateral()));
    m.put(ReasonCode.TCB_SIGNING_CERT_REVOKED, sim(ReasonCode.TCB_SIGNING_CERT_REVOKED, good,
        ROOT.collateral(options().revokeTcbSigningCert().build()).collateral()));
    m.put(ReasonCode.COLLATERAL_UNAVAILABLE, sim(ReasonCode.COLLATERAL_UNAVAILABLE, good, null));
    // The TCB info "signed" by the PCK CA: a genuine certificate in the wrong role.
    m.put(ReasonCode.COLLATERAL_INVALID, sim(ReasonCode.COLLATERAL_INVALID, good,
        withTcbInfoIssuerChain(c, c.pckCrlIssuerChain())));
    // Parts issued under another root, beside genuine issuer chains: their signatures fail.
    m.put(ReasonCode.CRL_SIGNATURE_INVALID, sim(ReasonCode.CRL_SIGNATURE_INVALID, good,
        replace(c, Part.ROOT_CRL, OTHER_COLLATERAL.rootCaCrlDer())));
    m.put(ReasonCode.TCB_INFO_SIGNATURE_INVALID, sim(ReasonCode.TCB_INFO_SIGNATURE_INVALID, good,
        replace(c, Part.TCB_INFO, OTHER_COLLATERAL.tcbInfoJson().getBytes(StandardCharsets.UTF_8))));
    m.put(ReasonCode.QE_IDENTITY_SIGNATURE_INVALID, sim(ReasonCode.QE_IDENTITY_SIGNATURE_INVALID, good,
        replace(c, Part.QE_IDENTITY, OTHER_COLLATERAL.qeIdentityJson().getBytes(StandardCharsets.UTF_8))));
    m.put(ReasonCode.COLLATERAL_EXPIRED, new Scenario(ReasonCode.COLLATERAL_EXPIRED, good, c,
        NOW.plus(CollateralOptions.DEFAULT_VALIDITY).plusSeconds(1), List.of(ROOT.trustedRoot())));
    m.put(ReasonCode.COLLATERAL_NOT_YET_VALID, new Scenario(ReasonCode.COLLATERAL_NOT_YET_VALID, good, c,
        NOW.minusSeconds(1), List.of(ROOT.trustedRoot())));
    m.put(ReasonCode.TCB_INFO_MISMATCH, sim(ReasonCode.TCB_INFO_MISMATCH, good,
        ROOT.collateral(options().fmspc("00A065510000").build()).collateral()));
    m.put(ReasonCode.QE_IDENTITY_MISMATCH, sim(ReasonCode.QE_IDENTITY_MISMATCH, good,
        ROOT.collateral(options().qeMrSigner(Bytes.fromHex("5a".repeat(32))).build()).collateral()));
    m.put(ReasonCode.QE_REPORT_SIGNATURE_INVALID,
        sim(ReasonCode.QE_REPORT_SIGNATURE_INVALID, flip(good, QE_REPORT_SIGNATURE + 10), c));
    m.put(ReasonCode.QE_REPORT_DATA_MISMATCH, sim(ReasonCode.QE_REPORT_DATA_MISMATCH, flip(good, QE_AUTH_DATA), c));
    m.put(ReasonCode.QUOTE_SIGNATURE_INVALID, sim(ReasonCode.QUOTE_SIGNATURE_INVALID, flip(good, REPORT_BODY + 64), c));
    m.put(ReasonCode.TDX_MODULE_MISMATCH, sim(ReasonCode.TDX_MODULE_MISMATCH, PLATFORM.quoteTdx(TdSpec.builder().build()),
        ROOT.collateral(options().teeType(TeeType.TDX).tdxModuleMrSigner(Bytes.fromHex("77".repeat(48))).build())
            .collateral()));
    m.put(ReasonCode.TCB_NOT_SUPPORTED, sim(ReasonCode.TCB_NOT_SUPPORTED, sgxQuote(platformWithSvn(0)), c));
    m.put(ReasonCode.TCB_REVOKED, sim(ReasonCode.TCB_REVOKED, sgxQuote(platformWithSvn(1)), c));
    return Collections.unmodifiableMap(m);
  }

  private static Scenario sim(ReasonCode reason, byte[] quote, Collateral collateral) {
    return new Scenario(reason, quote, collateral, AT, List.of(ROOT.trustedRoot()));
  }

  /** A platform whose PCK certificate is signed by {@code issuerKey} and carries {@code sgxExtension}. */
  static SimPlatform pckIssuedWith(SimKey issuerKey, ASN1Encodable sgxExtension) {
    SecureRandom random = new SecureRandom();
    SimKey pckKey = SimKey.generate(random);
    BigInteger serial = SimCertificates.newSerial(random);
    byte[] der = SimCertificates.der(SimCertificates.issue(
        SimCertificates.PCK_CERTIFICATE, pckKey, SimCertificates.PCK_PLATFORM_CA, issuerKey, serial,
        NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofDays(365)), SimCertificates.Role.END_ENTITY,
        SimCertificates.PCK_CRL_URL,
        Map.<ASN1ObjectIdentifier, ASN1Encodable>of(PckExtensions.SGX_EXTENSIONS, sgxExtension)));
    return new SimPlatform(PLATFORM.tcb(), pckKey, PLATFORM.attestationKey(), der, serial, ROOT.pckIssuerChainPem(),
        PLATFORM.ppid(), Bytes.fromHex("00".repeat(16)));
  }

  private static ASN1Encodable validExtension() {
    return SgxExtension.encode(PLATFORM.tcb(), PLATFORM.ppid(), Bytes.fromHex("00".repeat(16)));
  }

  enum Part { ROOT_CRL, TCB_INFO, QE_IDENTITY }

  static Collateral replace(Collateral c, Part part, byte[] value) {
    return new Collateral(
        c.pckCrl(),
        c.pckCrlIssuerChain(),
        part == Part.ROOT_CRL ? Bytes.wrap(value) : c.rootCaCrl(),
        part == Part.TCB_INFO ? Bytes.wrap(value) : c.tcbInfoJson(),
        c.tcbInfoIssuerChain(),
        part == Part.QE_IDENTITY ? Bytes.wrap(value) : c.qeIdentityJson(),
        c.qeIdentityIssuerChain());
  }

  private static Collateral withTcbInfoIssuerChain(Collateral c, String chain) {
    return new Collateral(c.pckCrl(), c.pckCrlIssuerChain(), c.rootCaCrl(), c.tcbInfoJson(), chain,
        c.qeIdentityJson(), c.qeIdentityIssuerChain());
  }
}
