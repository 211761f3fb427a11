package dev.clave.cas;

import dev.clave.policy.protect.KeyHash;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * The CAS's own key pair and self-signed TLS certificate ({@code CN=cas}), created on first start and kept in
 * the state directory. Its <b>key hash</b> (Base58Check of SHA-256 over the DER SubjectPublicKeyInfo, as
 * {@link KeyHash} computes for any key) is what owners pin with {@code clave cas provision -c}.
 *
 * <p>The private key file is readable by the owner only (0600). On SGX it is sealed to the enclave; until the
 * CAS runs in one, the state directory's permissions are what protects it, as the startup log says.
 */
public final class CasIdentity {
  private static final String KEY_FILE = "cas-key.pem";
  private static final String CERT_FILE = "cas-cert.pem";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private final PrivateKey privateKey;
  private final X509Certificate certificate;
  private final KeyHash keyHash;

  private CasIdentity(PrivateKey privateKey, X509Certificate certificate) {
    this.privateKey = privateKey;
    this.certificate = certificate;
    this.keyHash = KeyHash.of(certificate.getPublicKey().getEncoded());
  }

  /** The identity in {@code dir}, created there (with a certificate naming {@code names}) when absent. */
  public static CasIdentity loadOrCreate(Path dir, List<String> names) throws IOException {
    Path key = dir.resolve(KEY_FILE);
    Path cert = dir.resolve(CERT_FILE);
    try {
      if (Files.exists(key) && Files.exists(cert)) {
        return load(key, cert);
      }
      return create(key, cert, names);
    } catch (GeneralSecurityException e) {
      throw new IOException("the CAS identity in " + dir + " is unusable: " + e.getMessage(), e);
    }
  }

