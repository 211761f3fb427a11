package dev.clave.attestation.sim;

import static dev.clave.attestation.sim.SimTesting.NOW;
import static dev.clave.attestation.sim.SimTesting.cert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.verify.TrustedRoot;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulationRootTest {
  static SimulationRoot root;

  @BeforeAll
  static void createRoot() {
    root = SimulationRoot.create(NOW);
  }

  @Test
  void theRootIsASelfSignedP256CaNamedLikeIntelsButOwnedByTheSimulation() throws Exception {
    ParsedCertificate r = cert(root.rootCertificateDer());
    assertThat(r.subjectCommonName()).isEqualTo("Intel SGX Root CA");
    assertThat(IETFUtils.valueToString(r.subject().getRDNs(BCStyle.O)[0].getFirst().getValue()))
        .isEqualTo("Clave Simulation");
    assertThat(r.isCa()).isTrue();
    assertThat(r.isSignedBy(r)).isTrue();
    assertThat(r.extension(Extension.keyUsage).isCritical()).isTrue();
    assertThat(r.extension(Extension.subjectKeyIdentifier)).isNotNull();
    assertThat(r.extension(Extension.authorityKeyIdentifier)).isNotNull();
    // The verifier's own acceptance test for configured roots.
    assertThat(TrustedRoot.simulation(root.rootCertificateDer()).name()).isEqualTo(TrustedRoot.SIMULATION);
    assertThat(root.trustedRoot().spki()).isEqualTo(r.spki());

    // The JDK's X.509 parser reads it too, with the root's path length of 1.
    X509Certificate jdk = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(root.rootCertificateDer()));
    jdk.verify(jdk.getPublicKey());
    assertThat(jdk.getBasicConstraints()).isEqualTo(1);
    assertThat(jdk.getSigAlgName()).isEqualTo("SHA256withECDSA");
  }

  @Test
  void thePckCaAndTcbSignerAreIssuedByTheRootWithIntelsCommonNames() {
    ParsedCertificate r = cert(root.rootCertificateDer());
    ParsedCertificate ca = cert(root.pckCaCertificateDer());
    ParsedCertificate tcb = cert(root.tcbSigningCertificateDer());
    assertThat(ca.subjectCommonName()).isEqualTo("Intel SGX PCK Platform CA");
    assertThat(ca.isCa()).isTrue();
    assertThat(ca.isSignedBy(r)).isTrue();
    assertThat(ca.serial()).isEqualTo(root.pckCaSerial());
    assertThat(tcb.subjectCommonName()).isEqualTo("Intel SGX TCB Signing");
    assertThat(tcb.isCa()).isFalse();
    assertThat(tcb.isSignedBy(r)).isTrue();
    assertThat(tcb.serial()).isEqualTo(root.tcbSigningSerial());
    assertThat(ca.serial()).isNotEqualTo(tcb.serial());
  }

  @Test
  void validityCoversIssueTimeWithSkewAndTheDocumentedYears() {
    Instant from = NOW.minusSeconds(3600);
    for (byte[] der : List.of(root.rootCertificateDer(), root.pckCaCertificateDer(), root.tcbSigningCertificateDer())) {
      assertThat(cert(der).notBefore()).isEqualTo(from);
    }
    assertThat(cert(root.rootCertificateDer()).notAfter()).isEqualTo(NOW.atOffset(ZoneOffset.UTC).plusYears(20).toInstant());
    assertThat(cert(root.pckCaCertificateDer()).notAfter()).isEqualTo(NOW.atOffset(ZoneOffset.UTC).plusYears(15).toInstant());
    assertThat(cert(root.tcbSigningCertificateDer()).notAfter()).isEqualTo(NOW.atOffset(ZoneOffset.UTC).plusYears(7).toInstant());
  }

  @Test
  void eachRootHasItsOwnKeys() {
    SimulationRoot other = SimulationRoot.create(NOW);
    assertThat(other.rootSpkiSha256()).isNotEqualTo(root.rootSpkiSha256());
    assertThat(other.rootFingerprint()).hasSize(64).isNotEqualTo(root.rootFingerprint());
  }

  @Test
  void saveAndLoadRoundTripWithOwnerOnlyKeys(@TempDir Path dir) throws Exception {
    root.save(dir);
    for (String key : List.of("root_ca.key.pem", "pck_platform_ca.key.pem", "tcb_signing.key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
      assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }
    assertThat(Files.readAllBytes(dir.resolve("root_ca.der"))).isEqualTo(root.rootCertificateDer());
    assertThat(Files.readString(dir.resolve("root_ca.pem"))).isEqualTo(root.rootCertificatePem());

    SimulationRoot loaded = SimulationRoot.load(dir);
    assertThat(loaded.rootCertificateDer()).isEqualTo(root.rootCertificateDer());
    assertThat(loaded.pckCaCertificateDer()).isEqualTo(root.pckCaCertificateDer());
    assertThat(loaded.tcbSigningCertificateDer()).isEqualTo(root.tcbSigningCertificateDer());
    assertThat(loaded.rootFingerprint()).isEqualTo(root.rootFingerprint());
    // The loaded keys sign what the original certificates vouch for.
    SimPlatform p = loaded.issuePlatform(PlatformTcb.ofSvn(7), NOW);
    assertThat(cert(p.pckCertificateDer()).isSignedBy(cert(root.pckCaCertificateDer()))).isTrue();
  }

  @Test
  void saveNeverReplacesAnExistingRootsKeys(@TempDir Path dir) throws Exception {
    root.save(dir);
    String before = Files.readString(dir.resolve("root_ca.key.pem"));
    SimulationRoot other = SimulationRoot.create(NOW);
    assertThatThrownBy(() -> other.save(dir))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("root_ca.key.pem")
        .hasMessageContaining("not replacing");
    assertThat(Files.readString(dir.resolve("root_ca.key.pem"))).isEqualTo(before);
    assertThat(SimulationRoot.exists(dir)).isTrue();
  }

  @Test
  void loadNamesTheMissingFile(@TempDir Path dir) throws Exception {
    assertThat(SimulationRoot.exists(dir)).isFalse();
    root.save(dir);
    Files.delete(dir.resolve("tcb_signing.key.pem"));
    assertThatThrownBy(() -> SimulationRoot.load(dir))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("tcb_signing.key.pem");
  }

  @Test
  void loadRefusesAKeyThatIsNotTheCertificates(@TempDir Path dir) throws Exception {
    root.save(dir);
    Path other = dir.resolve("other");
    SimulationRoot.create(NOW).save(other);
    Files.copy(other.resolve("pck_platform_ca.key.pem"), dir.resolve("pck_platform_ca.key.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> SimulationRoot.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("pck_platform_ca.key.pem is not the key of");
  }

  @Test
  void loadRefusesACaCertificateFromAnotherRoot(@TempDir Path dir) throws Exception {
    root.save(dir);
    Path other = dir.resolve("other");
    SimulationRoot.create(NOW).save(other);
    for (String f : List.of("pck_platform_ca.pem", "pck_platform_ca.key.pem")) {
      Files.copy(other.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    assertThatThrownBy(() -> SimulationRoot.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a PCK Platform CA certificate issued by the root");
  }

  @Test
  void loadRefusesGarbageKeysWithoutEchoingThem(@TempDir Path dir) throws Exception {
    root.save(dir);
    Files.writeString(dir.resolve("root_ca.key.pem"), "-----BEGIN PRIVATE KEY-----\nQUJDRA==\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> SimulationRoot.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("root_ca.key.pem")
        .hasMessageNotContaining("QUJDRA");
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    assertThat(root.toString()).startsWith("SimulationRoot[").doesNotContain("PRIVATE");
  }
}
