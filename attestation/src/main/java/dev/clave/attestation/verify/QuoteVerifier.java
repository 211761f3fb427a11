package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.TcbStatus;
import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralException;
import dev.clave.attestation.collateral.CollateralFormatException;
import dev.clave.attestation.collateral.CollateralRequest;
import dev.clave.attestation.collateral.CollateralSource;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.P256PublicKey;
import dev.clave.attestation.pki.PkiException;
import dev.clave.attestation.quote.CertificationData;
import dev.clave.attestation.quote.EnclaveReport;
import dev.clave.attestation.quote.Quote;
import dev.clave.attestation.quote.QuoteFormatException;
import dev.clave.attestation.quote.QuoteHeader;
import dev.clave.attestation.quote.QuoteSignatureData;
import dev.clave.attestation.quote.ReportBody;
import dev.clave.attestation.quote.TeeType;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies DCAP quotes following Intel's algorithm (QVL), fail-closed. Thread-safe. It caches what is
 * per platform (verified PCK chains, decoded attestation keys) and per collateral set (verified CRLs,
 * TCB info, QE identity), so a repeat quote from a known platform costs its two ECDSA verifications.
 *
 * <p>Beyond QVL: expired or not-yet-valid collateral refuses (QVL only flags it), a final TCB status of
 * Revoked refuses, bytes 32..63 of the QE report data must be zero, and trailing bytes must be zero.
 */
public final class QuoteVerifier {
  /** Caches are cleared when they grow past this: a bound against memory growth, not an LRU. */
  private static final int MAX_CACHE_ENTRIES = 4096;

  private final List<TrustedRoot> roots;
  private final CollateralSource collateralSource;
  private final Map<Bytes, Object> chains = new ConcurrentHashMap<>();
  private final Map<CollateralKey, Object> collaterals = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder collateralHits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder collateralMisses = new java.util.concurrent.atomic.LongAdder();
  private final Map<Bytes, P256PublicKey> attestationKeys = new ConcurrentHashMap<>();
  private final CertificateMemo certificates;

  private record CollateralKey(Collateral collateral, String root) {}

  /**
   * QE report signatures that verified: a platform's QE report (and so its signature) is the same in every
   * quote its attestation key makes, so a repeat quote skips one of its two signature checks.
   */
  private final Map<QeReportCheck, Boolean> qeReports = new ConcurrentHashMap<>();

  private record QeReportCheck(P256PublicKey pckKey, Bytes report, Bytes signature) {}

