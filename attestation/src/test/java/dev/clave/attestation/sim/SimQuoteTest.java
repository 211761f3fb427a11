package dev.clave.attestation.sim;

import static dev.clave.attestation.sim.SimTesting.NOW;
import static dev.clave.attestation.sim.SimTesting.rawKey;
import static dev.clave.attestation.sim.SimTesting.verifyRaw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Quotes decoded by Intel's offsets (independently of the production parser) and their signatures checked. */
class SimQuoteTest {
  static final Bytes INTEL_QE_VENDOR = Bytes.fromHex("939A7233F79C4CA9940A0DB3957F0607");
  static SimulationRoot root;
  static SimPlatform platform;

  @BeforeAll
  static void setUp() {
    root = SimulationRoot.create(NOW);
    platform = root.issuePlatform(PlatformTcb.ofSvn(7).withQeSvn(9), NOW);
  }

  @Test
  void sgxQuoteV3HasIntelsLayoutAndTheEnclavesReport() {
    Bytes reportData = Bytes.fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    SgxEnclaveSpec spec = SgxEnclaveSpec.builder()
        .mrEnclave(Bytes.wrap(new byte[32]))
        .mrSigner(SgxEnclaveSpec.DEFAULT_MR_SIGNER)
        .isvProdId(0x1234)
        .isvSvn(0x0203)
        .miscSelect(0x11223344)
        .configSvn(7)
        .reportData(reportData)
        .build();
    RawQuote q = new RawQuote(platform.quoteSgx(spec));

    assertThat(q.version).isEqualTo(3);
    assertThat(q.keyType).isEqualTo(2);
    assertThat(q.teeType).isZero();
    assertThat(q.qeSvn).isEqualTo(9);
    assertThat(q.pceSvn).isEqualTo(7);
    assertThat(q.vendorId).isEqualTo(INTEL_QE_VENDOR);
    assertThat(q.userData.slice(16, 4).isAllZero()).isTrue();
    assertThat(q.userData.slice(0, 16).isAllZero()).isFalse();
    assertThat(q.signedBytes.length()).isEqualTo(432);
    assertThat(q.end).isEqualTo(q.q.length); // no trailing bytes
    assertThat(q.sigDataLength).isEqualTo(q.q.length - 436);

    RawQuote.Report body = new RawQuote.Report(q.body());
    assertThat(body.cpuSvn()).isEqualTo(PlatformTcb.ofSvn(7).cpuSvn());
    assertThat(body.miscSelect()).isEqualTo(0x11223344);
    assertThat(body.attributes()).isEqualTo(Bytes.fromHex("05000000000000000300000000000000"));
    assertThat(body.mrEnclave().isAllZero()).isTrue();
    assertThat(body.mrSigner()).isEqualTo(SgxEnclaveSpec.DEFAULT_MR_SIGNER);
    assertThat(body.isvProdId()).isEqualTo(0x1234);
    assertThat(body.isvSvn()).isEqualTo(0x0203);
    assertThat(body.configSvn()).isEqualTo(7);
    assertThat(body.reportData()).isEqualTo(Bytes.wrap(concat(reportData.toByteArray(), new byte[32])));
  }

  @Test
  void sgxQuoteSignaturesAndQeBindingVerify() {
    RawQuote q = new RawQuote(platform.quoteSgx(SgxEnclaveSpec.builder().build()));
    assertThat(q.attestationKey).isEqualTo(platform.attestationPublicKey());
    assertThat(verifyRaw(rawKey(q.attestationKey), q.signedBytes, q.quoteSignature)).isTrue();
    // Also with the project's verifier primitive.
    assertThat(EcdsaP256.verifyRaw(projectKey(q.attestationKey), q.signedBytes.toByteArray(), q.quoteSignature))
        .isTrue();
    checkQeReportAndChain(q, platform, 1);
    assertThat(q.qeAuthData).isEqualTo(SimQuotingEnclave.AUTH_DATA);
  }

  @Test
  void debugSetsTheEnclaveAttributeBit() {
    RawQuote q = new RawQuote(platform.quoteSgx(SgxEnclaveSpec.builder().debug(true).build()));
    assertThat(new RawQuote.Report(q.body()).attributes().get(0) & 0x02).isEqualTo(0x02);
    SgxEnclaveSpec spec = SgxEnclaveSpec.builder().attributes(0x07, 0xe7).debug(false).build();
    assertThat(spec.debug()).isFalse();
    assertThat(spec.attributes()).isEqualTo(Bytes.fromHex("0500000000000000E700000000000000"));
  }

