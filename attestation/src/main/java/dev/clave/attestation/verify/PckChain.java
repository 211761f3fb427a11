package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.collateral.PckCaType;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.pki.PemCertificates;
import dev.clave.attestation.pki.PkiException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A quote's PCK certificate chain whose signatures link up to a trusted root. Per platform, so the verifier
 * caches it by the certification data bytes. Revocation and validity depend on collateral and time and are
 * checked per quote.
 */
record PckChain(
    ParsedCertificate leaf,
    ParsedCertificate intermediate,
    TrustedRoot root,
    PckExtensions extensions,
    PckCaType caType,
    List<Validity> validity) {

  static PckChain verify(Bytes pemChain, List<TrustedRoot> roots, CertificateMemo memo) throws Refusal {
    List<byte[]> ders;
    try {
      ders = PemCertificates.decode(new String(pemChain.toByteArray(), StandardCharsets.US_ASCII), "PCK certificate chain");
    } catch (PkiException e) {
      throw new Refusal(ReasonCode.PCK_CHAIN_INVALID, e.getMessage());
    }
    if (ders.size() != 3) {
      throw new Refusal(
          ReasonCode.PCK_CHAIN_INVALID,
          "PCK certificate chain has " + ders.size() + " certificates, expected 3 (PCK, PCK CA, root)");
    }
    ParsedCertificate leaf = parse(memo, ders.get(0), "PCK certificate");
    ParsedCertificate intermediate = parse(memo, ders.get(1), "PCK CA certificate");
    ParsedCertificate chainRoot = parse(memo, ders.get(2), "root CA certificate");
    // Intel's verifier checks the roles by common name; a chain out of order fails here, clearly.
    requireCn(chainRoot, "SGX Root CA");
    requireCn(intermediate, "CA");
    requireCn(leaf, "SGX PCK Certificate");
    TrustedRoot root = matchRoot(chainRoot, roots);
    if (!intermediate.isCa() || !intermediate.isSignedBy(root.certificate())) {
      throw new Refusal(
          ReasonCode.PCK_CHAIN_INVALID,
          intermediate.description() + " is not a CA certificate signed by the " + root.name() + " root");
    }
    if (!leaf.isSignedBy(intermediate)) {
      throw new Refusal(
          ReasonCode.PCK_CHAIN_INVALID,
          leaf.description() + " is not signed by " + intermediate.description());
    }
    PckCaType caType = PckCaType.fromIssuerCommonName(intermediate.subjectCommonName());
    if (caType == null) {
      throw new Refusal(
          ReasonCode.PCK_CHAIN_INVALID,
          intermediate.description() + " is neither a PCK Processor CA nor a PCK Platform CA");
    }
    PckExtensions ext;
    try {
      ext = PckExtensions.of(leaf);
    } catch (PkiException e) {
      throw new Refusal(ReasonCode.PCK_EXTENSIONS_INVALID, e.getMessage());
    }
    List<Validity> validity =
        List.of(certValidity(leaf), certValidity(intermediate), certValidity(root.certificate()));
    return new PckChain(leaf, intermediate, root, ext, caType, validity);
  }

  static TrustedRoot matchRoot(ParsedCertificate chainRoot, List<TrustedRoot> roots) throws Refusal {
    for (TrustedRoot r : roots) {
      if (r.spki().equals(chainRoot.spki())) {
        return r;
      }
    }
    throw new Refusal(
        ReasonCode.PCK_CHAIN_UNTRUSTED,
        "the chain ends in \"" + chainRoot.subjectCommonName() + "\" (key SHA-256 "
            + Bytes.wrap(EcdsaP256.sha256(chainRoot.spki().toByteArray())).hex().substring(0, 16)
            + "…), which is not a trusted root (trusted: "
            + String.join(", ", roots.stream().map(TrustedRoot::toString).toList()) + ")");
  }

  private static ParsedCertificate parse(CertificateMemo memo, byte[] der, String what) throws Refusal {
    try {
      return memo.parse(der, what);
    } catch (PkiException e) {
      throw new Refusal(ReasonCode.PCK_CHAIN_INVALID, e.getMessage());
    }
  }

  private static void requireCn(ParsedCertificate cert, String fragment) throws Refusal {
    if (!cert.subjectCommonName().contains(fragment)) {
      throw new Refusal(
          ReasonCode.PCK_CHAIN_INVALID,
          cert.description() + ": common name does not contain \"" + fragment + "\"");
    }
  }

  static Validity certValidity(ParsedCertificate cert) {
    return new Validity(cert.description(), "notAfter", cert.notBefore(), cert.notAfter());
  }
}