  private QuoteVerifier(Builder b) {
    this.roots = List.copyOf(b.roots);
    this.collateralSource = Objects.requireNonNull(b.collateralSource, "collateralSource");
    this.certificates = new CertificateMemo(roots);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The roots this verifier trusts, Intel's first. */
  public List<TrustedRoot> trustedRoots() {
    return roots;
  }

  /** Verifies {@code quote} as of {@code at}; never throws for bad input, the verdict says why. */
  public Verdict verify(byte[] quote, Instant at) {
    Objects.requireNonNull(quote, "quote");
    Objects.requireNonNull(at, "at");
    Draft d = new Draft();
    try {
      return run(quote, at, d);
    } catch (Refusal r) {
      return d.refused(r);
    }
  }

  private Verdict run(byte[] bytes, Instant at, Draft d) throws Refusal {
    Quote quote;
    try {
      quote = Quote.parse(bytes);
    } catch (QuoteFormatException e) {
      throw new Refusal(ReasonCode.MALFORMED_QUOTE, "malformed quote: " + e.getMessage());
    }
    QuoteSignatureData sig = quote.signatureData();
    d.quoteVersion = quote.version();
    d.teeType = quote.teeType();
    d.body = quote.body();
    d.platformId = Bytes.wrap(sha256(sig.attestationKey()));

    if (!quote.header().qeVendorId().equals(QuoteHeader.INTEL_QE_VENDOR_ID)) {
      throw new Refusal(
          ReasonCode.UNSUPPORTED_QUOTE_FORMAT,
          "QE vendor ID " + quote.header().qeVendorId().hexUpper() + " is not Intel's quoting enclave");
    }
    CertificationData cert = sig.certificationData();
    if (cert.type() != CertificationData.PCK_CERT_CHAIN) {
      throw new Refusal(
          ReasonCode.UNSUPPORTED_QUOTE_FORMAT,
          "certification data type " + cert.type() + " carries no PCK certificate chain (type 5); "
              + "such quotes need a PCCS lookup, which Clave does not do");
    }

    // Decoded first, as QVL does at parse time: an off-curve key is malformed, whatever else holds.
    P256PublicKey ak = attestationKey(sig.attestationKey());
    PckChain chain = chain(cert.data());
    d.root = chain.root().name();
    d.fmspc = chain.extensions().fmspc();

    VerifiedCollateral vc = collateral(new CollateralRequest(quote.teeType(), chain.extensions().fmspc(), chain.caType()), chain.root());
    checkRevocation(chain, vc);
    checkCollateralMatches(quote, chain, vc);

    // QVL 4.1.2.4.12-13: the PCK key vouches for the QE, the QE for the attestation key.
    EnclaveReport qe = sig.qeReport();
    P256PublicKey pck = chain.leaf().publicKey();
    QeReportCheck check = new QeReportCheck(pck, qe.raw(), sig.qeReportSignature());
    if (qeReports.get(check) == null) {
      if (!EcdsaP256.verifyRaw(pck, qe.raw().toByteArray(), sig.qeReportSignature())) {
        throw new Refusal(
            ReasonCode.QE_REPORT_SIGNATURE_INVALID, "the QE report signature does not verify with the PCK key");
      }
      putBounded(qeReports, check, Boolean.TRUE);
    }
    checkQeReportData(sig);

    TcbEvaluation.qeLevel(qe, vc.qeIdentity()); // identity mismatch refuses before the quote signature is judged
    if (!EcdsaP256.verifyRaw(ak, quote.signedBytes().toByteArray(), sig.quoteSignature())) {
      throw new Refusal(
          ReasonCode.QUOTE_SIGNATURE_INVALID, "the quote signature does not verify with the attestation key");
    }

    TcbEvaluation tcb = TcbEvaluation.evaluate(quote, chain.extensions(), vc);
    d.tcbStatus = tcb.status();
    d.qeTcbStatus = tcb.qeStatus();
    d.tcbDate = tcb.tcbDate();
    d.advisoryIds = tcb.advisoryIds();

    checkTime(at, chain, vc, d);
    if (tcb.status() == TcbStatus.REVOKED) {
      throw new Refusal(
          ReasonCode.TCB_REVOKED,
          "the platform's TCB level is Revoked (TCB date " + tcb.tcbDate() + "; QE " + tcb.qeStatus() + ")");
    }
    return d.verified(describe(chain, tcb));
  }

  private PckChain chain(Bytes pem) throws Refusal {
    return memoized(chains, pem, () -> PckChain.verify(pem, roots, certificates));
  }

  /** A step done once per key: its result or its refusal (both deterministic in the key) is kept. */
  private interface Step<T> {
    T run() throws Refusal;
  }

  @SuppressWarnings("unchecked")
  private static <K, T> T memoized(Map<K, Object> cache, K key, Step<T> step) throws Refusal {
    Object cached = cache.get(key);
    if (cached == null) {
      try {
        cached = step.run();
      } catch (Refusal r) {
        cached = r;
      }
      putBounded(cache, key, cached);
    }
    if (cached instanceof Refusal r) {
      throw r;
    }
    return (T) cached;
  }

  private VerifiedCollateral collateral(CollateralRequest request, TrustedRoot root) throws Refusal {
    Collateral c;
    try {
      c = collateralSource.fetch(request);
    } catch (CollateralFormatException e) {
      throw new Refusal(ReasonCode.COLLATERAL_INVALID, e.getMessage());
    } catch (CollateralException e) {
      throw new Refusal(ReasonCode.COLLATERAL_UNAVAILABLE, e.getMessage());
    }
    CollateralKey key = new CollateralKey(c, root.name());
    (collaterals.containsKey(key) ? collateralHits : collateralMisses).increment();
    return memoized(collaterals, key, () -> VerifiedCollateral.verify(c, root, certificates));
  }

  /**
   * How often a quote's collateral had been verified before (a hit: its signatures, chain and CRLs are not
   * checked again) or not (a miss), since this verifier was built. For metrics.
   */
  public record CollateralCacheStats(long hits, long misses) {}

  public CollateralCacheStats collateralCacheStats() {
    return new CollateralCacheStats(collateralHits.sum(), collateralMisses.sum());
  }

  private P256PublicKey attestationKey(Bytes raw) throws Refusal {
    P256PublicKey key = attestationKeys.get(raw);
    if (key == null) {
      try {
        key = EcdsaP256.rawPublicKey(raw);
      } catch (PkiException e) {
        throw new Refusal(ReasonCode.INVALID_ATTESTATION_KEY, "the quote's attestation key: " + e.getMessage());
      }
      putBounded(attestationKeys, raw, key);
    }
    return key;
  }

  private static <K, V> void putBounded(Map<K, V> map, K key, V value) {
    if (map.size() >= MAX_CACHE_ENTRIES) {
      map.clear();
    }
    map.put(key, value);
  }

  /** QVL 4.1.2.4.6-7 and the PCK chain half of A.6: nothing in the chain is revoked. */
  private static void checkRevocation(PckChain chain, VerifiedCollateral vc) throws Refusal {
    if (!vc.pckCrl().issuer().equals(chain.leaf().issuer())) {
      throw new Refusal(
          ReasonCode.COLLATERAL_INVALID,
          "the PCK CRL is issued by \"" + vc.pckCrl().issuerCommonName() + "\" but the PCK certificate by \""
              + chain.leaf().issuerCommonName() + "\"");
    }
    VerifiedCollateral.requireNotRevoked(vc.pckCrl(), chain.leaf(), ReasonCode.PCK_REVOKED);
    VerifiedCollateral.requireNotRevoked(vc.rootCrl(), chain.intermediate(), ReasonCode.INTERMEDIATE_CA_REVOKED);
  }

  /** QVL 4.1.2.4.9-10: the collateral is for this TEE and this platform. */
  private static void checkCollateralMatches(Quote quote, PckChain chain, VerifiedCollateral vc) throws Refusal {
    TeeType tee = quote.teeType();
    var info = vc.tcbInfo();
    if (!info.id().equals(tee.tcbInfoId()) || (tee == TeeType.TDX && info.version() < 3)) {
      throw new Refusal(
          ReasonCode.TCB_INFO_MISMATCH,
          "the TCB info is " + info.id() + " version " + info.version() + ", not for a " + tee + " quote");
    }
    if (!info.fmspc().equals(chain.extensions().fmspc())) {
      throw new Refusal(
          ReasonCode.TCB_INFO_MISMATCH,
          "the TCB info is for FMSPC " + info.fmspc().hexUpper() + " but the PCK certificate has FMSPC "
              + chain.extensions().fmspc().hexUpper());
    }
    if (!info.pceId().equals(chain.extensions().pceId())) {
      throw new Refusal(
          ReasonCode.TCB_INFO_MISMATCH,
          "the TCB info is for PCE-ID " + info.pceId().hexUpper() + " but the PCK certificate has PCE-ID "
              + chain.extensions().pceId().hexUpper());
    }
    String qeId = vc.qeIdentity().id();
    if (!qeId.equals(tee.qeIdentityId())) {
      throw new Refusal(
          ReasonCode.QE_IDENTITY_MISMATCH,
          "the QE identity is for " + qeId + ", a " + tee + " quote needs " + tee.qeIdentityId());
    }
  }

  /** QVL 4.1.2.4.13, stricter: SHA-256(attestation key ‖ QE auth data) followed by 32 zero bytes. */
  private static void checkQeReportData(QuoteSignatureData sig) throws Refusal {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      sig.attestationKey().updateDigest(md);
      sig.qeAuthData().updateDigest(md);
      Bytes expected = Bytes.wrap(md.digest());
      Bytes reportData = sig.qeReport().reportData();
      if (!reportData.slice(0, 32).constantTimeEquals(expected) || !reportData.slice(32, 32).isAllZero()) {
        throw new Refusal(
            ReasonCode.QE_REPORT_DATA_MISMATCH,
            "the QE report data is not SHA-256(attestation key ‖ QE authentication data) followed by zeros: "
                + "the attestation key or authentication data is not the one the QE certified");
      }
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static void checkTime(Instant at, PckChain chain, VerifiedCollateral vc, Draft d) throws Refusal {
    Instant notAfter = Instant.MAX;
    Refusal first = null;
    List<Validity> all = new ArrayList<>(chain.validity());
    all.addAll(vc.validity());
    for (Validity v : all) {
      if (v.until().isBefore(notAfter)) {
        notAfter = v.until();
      }
      if (first == null) {
        first = v.check(at);
      }
    }
    d.collateralNotAfter = notAfter;
    if (first != null) {
      throw first;
    }
  }

  private static String describe(PckChain chain, TcbEvaluation tcb) {
    StringBuilder sb = new StringBuilder("quote verified against the ").append(chain.root().name()).append(" root")
        .append("; platform TCB ").append(tcb.status()).append(" (level of ").append(tcb.tcbDate()).append(')');
    if (!tcb.advisoryIds().isEmpty()) {
      sb.append(", advisories ").append(String.join(", ", tcb.advisoryIds()));
    }
    return sb.append("; QE ").append(tcb.qeStatus()).toString();
  }

  private static byte[] sha256(Bytes b) {
    return EcdsaP256.sha256(b.toByteArray());
  }

  /** What is known so far, so a refusal reports everything learnt before it. */
  private static final class Draft {
    String root;
    TcbStatus tcbStatus;
    List<String> advisoryIds = List.of();
    Instant tcbDate;
    TcbStatus qeTcbStatus;
    int quoteVersion;
    TeeType teeType;
    Bytes fmspc;
    ReportBody body;
    Bytes platformId;
    Instant collateralNotAfter;

    Verdict verified(String message) {
      return build(true, null, message);
    }

    Verdict refused(Refusal r) {
      return build(false, r.reason(), r.getMessage());
    }

    private Verdict build(boolean ok, ReasonCode reason, String message) {
      return new Verdict(ok, root, tcbStatus, advisoryIds, tcbDate, qeTcbStatus, quoteVersion, teeType, fmspc, body,
          platformId, collateralNotAfter, reason, message);
    }
  }

  public static final class Builder {
    private final List<TrustedRoot> roots = new ArrayList<>();
    private CollateralSource collateralSource;

    private Builder() {
      roots.add(TrustedRoot.intel());
    }

    /** Trusts one more root (e.g. a simulation root). Intel's root is always trusted. */
    public Builder trustRoot(TrustedRoot root) {
      Objects.requireNonNull(root, "root");
      if (roots.stream().noneMatch(r -> r.spki().equals(root.spki()))) {
        roots.add(root);
      }
      return this;
    }

    public Builder collateralSource(CollateralSource source) {
      this.collateralSource = source;
      return this;
    }

    public QuoteVerifier build() {
      return new QuoteVerifier(this);
    }
  }
}