  @Test
  void tdxQuoteV4HasIntelsLayoutAndTheTdReport() {
    PlatformTcb tcb = PlatformTcb.ofSvn(6).withTdxModule(PlatformTcb.TdxModule.of(1, 5)).withTdxSvn(3);
    SimPlatform p = root.issuePlatform(tcb, NOW);
    Bytes rtmr3 = Bytes.wrap(filled(48, 0x33));
    TdSpec spec = TdSpec.builder()
        .mrTd(Bytes.wrap(filled(48, 0xaa)))
        .mrOwner(Bytes.wrap(filled(48, 0xbb)))
        .rtmr(3, rtmr3)
        .reportData(Bytes.fromHex("cafe"))
        .build();
    RawQuote q = new RawQuote(p.quoteTdx(spec));

    assertThat(q.version).isEqualTo(4);
    assertThat(q.keyType).isEqualTo(2);
    assertThat(q.teeType).isEqualTo(0x81);
    assertThat(q.qeSvn).isZero();
    assertThat(q.pceSvn).isZero();
    assertThat(q.vendorId).isEqualTo(INTEL_QE_VENDOR);
    assertThat(q.signedBytes.length()).isEqualTo(632);
    assertThat(q.outerCertType).isEqualTo(6);
    assertThat(q.end).isEqualTo(q.q.length);

    Bytes body = q.body();
    assertThat(body.slice(0, 16)).isEqualTo(Bytes.fromHex("05010300000000000000000000000000"));
    assertThat(body.slice(16, 48)).isEqualTo(PlatformTcb.TdxModule.DEFAULT_MR_SEAM);
    assertThat(body.slice(64, 48).isAllZero()).isTrue(); // MRSIGNERSEAM: Intel's
    assertThat(body.slice(112, 8).isAllZero()).isTrue(); // SEAMATTRIBUTES
    assertThat(body.slice(120, 8)).isEqualTo(Bytes.fromHex("0000001000000000"));
    assertThat(body.slice(128, 8)).isEqualTo(Bytes.fromHex("e702060000000000"));
    assertThat(q.slice(184, 48)).isEqualTo(Bytes.wrap(filled(48, 0xaa))); // MRTD at absolute 184
    assertThat(body.slice(232, 48)).isEqualTo(Bytes.wrap(filled(48, 0xbb)));
    assertThat(body.slice(328 + 3 * 48, 48)).isEqualTo(rtmr3);
    assertThat(body.slice(520, 64)).isEqualTo(Bytes.wrap(concat(Bytes.fromHex("cafe").toByteArray(), new byte[62])));

    assertThat(verifyRaw(rawKey(q.attestationKey), q.signedBytes, q.quoteSignature)).isTrue();
    checkQeReportAndChain(q, p, 2);
    assertThat(new RawQuote.Report(q.qeReport).isvSvn()).isEqualTo(PlatformTcb.QE_SVN_UP_TO_DATE);
  }

  @Test
  void tdDebugSetsTdAttributeBitZero() {
    RawQuote q = new RawQuote(platform.quoteTdx(TdSpec.builder().debug(true).build()));
    assertThat(q.body().get(120) & 0x01).isEqualTo(1);
    assertThat(TdSpec.builder().debug(true).build().debug()).isTrue();
  }

  @Test
  void quotesOfTheSameInputAreIdentical() {
    // Deterministic ECDSA: a quote is a function of the platform and the spec.
    assertThat(platform.quoteSgx(SgxEnclaveSpec.builder().build())).isEqualTo(platform.quoteSgx(SgxEnclaveSpec.builder().build()));
  }

  /** The QE report is the simulated QE's, signed by the PCK key, and binds the attestation key. */
  private void checkQeReportAndChain(RawQuote q, SimPlatform p, int qeProdId) {
    assertThat(q.certType).isEqualTo(5);
    String pem = new String(q.certData.toByteArray(), StandardCharsets.US_ASCII);
    assertThat(pem).endsWith("-----END CERTIFICATE-----\n\0");
    List<ParsedCertificate> chain = SimTesting.pemChain(pem);
    assertThat(chain).hasSize(3);
    assertThat(chain.get(0).der().toByteArray()).isEqualTo(p.pckCertificateDer());
    assertThat(chain.get(1).der().toByteArray()).isEqualTo(root.pckCaCertificateDer());
    assertThat(chain.get(2).der().toByteArray()).isEqualTo(root.rootCertificateDer());
    assertThat(chain.get(0).isSignedBy(chain.get(1))).isTrue();
    assertThat(chain.get(1).isSignedBy(chain.get(2))).isTrue();
    assertThat(chain.get(2).isSignedBy(chain.get(2))).isTrue();

    assertThat(verifyRaw(chain.get(0).publicKey(), q.qeReport, q.qeReportSignature)).isTrue();
    RawQuote.Report qe = new RawQuote.Report(q.qeReport);
    byte[] expected = EcdsaP256.sha256(concat(q.attestationKey.toByteArray(), q.qeAuthData.toByteArray()));
    assertThat(qe.reportData().slice(0, 32)).isEqualTo(Bytes.wrap(expected));
    assertThat(qe.reportData().slice(32, 32).isAllZero()).isTrue();
    assertThat(qe.mrSigner()).isEqualTo(SimQuotingEnclave.MR_SIGNER);
    assertThat(qe.isvProdId()).isEqualTo(qeProdId);
    assertThat(qe.miscSelect()).isZero();
    // Under the QE identity's mask the attributes equal its expected attributes (and DEBUG is clear).
    for (int i = 0; i < 16; i++) {
      int mask = SimQuotingEnclave.IDENTITY_ATTRIBUTES_MASK.get(i) & 0xff;
      assertThat(qe.attributes().get(i) & mask).isEqualTo(SimQuotingEnclave.IDENTITY_ATTRIBUTES.get(i) & 0xff);
    }
    assertThat(qe.cpuSvn()).isEqualTo(p.tcb().cpuSvn());
  }

  static byte[] filled(int n, int v) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) v);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static dev.clave.attestation.pki.P256PublicKey projectKey(dev.clave.attestation.Bytes xy) {
    try {
      return EcdsaP256.rawPublicKey(xy);
    } catch (dev.clave.attestation.pki.PkiException e) {
      throw new AssertionError(e.getMessage());
    }
  }
}
