package dev.clave.policy.secrets;

import dev.clave.policy.secrets.SecretSpec.Endpoint;
import dev.clave.policy.secrets.SecretSpec.SubjectAltName;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Issues the X.509 v3 certificates of {@code x509} and {@code x509-ca} secrets.
 *
 * <p>Profile (RFC 5280): subject = one CN; SANs dNSName/iPAddress as listed; a random positive 127-bit
 * serial; validity from one hour before {@code now} (tolerates clock skew between CAS and the services
 * checking the certificate) to {@code now + validFor}, cut at the issuer's own notAfter (a certificate cannot
 * usefully outlive its issuer); critical basicConstraints (CA:true without path length for CAs, CA:false
 * for leaves); critical keyUsage (CAs: keyCertSign, cRLSign; leaves: digitalSignature, and keyEncipherment
 * for RSA keys); extendedKeyUsage serverAuth or clientAuth when an {@code endpoint} is given (leaves only);
 * subject key identifier = SHA-1 of the subjectPublicKey bits (RFC 5280 §4.2.1.2 method 1); authority key
 * identifier = the issuer's subject key identifier. The signature algorithm follows the issuer's key: P-256
 * SHA256withECDSA, P-384 SHA384withECDSA, Ed25519, RSA SHA256withRSA (PKCS#1 v1.5).
 */
final class CertificateIssuer {
  /** Before {@code now}, so that a service whose clock is a little behind still accepts a new certificate. */
  static final Duration BACKDATE = Duration.ofHours(1);

  private CertificateIssuer() {}

  /**
   * What to certify.
   *
   * @param issuer the issuing CA certificate with its private key, or null for a self-signed certificate
   */
  record Request(
      String commonName,
      List<SubjectAltName> subjectAltNames,
      boolean ca,
      Endpoint endpoint,
      SecretValue.PrivateKey subjectKey,
      Duration validFor,
      SecretValue.Certificate issuer,
      Instant now) {}

  /** @throws IllegalArgumentException with a message for the policy's author */
  static SecretValue.Certificate issue(Request request, SecureRandom random) {
    SubjectPublicKeyInfo subjectPublicKey = SubjectPublicKeyInfo.getInstance(request.subjectKey().publicKey().spki());
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, request.commonName()).build();
    byte[] subjectKeyId = keyIdentifier(subjectPublicKey);

    Instant notBefore = request.now().minus(BACKDATE).truncatedTo(ChronoUnit.SECONDS);
    Instant notAfter = request.now().plus(request.validFor()).truncatedTo(ChronoUnit.SECONDS);

    X500Name issuerName;
    byte[] authorityKeyId;
    SecretValue.PrivateKey signingKey;
    List<byte[]> chain = new ArrayList<>();
    if (request.issuer() == null) {
      issuerName = subject;
      authorityKeyId = subjectKeyId;
      signingKey = request.subjectKey();
    } else {
      X509CertificateHolder issuerCert = holder(request.issuer().der());
      signingKey = request.issuer().privateKey();
      if (signingKey == null) {
        throw new IllegalArgumentException("its issuer has no private key to sign with");
      }
      if (!request.issuer().isCa()) {
        throw new IllegalArgumentException("its issuer is not a CA certificate (basicConstraints CA:false)");
      }
      boolean[] issuerUsage = request.issuer().x509().getKeyUsage();
      if (issuerUsage != null && !issuerUsage[5]) {
        throw new IllegalArgumentException("its issuer's key usage does not include keyCertSign");
      }
      Instant issuerNotAfter = issuerCert.getNotAfter().toInstant();
      if (!issuerNotAfter.isAfter(request.now())) {
        throw new IllegalArgumentException("its issuer expired at " + issuerNotAfter);
      }
      if (notAfter.isAfter(issuerNotAfter)) {
        notAfter = issuerNotAfter;
      }
      issuerName = issuerCert.getSubject();
      authorityKeyId = issuerKeyIdentifier(issuerCert);
      chain.add(request.issuer().der());
      chain.addAll(request.issuer().chain());
    }

    BigInteger serial = new BigInteger(126, random).setBit(126); // positive, 16 bytes, never zero
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            issuerName, serial, Date.from(notBefore), Date.from(notAfter), subject, subjectPublicKey);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(request.ca()));
      int usage;
      if (request.ca()) {
        usage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
      } else {
        usage = KeyUsage.digitalSignature;
        KeyType type = request.subjectKey().keyType();
        if (type == KeyType.RSA2048 || type == KeyType.RSA3072) {
          usage |= KeyUsage.keyEncipherment;
        }
      }
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      if (!request.ca() && request.endpoint() != null) {
        KeyPurposeId purpose =
            request.endpoint() == Endpoint.SERVER ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth;
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (!request.subjectAltNames().isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, generalNames(request.subjectAltNames()));
      }
      builder.addExtension(Extension.subjectKeyIdentifier, false, new SubjectKeyIdentifier(subjectKeyId));
      builder.addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(authorityKeyId));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot encode a certificate extension", e);
    }

    ContentSigner signer;
    try {
      signer =
          new JcaContentSignerBuilder(KeyMaterial.signatureAlgorithm(signingKey.keyType()))
              .setSecureRandom(random)
              .build(signingKey.toJavaKey());
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("the JDK cannot sign with a " + signingKey.keyType().yamlName() + " key", e);
    }
    byte[] der;
    try {
      der = builder.build(signer).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the certificate", e);
    }
    return new SecretValue.Certificate(der, chain, request.subjectKey());
  }

  private static GeneralNames generalNames(List<SubjectAltName> sans) {
    GeneralName[] names = new GeneralName[sans.size()];
    for (int i = 0; i < sans.size(); i++) {
      SubjectAltName san = sans.get(i);
      names[i] =
          switch (san.type()) {
            case DNS -> new GeneralName(GeneralName.dNSName, san.value());
            case IP -> {
              if (!IPAddress.isValid(san.value())) {
                throw new IllegalArgumentException("SAN 'ip:" + san.value() + "' is not an IPv4 or IPv6 address");
              }
              yield new GeneralName(GeneralName.iPAddress, san.value());
            }
          };
    }
    return new GeneralNames(names);
  }

  /** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
  static byte[] keyIdentifier(SubjectPublicKeyInfo key) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(key.getPublicKeyData().getBytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issuer's own subject key identifier when it has one (so an imported CA's AKI chains), else computed. */
  private static byte[] issuerKeyIdentifier(X509CertificateHolder issuer) {
    Extension ski = issuer.getExtension(Extension.subjectKeyIdentifier);
    if (ski != null) {
      return SubjectKeyIdentifier.getInstance(ski.getParsedValue()).getKeyIdentifier();
    }
    return keyIdentifier(issuer.getSubjectPublicKeyInfo());
  }

  static X509CertificateHolder holder(byte[] der) {
    try {
      return new X509CertificateHolder(der);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid X.509 certificate (DER)");
    }
  }

  static byte[] subjectPublicKeyInfo(byte[] certificateDer) {
    try {
      return holder(certificateDer).getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a valid X.509 certificate (DER)");
    }
  }
}