  private static CasIdentity load(Path key, Path cert) throws IOException, GeneralSecurityException {
    PemObject pem;
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(key, StandardCharsets.US_ASCII)))) {
      pem = p.readPemObject();
    }
    if (pem == null || !pem.getType().equals("PRIVATE KEY")) {
      throw new GeneralSecurityException(key.getFileName() + " does not hold a PKCS#8 private key");
    }
    PrivateKey pk = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pem.getContent()));
    X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(Files.newInputStream(cert));
    return new CasIdentity(pk, c);
  }

  private static CasIdentity create(Path key, Path cert, List<String> names) throws IOException, GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    KeyPair pair = g.generateKeyPair();
    X509Certificate c = selfSigned(pair, names);
    writePrivate(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    writeAtomically(cert, pem("CERTIFICATE", c.getEncoded()));
    return new CasIdentity(pair.getPrivate(), c);
  }

  /**
   * The identity whose PKCS#8 P-256 key is {@code pkcs8}, made this CAS's identity in {@code dir} (key and a new
   * certificate {@code CN=cas} naming {@code names}, replacing what was there): a backup or replica taking over the
   * identity kept in the store it opened, so clients that pinned that key hash keep working.
   */
  static CasIdentity adopt(CasIdentity current, Path dir, byte[] pkcs8, List<String> names) throws IOException {
    try {
      PrivateKey pk = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      java.security.PublicKey pub = publicKeyOf(pk);
      if (KeyHash.of(pub.getEncoded()).equals(current.keyHash())) {
        return current; // the same key, encoded differently
      }
      X509Certificate c = selfSigned(new KeyPair(pub, pk), names);
      writePrivate(dir.resolve(KEY_FILE), pem("PRIVATE KEY", pk.getEncoded()));
      writeAtomically(dir.resolve(CERT_FILE), pem("CERTIFICATE", c.getEncoded()));
      return new CasIdentity(pk, c);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("the CAS identity kept in the store is unusable: " + e.getMessage(), e);
    }
  }

  /** The key hash of the PKCS#8 P-256 key {@code pkcs8} (the identity a store keeps). */
  static KeyHash keyHashOfPkcs8(byte[] pkcs8) throws GeneralSecurityException {
    try {
      return KeyHash.of(publicKeyOf(KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)))
          .getEncoded());
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("not a P-256 key: " + e.getMessage());
    }
  }

  private static java.security.PublicKey publicKeyOf(PrivateKey pk) throws GeneralSecurityException {
    if (!(pk instanceof java.security.interfaces.ECPrivateKey ec)) {
      throw new GeneralSecurityException("the stored CAS key is not an EC key");
    }
    var curve = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName("secp256r1");
    var spec = new org.bouncycastle.jce.spec.ECNamedCurveSpec("secp256r1", curve.getCurve(), curve.getG(), curve.getN());
    var q = curve.getG().multiply(ec.getS()).normalize();
    return KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
        new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));
  }

  /** The private key as PKCS#8 DER (kept in the encrypted store, so it travels with the store). */
  byte[] privateKeyPkcs8() {
    return privateKey.getEncoded();
  }

  /**
   * The same key under a new self-signed certificate with {@code commonName} and the alt names {@code names}
   * (besides {@code cas}, localhost and the loopback addresses), saved in {@code dir}: the owner's
   * {@code [api_identity]}. The key, and so the key hash clients pin, stays.
   */
  public CasIdentity reissued(Path dir, String commonName, List<String> names) throws IOException {
    try {
      X509Certificate c = selfSigned(new KeyPair(certificate.getPublicKey(), privateKey), commonName, names);
      writeAtomically(dir.resolve(CERT_FILE), pem("CERTIFICATE", c.getEncoded()));
      return new CasIdentity(privateKey, c);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot issue the CAS certificate: " + e.getMessage(), e);
    }
  }

  /** Whether the certificate already has this common name and exactly these alt names (besides the built-in ones). */
  public boolean names(String commonName, List<String> names) {
    try {
      byte[] want = new org.bouncycastle.asn1.DEROctetString(altNames(names).getEncoded("DER")).getEncoded();
      return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).equals(subject(commonName))
          && java.util.Arrays.equals(certificate.getExtensionValue(Extension.subjectAlternativeName.getId()), want);
    } catch (IOException e) {
      return false;
    }
  }

  private static X500Name subject(String commonName) {
    org.bouncycastle.asn1.x500.X500NameBuilder b = new org.bouncycastle.asn1.x500.X500NameBuilder();
    b.addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, commonName);
    return b.build();
  }

  private static X509Certificate selfSigned(KeyPair pair, List<String> names) throws GeneralSecurityException, IOException {
    return selfSigned(pair, "cas", names);
  }

  private static X509Certificate selfSigned(KeyPair pair, String commonName, List<String> names)
      throws GeneralSecurityException, IOException {
    Instant now = Instant.now();
    X500Name subject = subject(commonName);
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, new SecureRandom()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false, altNames(names));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot sign the CAS certificate", e);
    }
  }

  /** cas, localhost and the loopback addresses, then {@code names} in order without repeats. */
  private static GeneralNames altNames(List<String> names) {
    java.util.Set<String> all = new java.util.LinkedHashSet<>(List.of("cas", "localhost", "127.0.0.1", "::1"));
    all.addAll(names);
    List<GeneralName> san = new ArrayList<>();
    for (String n : all) {
      san.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
    }
    return new GeneralNames(san.toArray(GeneralName[]::new));
  }

  private static boolean isIpLiteral(String n) {
    if (!n.matches("[0-9.]+|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(n); // a literal: no lookup happens
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String pem(String type, byte[] der) throws IOException {
    StringWriter w = new StringWriter();
    try (PemWriter p = new PemWriter(w)) {
      p.writeObject(new PemObject(type, der));
    }
    return w.toString();
  }

  private static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** The CAS key hash (Base58Check, reference §2.4). */
  public KeyHash keyHash() {
    return keyHash;
  }

  @Override
  public String toString() {
    return "CasIdentity[" + keyHash + "]";
  }
}
