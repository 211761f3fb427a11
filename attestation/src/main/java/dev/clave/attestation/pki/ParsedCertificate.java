package dev.clave.attestation.pki;

import dev.clave.attestation.Bytes;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * An X.509 certificate of the DCAP PKI, decoded once: every key is P-256 and every signature
 * ecdsa-with-SHA256, so anything else is refused at parse time rather than half-supported.
 */
public final class ParsedCertificate {
  private static final ASN1ObjectIdentifier ECDSA_WITH_SHA256 = X9ObjectIdentifiers.ecdsa_with_SHA256;

  private final Bytes der;
  private final byte[] tbs;
  private final byte[] signature;
  private final X500Name subject;
  private final X500Name issuer;
  private final BigInteger serial;
  private final Instant notBefore;
  private final Instant notAfter;
  private final Bytes spki;
  private final P256PublicKey publicKey;
  private final Extensions extensions;
  private final String description;
  // The issuer key this certificate's signature verified under: a chain seen again (the same certificate
  // object, from a verifier's memo) is not verified twice. Only a success is remembered, for that key object.
  private volatile P256PublicKey verifiedIssuerKey;

  private ParsedCertificate(byte[] derBytes, String what) throws PkiException {
    Certificate cert;
    try {
      cert = Certificate.getInstance(ASN1Primitive.fromByteArray(derBytes));
      this.tbs = cert.getTBSCertificate().getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new PkiException(what + " is not a DER X.509 certificate");
    }
    this.der = Bytes.of(derBytes);
    this.subject = cert.getSubject();
    this.issuer = cert.getIssuer();
    this.serial = cert.getSerialNumber().getValue();
    this.description = what + " \"" + commonName(subject) + "\"";
    requireEcdsaSha256(cert.getSignatureAlgorithm());
    requireEcdsaSha256(cert.getTBSCertificate().getSignature());
    this.signature = cert.getSignature().getOctets();
    this.notBefore = cert.getStartDate().getDate().toInstant();
    this.notAfter = cert.getEndDate().getDate().toInstant();
    SubjectPublicKeyInfo info = cert.getSubjectPublicKeyInfo();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())
        || !X9ObjectIdentifiers.prime256v1.equals(info.getAlgorithm().getParameters())) {
      throw new PkiException(description + " does not have a P-256 public key");
    }
    try {
      this.spki = Bytes.wrap(info.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new PkiException(description + " has an unencodable public key");
    }
    this.publicKey = EcdsaP256.uncompressedPublicKey(info.getPublicKeyData().getOctets());
    this.extensions = cert.getTBSCertificate().getExtensions();
  }

  /** Parses a DER certificate; {@code what} names it in errors ("PCK certificate"). */
  public static ParsedCertificate parse(byte[] der, String what) throws PkiException {
    return new ParsedCertificate(der, what);
  }

  private void requireEcdsaSha256(AlgorithmIdentifier alg) throws PkiException {
    if (!ECDSA_WITH_SHA256.equals(alg.getAlgorithm())) {
      throw new PkiException(
          description + " is signed with " + alg.getAlgorithm().getId() + ", expected ecdsa-with-SHA256");
    }
  }

  /** True when {@code issuerCert}'s key signed this certificate and the names link up. */
  public boolean isSignedBy(ParsedCertificate issuerCert) {
    return issuer.equals(issuerCert.subject) && isSignedBy(issuerCert.publicKey);
  }

  public boolean isSignedBy(P256PublicKey key) {
    if (key == verifiedIssuerKey) {
      return true;
    }
    boolean ok = EcdsaP256.verifyDer(key, tbs, signature);
    if (ok) {
      verifiedIssuerKey = key;
    }
    return ok;
  }

  /** True when basic constraints mark this certificate as a CA. */
  public boolean isCa() {
    if (extensions == null) {
      return false;
    }
    BasicConstraints bc = BasicConstraints.fromExtensions(extensions);
    return bc != null && bc.isCA();
  }

  public Extension extension(ASN1ObjectIdentifier oid) {
    return extensions == null ? null : extensions.getExtension(oid);
  }

  public Bytes der() {
    return der;
  }

  public X500Name subject() {
    return subject;
  }

  public X500Name issuer() {
    return issuer;
  }

  public String subjectCommonName() {
    return commonName(subject);
  }

  public String issuerCommonName() {
    return commonName(issuer);
  }

  public BigInteger serial() {
    return serial;
  }

  public Instant notBefore() {
    return notBefore;
  }

  public Instant notAfter() {
    return notAfter;
  }

  /** The DER SubjectPublicKeyInfo: what roots are pinned by. */
  public Bytes spki() {
    return spki;
  }

  public P256PublicKey publicKey() {
    return publicKey;
  }

  /** E.g. {@code PCK certificate "Intel SGX PCK Certificate"}, for messages. */
  public String description() {
    return description;
  }

  static String commonName(X500Name name) {
    RDN[] rdns = name.getRDNs(BCStyle.CN);
    return rdns.length == 0 ? "" : IETFUtils.valueToString(rdns[0].getFirst().getValue());
  }
}
