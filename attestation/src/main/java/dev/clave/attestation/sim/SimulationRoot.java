package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PckExtensions;
import dev.clave.attestation.pki.PkiException;
import dev.clave.attestation.verify.TrustedRoot;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A software stand-in for Intel's SGX/TDX attestation root: a root CA ("Intel SGX Root CA", O=Clave
 * Simulation), the PCK Platform CA that certifies platforms, and the TCB signing certificate that signs
 * TCB info and QE identities. Everything it issues has the shape of Intel's PKI, so quotes of its
 * {@link SimPlatform}s verify through the same verifier as hardware quotes once its root certificate is
 * trusted ({@link #trustedRoot()}); nothing else ever trusts it.
 *
 * <p>All keys are P-256; certificates are valid from an hour before their issue time (clock skew) for 20
 * years (root), 15 (PCK CA), 7 (TCB signing, PCK certificates; never beyond the PCK CA).
 */
public final class SimulationRoot {
  public static final String ROOT_CERT = "root_ca.pem";
  public static final String ROOT_CERT_DER = "root_ca.der";
  static final String ROOT_KEY = "root_ca.key.pem";
  static final String PCK_CA_CERT = "pck_platform_ca.pem";
  static final String PCK_CA_KEY = "pck_platform_ca.key.pem";
  static final String TCB_SIGNING_CERT = "tcb_signing.pem";
  static final String TCB_SIGNING_KEY = "tcb_signing.key.pem";
  private static final List<String> KEY_FILES = List.of(ROOT_KEY, PCK_CA_KEY, TCB_SIGNING_KEY);
  private static final List<String> FILES =
      List.of(ROOT_CERT, ROOT_CERT_DER, ROOT_KEY, PCK_CA_CERT, PCK_CA_KEY, TCB_SIGNING_CERT, TCB_SIGNING_KEY);

  static final int ROOT_YEARS = 20;
  static final int PCK_CA_YEARS = 15;
  static final int TCB_SIGNING_YEARS = 7;
  static final int PCK_YEARS = 7;

  private final SimKey rootKey;
  private final SimKey pckCaKey;
  private final SimKey tcbSigningKey;
  private final ParsedCertificate rootCert;
  private final ParsedCertificate pckCaCert;
  private final ParsedCertificate tcbSigningCert;
  private final SecureRandom random = new SecureRandom();

  private SimulationRoot(
      SimKey rootKey,
      SimKey pckCaKey,
      SimKey tcbSigningKey,
      ParsedCertificate rootCert,
      ParsedCertificate pckCaCert,
      ParsedCertificate tcbSigningCert) {
    this.rootKey = rootKey;
    this.pckCaKey = pckCaKey;
    this.tcbSigningKey = tcbSigningKey;
    this.rootCert = rootCert;
    this.pckCaCert = pckCaCert;
    this.tcbSigningCert = tcbSigningCert;
  }

  /** A new root with fresh keys, its certificates issued at {@code now}. */
  public static SimulationRoot create(Instant now) {
    Objects.requireNonNull(now, "now");
    SecureRandom random = new SecureRandom();
    SimKey rootKey = SimKey.generate(random);
    SimKey pckCaKey = SimKey.generate(random);
    SimKey tcbKey = SimKey.generate(random);
    Instant from = now.minusSeconds(SimCertificates.BACKDATE_SECONDS);
    Instant rootUntil = plusYears(now, ROOT_YEARS);
    byte[] root = SimCertificates.der(SimCertificates.issue(
        SimCertificates.ROOT_CA, rootKey, SimCertificates.ROOT_CA, rootKey, SimCertificates.newSerial(random),
        from, rootUntil, SimCertificates.Role.ROOT_CA, SimCertificates.ROOT_CRL_URL, Map.of()));
    byte[] pckCa = SimCertificates.der(SimCertificates.issue(
        SimCertificates.PCK_PLATFORM_CA, pckCaKey, SimCertificates.ROOT_CA, rootKey, SimCertificates.newSerial(random),
        from, plusYears(now, PCK_CA_YEARS), SimCertificates.Role.INTERMEDIATE_CA, SimCertificates.ROOT_CRL_URL,
        Map.of()));
    byte[] tcb = SimCertificates.der(SimCertificates.issue(
        SimCertificates.TCB_SIGNING, tcbKey, SimCertificates.ROOT_CA, rootKey, SimCertificates.newSerial(random),
        from, plusYears(now, TCB_SIGNING_YEARS), SimCertificates.Role.END_ENTITY, SimCertificates.ROOT_CRL_URL,
        Map.of()));
    try {
      return new SimulationRoot(rootKey, pckCaKey, tcbKey, ParsedCertificate.parse(root, "simulation root CA"),
          ParsedCertificate.parse(pckCa, "simulation PCK CA"), ParsedCertificate.parse(tcb, "simulation TCB signing"));
    } catch (PkiException e) {
      throw new IllegalStateException("the simulation issued a certificate it cannot parse: " + e.getMessage(), e);
    }
  }

  /** True when {@code dir} holds any file of a saved root (so {@link #load} applies, or says what is missing). */
  public static boolean exists(Path dir) {
    return FILES.stream().anyMatch(f -> Files.exists(dir.resolve(f)));
  }

  /**
   * Reads a root {@link #save saved} in {@code dir}, checking that the certificates chain (root
   * self-signed, PCK CA and TCB signing issued by it) and that every key matches its certificate.
   *
   * @throws IOException naming the missing, unreadable or inconsistent file
   */
  public static SimulationRoot load(Path dir) throws IOException {
    ParsedCertificate root = certificate(dir, ROOT_CERT, "simulation root CA");
    ParsedCertificate pckCa = certificate(dir, PCK_CA_CERT, "simulation PCK CA");
    ParsedCertificate tcb = certificate(dir, TCB_SIGNING_CERT, "simulation TCB signing");
    SimKey rootKey = key(dir, ROOT_KEY, root, ROOT_CERT);
    SimKey pckCaKey = key(dir, PCK_CA_KEY, pckCa, PCK_CA_CERT);
    SimKey tcbKey = key(dir, TCB_SIGNING_KEY, tcb, TCB_SIGNING_CERT);
    if (!root.isCa() || !root.isSignedBy(root) || !root.subjectCommonName().contains("SGX Root CA")) {
      throw new IOException(dir.resolve(ROOT_CERT) + " is not a self-signed \"Intel SGX Root CA\" certificate");
    }
    if (!pckCa.isCa() || !pckCa.isSignedBy(root) || !pckCa.subjectCommonName().contains("PCK Platform CA")) {
      throw new IOException(dir.resolve(PCK_CA_CERT) + " is not a PCK Platform CA certificate issued by the root");
    }
    if (!tcb.isSignedBy(root) || !tcb.subjectCommonName().contains("SGX TCB Signing")) {
      throw new IOException(dir.resolve(TCB_SIGNING_CERT) + " is not a TCB signing certificate issued by the root");
    }
    return new SimulationRoot(rootKey, pckCaKey, tcbKey, root, pckCa, tcb);
  }

  private static ParsedCertificate certificate(Path dir, String file, String what) throws IOException {
    byte[] der = SimFiles.readCertificate(dir.resolve(file));
    try {
      return ParsedCertificate.parse(der, what);
    } catch (PkiException e) {
      throw new IOException(dir.resolve(file) + ": " + e.getMessage());
    }
  }

  private static SimKey key(Path dir, String file, ParsedCertificate cert, String certFile) throws IOException {
    SimKey key = SimFiles.readPrivateKey(dir.resolve(file));
    if (!key.spkiDer().equals(cert.spki())) {
      throw new IOException(dir.resolve(file) + " is not the key of " + dir.resolve(certFile));
    }
    return key;
  }

  /**
   * Writes the root into {@code dir} (created if needed): certificates as PEM ({@code root_ca.pem},
   * {@code pck_platform_ca.pem}, {@code tcb_signing.pem}, plus {@code root_ca.der}) and private keys as
   * PKCS#8 PEM with mode 0600 ({@code *.key.pem}).
   *
   * @throws FileAlreadyExistsException when {@code dir} already holds a root key: keys are never replaced
   */
  public void save(Path dir) throws IOException {
    for (String f : KEY_FILES) {
      if (Files.exists(dir.resolve(f))) {
        throw new FileAlreadyExistsException(
            dir.resolve(f).toString(), null, "a simulation root is already there; not replacing its keys");
      }
    }
    SimFiles.writePrivateKey(dir.resolve(ROOT_KEY), rootKey, false);
    SimFiles.writePrivateKey(dir.resolve(PCK_CA_KEY), pckCaKey, false);
    SimFiles.writePrivateKey(dir.resolve(TCB_SIGNING_KEY), tcbSigningKey, false);
    SimFiles.writePublic(dir.resolve(ROOT_CERT), rootCertificatePem());
    SimFiles.writePublic(dir.resolve(ROOT_CERT_DER), rootCertificateDer());
    SimFiles.writePublic(dir.resolve(PCK_CA_CERT), SimFiles.certificatePem(pckCaCertificateDer()));
    SimFiles.writePublic(dir.resolve(TCB_SIGNING_CERT), SimFiles.certificatePem(tcbSigningCertificateDer()));
  }

  /** A new platform (fresh PCK key, attestation key, PPID) with a PCK certificate for {@code tcb}, issued now. */
  public SimPlatform issuePlatform(PlatformTcb tcb) {
    return issuePlatform(tcb, Instant.now());
  }

  /** A new platform with a PCK certificate for {@code tcb} issued at {@code now}. */
  public SimPlatform issuePlatform(PlatformTcb tcb, Instant now) {
    byte[] ppid = new byte[16];
    byte[] instanceId = new byte[16];
    random.nextBytes(ppid);
    random.nextBytes(instanceId);
    return issuePck(tcb, SimKey.generate(random), Bytes.wrap(ppid), Bytes.wrap(instanceId), now);
  }

  /** {@link #reissuePlatform(SimPlatform, PlatformTcb, Instant)} as of now. */
  public SimPlatform reissuePlatform(SimPlatform platform, PlatformTcb tcb) {
    return reissuePlatform(platform, tcb, Instant.now());
  }

  /**
   * The same platform (attestation key, PPID, so the same {@link SimPlatform#platformId()}) at another
   * TCB, as after a TCB recovery. When the certified part of the TCB (SGX components, PCESVN, FMSPC) is
   * unchanged and this root issued the platform's certificate, the PCK key and certificate are kept (only
   * QE or TDX values change); otherwise a new PCK key and certificate are issued at {@code now}.
   */
  public SimPlatform reissuePlatform(SimPlatform platform, PlatformTcb tcb, Instant now) {
    Objects.requireNonNull(tcb, "tcb");
    if (platform.tcb().sameCertifiedTcb(tcb) && issued(platform)) {
      return new SimPlatform(tcb, platform.pckKey(), platform.attestationKey(), platform.pckCertificateDer(),
          platform.pckCertificateSerial(), pckIssuerChainPem(), platform.ppid(), platform.platformInstanceId());
    }
    Bytes instanceId = platform.platformInstanceId();
    if (instanceId == null) {
      byte[] b = new byte[16];
      random.nextBytes(b);
      instanceId = Bytes.wrap(b);
    }
    return issuePck(tcb, platform.attestationKey(), platform.ppid(), instanceId, now);
  }

  private boolean issued(SimPlatform platform) {
    try {
      return ParsedCertificate.parse(platform.pckCertificateDer(), "PCK certificate").isSignedBy(pckCaCert);
    } catch (PkiException e) {
      return false;
    }
  }

  private SimPlatform issuePck(PlatformTcb tcb, SimKey attestationKey, Bytes ppid, Bytes instanceId, Instant now) {
    Objects.requireNonNull(tcb, "tcb");
    Objects.requireNonNull(now, "now");
    SimKey pckKey = SimKey.generate(random);
    BigInteger serial = SimCertificates.newSerial(random);
    Instant until = plusYears(now, PCK_YEARS);
    if (until.isAfter(pckCaCert.notAfter())) {
      until = pckCaCert.notAfter();
    }
    byte[] der = SimCertificates.der(SimCertificates.issue(
        SimCertificates.PCK_CERTIFICATE, pckKey, SimCertificates.PCK_PLATFORM_CA, pckCaKey, serial,
        now.minusSeconds(SimCertificates.BACKDATE_SECONDS), until, SimCertificates.Role.END_ENTITY,
        SimCertificates.PCK_CRL_URL,
        Map.of(PckExtensions.SGX_EXTENSIONS, SgxExtension.encode(tcb, ppid, instanceId))));
    return new SimPlatform(tcb, pckKey, attestationKey, der, serial, pckIssuerChainPem(), ppid, instanceId);
  }

  /** Collateral (CRLs, TCB info, QE identity, issuer chains) signed by this root's keys. */
  public SimCollateral collateral(CollateralOptions options) {
    return SimCollateral.issue(this, options);
  }

  /** The root as the verifier trusts it: {@code QuoteVerifier.builder().trustRoot(root.trustedRoot())}. */
  public TrustedRoot trustedRoot() {
    return TrustedRoot.simulation(rootCertificateDer());
  }

  public byte[] rootCertificateDer() {
    return rootCert.der().toByteArray();
  }

  public String rootCertificatePem() {
    return SimFiles.certificatePem(rootCertificateDer());
  }

  public byte[] pckCaCertificateDer() {
    return pckCaCert.der().toByteArray();
  }

  public byte[] tcbSigningCertificateDer() {
    return tcbSigningCert.der().toByteArray();
  }

  /** The serial the root CA CRL lists to revoke the PCK CA. */
  public BigInteger pckCaSerial() {
    return pckCaCert.serial();
  }

  /** The serial the root CA CRL lists to revoke the TCB signing certificate. */
  public BigInteger tcbSigningSerial() {
    return tcbSigningCert.serial();
  }

  /** SHA-256 of the root certificate (DER), lower-case hex: {@code openssl x509 -fingerprint -sha256}. */
  public String rootFingerprint() {
    return Bytes.wrap(EcdsaP256.sha256(rootCertificateDer())).hex();
  }

  /** SHA-256 of the root's SubjectPublicKeyInfo, lower-case hex: what the verifier pins. */
  public String rootSpkiSha256() {
    return Bytes.wrap(EcdsaP256.sha256(rootCert.spki().toByteArray())).hex();
  }

  ParsedCertificate rootCertificate() {
    return rootCert;
  }

  ParsedCertificate pckCaCertificate() {
    return pckCaCert;
  }

  ParsedCertificate tcbSigningCertificate() {
    return tcbSigningCert;
  }

  SimKey rootKey() {
    return rootKey;
  }

  SimKey pckCaKey() {
    return pckCaKey;
  }

  SimKey tcbSigningKey() {
    return tcbSigningKey;
  }

  /** PCK CA ‖ root, PEM: the PCK CRL issuer chain and the tail of quotes' certification data. */
  String pckIssuerChainPem() {
    return SimFiles.certificatePem(pckCaCertificateDer()) + rootCertificatePem();
  }

  /** TCB signing ‖ root, PEM: the TCB info and QE identity issuer chain. */
  String tcbIssuerChainPem() {
    return SimFiles.certificatePem(tcbSigningCertificateDer()) + rootCertificatePem();
  }

  static Instant plusYears(Instant t, int years) {
    return t.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
  }

  @Override
  public String toString() {
    return "SimulationRoot[" + rootFingerprint().substring(0, 16) + "…]";
  }
}
