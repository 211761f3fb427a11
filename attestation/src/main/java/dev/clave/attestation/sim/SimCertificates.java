package dev.clave.attestation.sim;

import dev.clave.attestation.pki.EcdsaP256;
import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;

/**
 * Certificates and CRLs of the simulated PKI, shaped like Intel's: the same common names (Intel's
 * verifier and Clave's check them by substring), P-256 keys, ecdsa-with-SHA256, the same extensions. The
 * organization names say "Clave Simulation", so no one mistakes them for Intel's.
 */
final class SimCertificates {
  static final String ORGANIZATION = "Clave Simulation";
  static final String ORGANIZATIONAL_UNIT = "Simulated SGX/TDX attestation root, not Intel";

  static final X500Name ROOT_CA = name("Intel SGX Root CA");
  static final X500Name PCK_PLATFORM_CA = name("Intel SGX PCK Platform CA");
  static final X500Name TCB_SIGNING = name("Intel SGX TCB Signing");
  static final X500Name PCK_CERTIFICATE = name("Intel SGX PCK Certificate");

  /** Distribution points in the reserved .invalid domain: nothing should ever fetch them. */
  static final String ROOT_CRL_URL = "https://certificates.simulation.clave.invalid/ClaveSimRootCA.der";
  static final String PCK_CRL_URL =
      "https://api.simulation.clave.invalid/sgx/certification/v4/pckcrl?ca=platform&encoding=der";

  /** Certificates start this much before their issue time, so a verifier whose clock lags still accepts. */
  static final long BACKDATE_SECONDS = 3600;

  private static final int SERIAL_BYTES = 20;
  private static final int KEY_ID_BYTES = 20;

  /** What a certificate is for: decides basic constraints and key usage. */
  enum Role {
    ROOT_CA,
    INTERMEDIATE_CA,
    END_ENTITY
  }

  private SimCertificates() {}

  static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, commonName)
        .addRDN(BCStyle.OU, ORGANIZATIONAL_UNIT)
        .addRDN(BCStyle.O, ORGANIZATION)
        .build();
  }

  /** A positive 160-bit serial, like Intel's. */
  static BigInteger newSerial(SecureRandom random) {
    byte[] b = new byte[SERIAL_BYTES];
    do {
      random.nextBytes(b);
      b[0] &= 0x7f;
    } while (new BigInteger(1, b).signum() == 0);
    return new BigInteger(1, b);
  }

  /** Subject/authority key identifier: the first 20 bytes of SHA-256 over the public key bits. */
  static byte[] keyId(SubjectPublicKeyInfo spki) {
    return Arrays.copyOf(EcdsaP256.sha256(spki.getPublicKeyData().getBytes()), KEY_ID_BYTES);
  }

  static Instant seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS);
  }

  /**
   * Issues a certificate.
   *
   * @param extra further extensions (OID to non-critical value), e.g. the PCK SGX extension
   */
  static X509CertificateHolder issue(
      X500Name subject,
      SimKey subjectKey,
      X500Name issuer,
      SimKey issuerKey,
      BigInteger serial,
      Instant notBefore,
      Instant notAfter,
      Role role,
      String crlUrl,
      Map<ASN1ObjectIdentifier, ASN1Encodable> extra) {
    SubjectPublicKeyInfo spki = subjectKey.subjectPublicKeyInfo();
    X509v3CertificateBuilder b =
        new X509v3CertificateBuilder(
            issuer,
            serial,
            Date.from(seconds(notBefore)),
            Date.from(seconds(notAfter)),
            subject,
            spki);
    try {
      b.addExtension(
          Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(issuerKey.subjectPublicKeyInfo())));
      if (crlUrl != null) {
        b.addExtension(Extension.cRLDistributionPoints, false, distributionPoint(crlUrl));
      }
      b.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId(spki)));
      switch (role) {
        case ROOT_CA -> {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
        }
        case INTERMEDIATE_CA -> {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        }
        case END_ENTITY -> {
          b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
          b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        }
      }
      for (Map.Entry<ASN1ObjectIdentifier, ASN1Encodable> e : extra.entrySet()) {
        b.addExtension(e.getKey(), false, e.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a certificate extension", e);
    }
    return b.build(issuerKey.contentSigner());
  }

  /**
   * Issues an X.509 v2 CRL with the CRL number and authority key identifier Intel's verifier requires;
   * every listed serial is revoked for key compromise, as Intel's entries are.
   */
  static byte[] crl(
      X500Name issuer,
      SimKey issuerKey,
      Instant thisUpdate,
      Instant nextUpdate,
      Iterable<BigInteger> revokedSerials,
      Instant revokedAt) {
    X509v2CRLBuilder b = new X509v2CRLBuilder(issuer, Date.from(seconds(thisUpdate)));
    b.setNextUpdate(Date.from(seconds(nextUpdate)));
    for (BigInteger serial : revokedSerials) {
      b.addCRLEntry(serial, Date.from(seconds(revokedAt)), CRLReason.keyCompromise);
    }
    try {
      // The issue time in seconds: a CRL number that grows with every CRL this root issues.
      b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(seconds(thisUpdate).getEpochSecond())));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(keyId(issuerKey.subjectPublicKeyInfo())));
      return b.build(issuerKey.contentSigner()).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a CRL", e);
    }
  }

  private static CRLDistPoint distributionPoint(String url) {
    GeneralNames names = new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, url));
    return new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(new DistributionPointName(names), null, null)});
  }

  static byte[] der(X509CertificateHolder cert) {
    try {
      return cert.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }
}
