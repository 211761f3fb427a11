package dev.clave.attestation.verify;

import dev.clave.attestation.collateral.Collateral;
import dev.clave.attestation.collateral.CollateralFormatException;
import dev.clave.attestation.collateral.EnclaveIdentity;
import dev.clave.attestation.collateral.SignedDocument;
import dev.clave.attestation.collateral.TcbInfo;
import dev.clave.attestation.collateral.TcbLevel;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.ParsedCrl;
import dev.clave.attestation.pki.PemCertificates;
import dev.clave.attestation.pki.PkiException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A collateral set whose every signature was checked against one trusted root: CRLs, issuer chains, TCB
 * info and QE identity. What remains per quote is matching them to the quote and checking time.
 */
record VerifiedCollateral(
    TrustedRoot root,
    ParsedCrl rootCrl,
    ParsedCrl pckCrl,
    ParsedCertificate pckCrlIssuer,
    TcbInfo tcbInfo,
    List<TcbLevel> tcbLevelsHighestFirst,
    EnclaveIdentity qeIdentity,
    List<Validity> validity) {

  /** QVL's order: lexicographic on SGX components, then PCESVN, then TDX components, highest first. */
  private static final Comparator<TcbLevel> HIGHEST_FIRST =
      Comparator.<TcbLevel, byte[]>comparing(l -> l.sgxComponents().toByteArray(), java.util.Arrays::compareUnsigned)
          .thenComparingInt(TcbLevel::pceSvn)
          .thenComparing(
              l -> l.tdxComponents() == null ? new byte[0] : l.tdxComponents().toByteArray(),
              java.util.Arrays::compareUnsigned)
          .reversed();

  static VerifiedCollateral verify(Collateral c, TrustedRoot root, CertificateMemo memo) throws Refusal {
    List<Validity> validity = new ArrayList<>();

    ParsedCrl rootCrl = crl(c.rootCaCrl().toByteArray(), "root CA CRL");
    if (!rootCrl.isSignedBy(root.certificate())) {
      throw new Refusal(
          ReasonCode.CRL_SIGNATURE_INVALID, "the root CA CRL is not signed by the " + root.name() + " root");
    }
    validity.add(crlValidity(rootCrl));

    ParsedCertificate pckCa = issuerChain(c.pckCrlIssuerChain(), "PCK CRL issuer chain", "PCK CA certificate", root, memo);
    if (!pckCa.isCa()) {
      throw new Refusal(ReasonCode.COLLATERAL_INVALID, "PCK CRL issuer chain: " + pckCa.description() + " is not a CA");
    }
    requireNotRevoked(rootCrl, pckCa, ReasonCode.INTERMEDIATE_CA_REVOKED);
    validity.add(PckChain.certValidity(pckCa));
    ParsedCrl pckCrl = crl(c.pckCrl().toByteArray(), "PCK CRL");
    if (!pckCrl.isSignedBy(pckCa)) {
      throw new Refusal(
          ReasonCode.CRL_SIGNATURE_INVALID, "the PCK CRL is not signed by " + pckCa.description());
    }
    validity.add(crlValidity(pckCrl));

    SignedDocument<TcbInfo> tcbInfo;
    SignedDocument<EnclaveIdentity> qeIdentity;
    try {
      tcbInfo = TcbInfo.parse(c.tcbInfoJson());
      qeIdentity = EnclaveIdentity.parse(c.qeIdentityJson());
    } catch (CollateralFormatException e) {
      throw new Refusal(ReasonCode.COLLATERAL_INVALID, e.getMessage());
    }
    ParsedCertificate tcbSigner =
        signedDocumentSigner(c.tcbInfoIssuerChain(), "TCB info issuer chain", root, rootCrl, validity, memo);
    if (!EcdsaP256.verifyRaw(tcbSigner.publicKey(), tcbInfo.signedBytes().toByteArray(), tcbInfo.signature())) {
      throw new Refusal(
          ReasonCode.TCB_INFO_SIGNATURE_INVALID,
          "the TCB info signature does not verify with the key of " + tcbSigner.description());
    }
    ParsedCertificate qeSigner =
        signedDocumentSigner(c.qeIdentityIssuerChain(), "QE identity issuer chain", root, rootCrl, validity, memo);
    if (!EcdsaP256.verifyRaw(qeSigner.publicKey(), qeIdentity.signedBytes().toByteArray(), qeIdentity.signature())) {
      throw new Refusal(
          ReasonCode.QE_IDENTITY_SIGNATURE_INVALID,
          "the QE identity signature does not verify with the key of " + qeSigner.description());
    }
    TcbInfo info = tcbInfo.value();
    EnclaveIdentity qe = qeIdentity.value();
    validity.add(new Validity("TCB info (FMSPC " + info.fmspc().hexUpper() + ")", "nextUpdate", info.issueDate(), info.nextUpdate()));
    validity.add(new Validity("QE identity (" + qe.id() + ")", "nextUpdate", qe.issueDate(), qe.nextUpdate()));

    List<TcbLevel> sorted = new ArrayList<>(info.tcbLevels());
    sorted.sort(HIGHEST_FIRST);
    return new VerifiedCollateral(root, rootCrl, pckCrl, pckCa, info, List.copyOf(sorted), qe, List.copyOf(validity));
  }

  private static ParsedCertificate signedDocumentSigner(
      String chainPem, String what, TrustedRoot root, ParsedCrl rootCrl, List<Validity> validity, CertificateMemo memo)
      throws Refusal {
    ParsedCertificate signer = issuerChain(chainPem, what, "TCB signing certificate", root, memo);
    if (!signer.subjectCommonName().contains("SGX TCB Signing")) {
      throw new Refusal(
          ReasonCode.COLLATERAL_INVALID,
          what + ": " + signer.description() + " is not a TCB signing certificate");
    }
    requireNotRevoked(rootCrl, signer, ReasonCode.TCB_SIGNING_CERT_REVOKED);
    validity.add(PckChain.certValidity(signer));
    return signer;
  }

  /** An issuer chain is "certificate, root": the certificate must be signed by the trusted root. */
  private static ParsedCertificate issuerChain(
      String pem, String what, String firstWhat, TrustedRoot root, CertificateMemo memo) throws Refusal {
    List<byte[]> ders;
    try {
      ders = PemCertificates.decode(pem, what);
    } catch (PkiException e) {
      throw new Refusal(ReasonCode.COLLATERAL_INVALID, e.getMessage());
    }
    if (ders.size() != 2) {
      throw new Refusal(
          ReasonCode.COLLATERAL_INVALID, what + " has " + ders.size() + " certificates, expected 2 (issuer, root)");
    }
    ParsedCertificate cert;
    ParsedCertificate chainRoot;
    try {
      cert = memo.parse(ders.get(0), firstWhat);
      chainRoot = memo.parse(ders.get(1), what + " root");
    } catch (PkiException e) {
      throw new Refusal(ReasonCode.COLLATERAL_INVALID, what + ": " + e.getMessage());
    }
    if (!chainRoot.spki().equals(root.spki())) {
      throw new Refusal(
          ReasonCode.COLLATERAL_INVALID,
          what + " ends in \"" + chainRoot.subjectCommonName() + "\", not in the " + root.name()
              + " root the PCK chain reached");
    }
    if (!cert.isSignedBy(root.certificate())) {
      throw new Refusal(
          ReasonCode.COLLATERAL_INVALID, what + ": " + cert.description() + " is not signed by the " + root.name() + " root");
    }
    return cert;
  }

  static void requireNotRevoked(ParsedCrl crl, ParsedCertificate cert, ReasonCode reason) throws Refusal {
    Instant revokedAt = crl.revocationDate(cert.serial());
    if (revokedAt != null && crl.issuer().equals(cert.issuer())) {
      throw new Refusal(
          reason,
          cert.description() + " (serial " + cert.serial().toString(16) + ") is revoked since " + revokedAt
              + " by the " + crl.what() + " issued " + crl.thisUpdate());
    }
  }

  private static ParsedCrl crl(byte[] der, String what) throws Refusal {
    try {
      return ParsedCrl.parse(der, what);
    } catch (PkiException e) {
      throw new Refusal(ReasonCode.COLLATERAL_INVALID, e.getMessage());
    }
  }

  private static Validity crlValidity(ParsedCrl crl) {
    return new Validity(crl.what() + " issued by \"" + crl.issuerCommonName() + "\"", "nextUpdate", crl.thisUpdate(), crl.nextUpdate());
  }
}
