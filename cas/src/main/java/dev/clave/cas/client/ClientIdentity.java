package dev.clave.cas.client;

import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A CLI's TLS client identity: a private key and a certificate for it. CAS access policies name clients by
 * the key hash of that certificate's public key ({@link #keyHash()}), so a self-signed certificate is all a
 * client needs; the key may come from elsewhere, e.g. the seed's {@code openssl genrsa | openssl pkcs8 -topk8}
 * (RSA) — then a self-signed certificate is made for it.
 */
public final class ClientIdentity {
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private final PrivateKey privateKey;
  private final X509Certificate certificate;

  private ClientIdentity(PrivateKey privateKey, X509Certificate certificate) {
    this.privateKey = privateKey;
    this.certificate = certificate;
  }

  /** A new P-256 key with a self-signed certificate. */
  public static ClientIdentity generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = g.generateKeyPair();
      return new ClientIdentity(pair.getPrivate(), selfSigned(pair.getPrivate(), pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make P-256 keys", e);
    }
  }

  /**
   * A new Ed25519 key with a self-signed certificate, for a service that attests once and is gone ({@code clave
   * run}): of the signatures a CAS checks, Ed25519 under a key never seen before is the cheapest.
   */
  public static ClientIdentity generateEd25519() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new ClientIdentity(pair.getPrivate(), selfSigned(pair.getPrivate(), pair.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
    }
  }

  /**
   * The identity in PEM text: a PKCS#8 {@code PRIVATE KEY} (EC or RSA), optionally followed by its
   * {@code CERTIFICATE}; without one, a self-signed certificate is made for the key.
   */
  public static ClientIdentity fromPem(String pem) throws IOException {
    PrivateKey key = null;
    X509Certificate cert = null;
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      for (PemObject o = p.readPemObject(); o != null; o = p.readPemObject()) {
        switch (o.getType()) {
          case "PRIVATE KEY" -> key = privateKey(o.getContent());
          case "CERTIFICATE" -> cert = (X509Certificate) CertificateFactory.getInstance("X.509")
              .generateCertificate(new java.io.ByteArrayInputStream(o.getContent()));
          default -> throw new IOException("unexpected PEM block " + o.getType()
              + " (an identity is a PKCS#8 PRIVATE KEY and optionally its CERTIFICATE)");
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("the identity's key or certificate does not parse: " + e.getMessage());
    }
    if (key == null) {
      throw new IOException("the identity has no PKCS#8 PRIVATE KEY block");
    }
    try {
      if (cert == null) {
        cert = selfSigned(key, publicKeyOf(key));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make a certificate for the identity's key: " + e.getMessage());
    }
    return new ClientIdentity(key, cert);
  }

  private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
    for (String alg : new String[] {"EC", "RSA"}) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (java.security.spec.InvalidKeySpecException tryNext) {
        // not this algorithm
      }
    }
    throw new GeneralSecurityException("the private key is neither EC nor RSA PKCS#8");
  }

  private static PublicKey publicKeyOf(PrivateKey key) throws GeneralSecurityException {
    if (key instanceof RSAPrivateCrtKey rsa) {
      return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
    }
    if (key instanceof java.security.interfaces.ECPrivateKey ec) {
      org.bouncycastle.jce.spec.ECParameterSpec spec =
          org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util.convertSpec(ec.getParams());
      org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(ec.getS()).normalize();
      java.security.spec.ECPoint w = new java.security.spec.ECPoint(
          q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
      return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(w, ec.getParams()));
    }
    throw new GeneralSecurityException("an identity key must be EC or RSA with CRT parameters");
  }

  private static X509Certificate selfSigned(PrivateKey key, PublicKey pub) throws GeneralSecurityException {
    Instant now = Instant.now();
    X500Name subject = new X500Name("CN=clave cli");
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pub);
    try {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, "clave-cli")));
      String alg = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EdDSA", "Ed25519" -> "Ed25519";
        default -> "SHA256withECDSA";
      };
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(alg).build(key)));
    } catch (OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
      throw new GeneralSecurityException("cannot sign the identity's certificate: " + e.getMessage());
    }
  }

  /** The identity as PEM: the PKCS#8 key, then the certificate. */
  public String toPem() {
    try {
      StringWriter w = new StringWriter();
      try (PemWriter p = new PemWriter(w)) {
        p.writeObject(new PemObject("PRIVATE KEY", privateKey.getEncoded()));
        p.writeObject(new PemObject("CERTIFICATE", certificate.getEncoded()));
      }
      return w.toString();
    } catch (IOException | java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode the identity", e);
    }
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The key hash access policies name this client by. */
  public KeyHash keyHash() {
    return KeyHash.of(certificate.getPublicKey().getEncoded());
  }

  @Override
  public String toString() {
    return "ClientIdentity[" + keyHash() + "]";
  }
}
