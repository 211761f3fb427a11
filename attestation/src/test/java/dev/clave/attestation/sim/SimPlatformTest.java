package dev.clave.attestation.sim;

import static dev.clave.attestation.sim.SimTesting.NOW;
import static dev.clave.attestation.sim.SimTesting.cert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PckExtensions;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimPlatformTest {
  static SimulationRoot root;
  static SimPlatform platform;

  @BeforeAll
  static void setUp() {
    root = SimulationRoot.create(NOW);
    platform = root.issuePlatform(PlatformTcb.ofSvn(7), NOW);
  }

  @Test
  void pckCertificateIsALeafOfThePlatformCaWithIntelsShape() {
    ParsedCertificate leaf = cert(platform.pckCertificateDer());
    assertThat(leaf.subjectCommonName()).isEqualTo("Intel SGX PCK Certificate");
    assertThat(leaf.issuerCommonName()).isEqualTo("Intel SGX PCK Platform CA");
    assertThat(leaf.isCa()).isFalse();
    assertThat(leaf.isSignedBy(cert(root.pckCaCertificateDer()))).isTrue();
    assertThat(leaf.serial()).isEqualTo(platform.pckCertificateSerial());
    assertThat(leaf.extension(Extension.cRLDistributionPoints)).isNotNull();
    assertThat(leaf.extension(PckExtensions.SGX_EXTENSIONS).isCritical()).isFalse();
    assertThat(leaf.notBefore()).isEqualTo(NOW.minusSeconds(3600));
    assertThat(leaf.notAfter()).isEqualTo(NOW.atOffset(ZoneOffset.UTC).plusYears(7).toInstant());
  }

  @Test
  void sgxExtensionCarriesTheTcb() throws Exception {
    PlatformTcb tcb = PlatformTcb.ofSvn(5)
        .withSgxComponents(Bytes.fromHex("0102030405060708090a0b0c0d0e0fff"))
        .withPceSvn(300)
        .withFmspc(Bytes.fromHex("AABBCCDDEEFF"));
    SimPlatform p = root.issuePlatform(tcb, NOW);
    PckExtensions ext = PckExtensions.of(cert(p.pckCertificateDer()));
    assertThat(ext.tcbComponents()).isEqualTo(tcb.sgxComponents());
    assertThat(ext.pceSvn()).isEqualTo(300);
    assertThat(ext.cpuSvn()).isEqualTo(tcb.sgxComponents());
    assertThat(ext.fmspc()).isEqualTo(Bytes.fromHex("AABBCCDDEEFF"));
    assertThat(ext.pceId()).isEqualTo(Bytes.fromHex("0000"));
    assertThat(ext.sgxType()).isEqualTo(1);
    assertThat(ext.ppid()).isEqualTo(p.ppid());
    assertThat(ext.platformInstanceId().length()).isEqualTo(16);
    assertThat(ext.configuration()).isEqualTo(new PckExtensions.PlatformConfiguration(true, true, true));

    // Independently of PckExtensions: 7 members (PPID, TCB, PCE-ID, FMSPC, SGX type, instance ID,
    // configuration); the TCB has 18, and SVN 255 is DER-encoded as 00 FF.
    ASN1Sequence seq = ASN1Sequence.getInstance(
        cert(p.pckCertificateDer()).extension(PckExtensions.SGX_EXTENSIONS).getExtnValue().getOctets());
    assertThat(seq.size()).isEqualTo(7);
    ASN1Sequence tcbSeq = ASN1Sequence.getInstance(ASN1Sequence.getInstance(seq.getObjectAt(1)).getObjectAt(1));
    assertThat(tcbSeq.size()).isEqualTo(18);
    assertThat(ASN1Sequence.getInstance(tcbSeq.getObjectAt(15)).getObjectAt(1).toASN1Primitive().getEncoded())
        .isEqualTo(new byte[] {0x02, 0x02, 0x00, (byte) 0xff});
    assertThat(ASN1Sequence.getInstance(tcbSeq.getObjectAt(0)).getObjectAt(0).toString())
        .isEqualTo("1.2.840.113741.1.13.1.2.1");
  }

  @Test
  void platformsAreDistinctAndTheirIdIsTheAttestationKeyHash() {
    SimPlatform other = root.issuePlatform(PlatformTcb.ofSvn(7), NOW);
    assertThat(other.platformId()).isNotEqualTo(platform.platformId());
    assertThat(other.ppid()).isNotEqualTo(platform.ppid());
    assertThat(other.pckCertificateSerial()).isNotEqualTo(platform.pckCertificateSerial());
    assertThat(platform.platformId())
        .isEqualTo(Bytes.wrap(EcdsaP256.sha256(platform.attestationPublicKey().toByteArray())));
  }

  @Test
  void reissueForAnotherTcbKeepsTheAttestationKeyAndPpid() throws Exception {
    SimPlatform older = root.reissuePlatform(platform, PlatformTcb.ofSvn(3), NOW);
    assertThat(older.platformId()).isEqualTo(platform.platformId());
    assertThat(older.ppid()).isEqualTo(platform.ppid());
    assertThat(older.pckCertificateSerial()).isNotEqualTo(platform.pckCertificateSerial());
    assertThat(PckExtensions.of(cert(older.pckCertificateDer())).tcbComponents()).isEqualTo(PlatformTcb.ofSvn(3).sgxComponents());
    assertThat(PckExtensions.of(cert(older.pckCertificateDer())).platformInstanceId())
        .isEqualTo(PckExtensions.of(cert(platform.pckCertificateDer())).platformInstanceId());

    // Only the QE SVN changes: the same PCK certificate serves.
    SimPlatform oldQe = root.reissuePlatform(platform, platform.tcb().withQeSvn(3), NOW);
    assertThat(oldQe.pckCertificateSerial()).isEqualTo(platform.pckCertificateSerial());
    assertThat(oldQe.tcb().qeSvn()).isEqualTo(3);
  }

  @Test
  void aPlatformOfAnotherRootIsReissuedByThisOne() {
    SimulationRoot other = SimulationRoot.create(NOW);
    SimPlatform moved = other.reissuePlatform(platform, platform.tcb(), NOW);
    assertThat(cert(moved.pckCertificateDer()).isSignedBy(cert(other.pckCaCertificateDer()))).isTrue();
    assertThat(moved.platformId()).isEqualTo(platform.platformId());
  }

  @Test
  void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
    SimPlatform p = root.issuePlatform(
        PlatformTcb.ofSvn(6).withQeSvn(5).withTdxSvn(9).withTdxModule(3, 2).withFmspc(Bytes.fromHex("112233445566")), NOW);
    p.save(dir);
    for (String key : List.of("pck_key.pem", "attestation_key.pem")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key)))).isEqualTo("rw-------");
    }
    SimPlatform loaded = SimPlatform.load(dir, root);
    assertThat(loaded.tcb()).isEqualTo(p.tcb());
    assertThat(loaded.platformId()).isEqualTo(p.platformId());
    assertThat(loaded.pckCertificateDer()).isEqualTo(p.pckCertificateDer());
    assertThat(loaded.pckCertificateSerial()).isEqualTo(p.pckCertificateSerial());
    assertThat(loaded.ppid()).isEqualTo(p.ppid());
    assertThat(new String(loaded.certificationData())).isEqualTo(new String(p.certificationData()));
    // The loaded PCK key still signs QE reports the certificate verifies.
    RawQuote q = new RawQuote(loaded.quoteSgx(SgxEnclaveSpec.builder().build()));
    assertThat(SimTesting.verifyRaw(cert(p.pckCertificateDer()).publicKey(), q.qeReport, q.qeReportSignature)).isTrue();
  }

  @Test
  void saveReplacesTheSamePlatformButNotAnother(@TempDir Path dir) throws Exception {
    platform.save(dir);
    SimPlatform reissued = root.reissuePlatform(platform, PlatformTcb.ofSvn(2), NOW);
    reissued.save(dir);
    assertThat(SimPlatform.load(dir, root).pckCertificateSerial()).isEqualTo(reissued.pckCertificateSerial());

    SimPlatform stranger = root.issuePlatform(PlatformTcb.ofSvn(7), NOW);
    assertThatThrownBy(() -> stranger.save(dir))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("another simulated platform");
  }

  @Test
  void loadRefusesAPlatformOfAnotherRoot(@TempDir Path dir) throws Exception {
    platform.save(dir);
    assertThatThrownBy(() -> SimPlatform.load(dir, SimulationRoot.create(NOW)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not issued by this simulation root");
  }

  @Test
  void loadNamesAMalformedPlatformJson(@TempDir Path dir) throws Exception {
    platform.save(dir);
    Files.writeString(dir.resolve("platform.json"), "{\"qeSvn\":\"eight\"}");
    assertThatThrownBy(() -> SimPlatform.load(dir, root))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("platform.json");
  }

  @Test
  void platformTcbValidatesItsFields() {
    assertThatThrownBy(() -> PlatformTcb.ofSvn(256)).hasMessage("SVN must be 0..255, got 256");
    assertThatThrownBy(() -> PlatformTcb.ofSvn(1).withFmspc(Bytes.fromHex("00"))).hasMessage("FMSPC must be 6 bytes, got 1");
    assertThatThrownBy(() -> PlatformTcb.ofSvn(1).withQeSvn(-1)).hasMessage("QE SVN must be 0..65535, got -1");
    assertThat(PlatformTcb.ofSvn(4).teeTcbSvn()).isEqualTo(Bytes.fromHex("04010400000000000000000000000000"));
  }
}
