package dev.clave.attestation.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** A DER X.509 v2 CRL of the DCAP PKI (root CA CRL or PCK CRL), decoded once. */
public final class ParsedCrl {
  private final String what;
  private final byte[] tbs;
  private final byte[] signature;
  private final X500Name issuer;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final Map<BigInteger, Instant> revoked;

  private ParsedCrl(byte[] der, String what) throws PkiException {
    this.what = what;
    CertificateList crl;
    try {
      crl = CertificateList.getInstance(ASN1Primitive.fromByteArray(der));
      this.tbs = crl.getTBSCertList().getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new PkiException(what + " is not a DER X.509 CRL");
    }
    if (!X9ObjectIdentifiers.ecdsa_with_SHA256.equals(crl.getSignatureAlgorithm().getAlgorithm())) {
      throw new PkiException(what + " is not signed with ecdsa-with-SHA256");
    }
    TBSCertList tbsList = crl.getTBSCertList();
    this.signature = crl.getSignature().getOctets();
    this.issuer = tbsList.getIssuer();
    this.thisUpdate = tbsList.getThisUpdate().getDate().toInstant();
    if (tbsList.getNextUpdate() == null) {
      throw new PkiException(what + " has no nextUpdate, so its freshness cannot be judged");
    }
    this.nextUpdate = tbsList.getNextUpdate().getDate().toInstant();
    Extensions ext = tbsList.getExtensions();
    // Intel's verifier requires these; a CRL without them is not one Intel (or our simulation) issued.
    if (ext == null
        || ext.getExtension(Extension.cRLNumber) == null
        || ext.getExtension(Extension.authorityKeyIdentifier) == null) {
      throw new PkiException(what + " lacks the CRL number or authority key identifier extension");
    }
    Map<BigInteger, Instant> entries = new HashMap<>();
    for (TBSCertList.CRLEntry entry : tbsList.getRevokedCertificates()) {
      entries.put(entry.getUserCertificate().getValue(), entry.getRevocationDate().getDate().toInstant());
    }
    this.revoked = Map.copyOf(entries);
  }

  public static ParsedCrl parse(byte[] der, String what) throws PkiException {
    return new ParsedCrl(der, what);
  }

  /** True when the names link up and {@code issuerCert}'s key signed this CRL. */
  public boolean isSignedBy(ParsedCertificate issuerCert) {
    return issuer.equals(issuerCert.subject()) && EcdsaP256.verifyDer(issuerCert.publicKey(), tbs, signature);
  }

  /** The revocation date of {@code serial}, or null when it is not listed. */
  public Instant revocationDate(BigInteger serial) {
    return revoked.get(serial);
  }

  public int size() {
    return revoked.size();
  }

  public X500Name issuer() {
    return issuer;
  }

  public String issuerCommonName() {
    return ParsedCertificate.commonName(issuer);
  }

  public Instant thisUpdate() {
    return thisUpdate;
  }

  public Instant nextUpdate() {
    return nextUpdate;
  }

  public String what() {
    return what;
  }
}
