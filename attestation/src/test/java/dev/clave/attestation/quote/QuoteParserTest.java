package dev.clave.attestation.quote;

import static dev.clave.attestation.quote.QuoteSamples.PHALA_SGX_V3;
import static dev.clave.attestation.quote.QuoteSamples.PHALA_TDX_V4;
import static dev.clave.attestation.quote.QuoteSamples.ZKDCAP_SGX_V3;
import static dev.clave.attestation.quote.QuoteSamples.ZKDCAP_TDX_V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.clave.attestation.Bytes;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class QuoteParserTest {
  static final List<String> SETS = QuoteSamples.NAMES;

  /**
   * Bytes of the quote proper, from shared/testdata/dcap/README.md: the TDX files carry zero padding after
   * it (70 and 3065 bytes).
   */
  static final Map<String, Integer> QUOTE_LENGTH =
      Map.of(PHALA_SGX_V3, 4600, PHALA_TDX_V4, 4936, ZKDCAP_SGX_V3, 4600, ZKDCAP_TDX_V4, 4935);

  static Quote parse(byte[] in) throws QuoteFormatException {
    return Quote.parse(in);
  }

  /** Parses {@code in}, which must fail, and returns the failure. */
  static QuoteFormatException failure(byte[] in) {
    QuoteFormatException e = catchThrowableOfType(QuoteFormatException.class, () -> Quote.parse(in));
    assertThat(e).as("parse must fail with a QuoteFormatException").isNotNull();
    assertThat(e.getMessage()).startsWith(e.field() + " at offset " + e.offset() + ": ");
    assertThat(e.offset()).isBetween(0, in.length);
    return e;
  }

  static void assertFailure(byte[] in, String field, int offset, String... messageParts) {
    QuoteFormatException e = failure(in);
    assertThat(e.field()).as(e.getMessage()).isEqualTo(field);
    assertThat(e.offset()).as(e.getMessage()).isEqualTo(offset);
    assertThat(e.getMessage()).contains(messageParts);
  }

  static Bytes hex(String h) {
    return Bytes.fromHex(h);
  }

  static void putU16(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  static void putU32(byte[] b, int at, long v) {
    for (int i = 0; i < 4; i++) {
      b[at + i] = (byte) (v >>> (8 * i));
    }
  }

  @Nested
  class RealQuotes {
    @ParameterizedTest
    @FieldSource("dev.clave.attestation.quote.QuoteParserTest#SETS")
    void parseAsTheirExpectedJsonDescribes(String set) throws Exception {
      JsonNode expected = new ObjectMapper().readTree(QuoteSamples.file(set, "expected.json"));
      byte[] in = QuoteSamples.quote(set);
      Quote q = parse(in);

      TeeType tee = TeeType.valueOf(expected.at("/tee").asText());
      assertThat(q.version()).isEqualTo(expected.at("/quoteVersion").asInt());
      assertThat(q.teeType()).isEqualTo(tee);
      assertThat(q.header().attestationKeyType()).isEqualTo(QuoteHeader.ECDSA_P256);
      assertThat(q.header().qeVendorId()).isEqualTo(QuoteHeader.INTEL_QE_VENDOR_ID);
      assertThat(q.bodyType()).isEqualTo(tee == TeeType.SGX ? Quote.BODY_TYPE_SGX : Quote.BODY_TYPE_TD10);
      assertThat(q.body()).isInstanceOf(tee == TeeType.SGX ? EnclaveReport.class : TdReport.class);
      assertThat(q.length()).isEqualTo(QUOTE_LENGTH.get(set));
      assertThat(q.paddingLength()).isEqualTo(in.length - QUOTE_LENGTH.get(set));
      assertThat(q.signedBytes().length()).isEqualTo(tee == TeeType.SGX ? 432 : 632);
      assertThat(q.signatureData().outerCertificationDataType()).isEqualTo(q.version() == 3 ? 5 : 6);
      assertThat(q.signatureData().certificationData().type()).isEqualTo(CertificationData.PCK_CERT_CHAIN);
      assertThat(q.signatureData().qeAuthData().length()).isEqualTo(32);
    }

    @ParameterizedTest
    @FieldSource("dev.clave.attestation.quote.QuoteParserTest#SETS")
    void qeReportIsTheOneItsQeIdentityDescribes(String set) throws Exception {
      JsonNode identity = new ObjectMapper().readTree(QuoteSamples.file(set, "qe_identity.json")).at("/enclaveIdentity");
      EnclaveReport qe = QuoteSamples.parsed(set).signatureData().qeReport();
      assertThat(qe.mrSigner().hexUpper()).isEqualTo(identity.at("/mrsigner").asText());
      assertThat(qe.isvProdId()).isEqualTo(identity.at("/isvprodid").asInt());
    }

    /** The strongest check that every field was cut at the right offset: the signatures verify over them. */
    @ParameterizedTest
    @FieldSource("dev.clave.attestation.quote.QuoteParserTest#SETS")
    void signaturesVerifyOverTheParsedPieces(String set) throws Exception {
      QuoteSignatureData sig = QuoteSamples.parsed(set).signatureData();
      Quote q = QuoteSamples.parsed(set);
      List<X509Certificate> chain = pemChain(sig.certificationData().data());
      assertThat(chain).hasSize(3);

      assertThat(verifyP1363(chain.get(0).getPublicKey(), sig.qeReport().raw(), sig.qeReportSignature())).isTrue();
      assertThat(verifyP1363(rawP256Key(sig.attestationKey()), q.signedBytes(), sig.quoteSignature())).isTrue();

      // QE report data = SHA-256(attestation key || QE authentication data) || 32 zero bytes.
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sig.attestationKey().updateDigest(sha);
      sig.qeAuthData().updateDigest(sha);
      assertThat(sig.qeReport().reportData()).isEqualTo(Bytes.wrap(Arrays.copyOf(sha.digest(), 64)));
    }

    /** The FMSPC is no quote field; it sits in the PCK certificate the quote carries. */
    @ParameterizedTest
    @FieldSource("dev.clave.attestation.quote.QuoteParserTest#SETS")
    void pckCertificateInTheQuoteCarriesTheTcbInfosFmspc(String set) throws Exception {
      JsonNode tcbInfo = new ObjectMapper().readTree(QuoteSamples.file(set, "tcb_info.json")).at("/tcbInfo");
      byte[] fmspc = HexFormat.of().parseHex(tcbInfo.at("/fmspc").asText());
      X509Certificate leaf = pemChain(QuoteSamples.parsed(set).signatureData().certificationData().data()).get(0);
      byte[] sgxExtension = leaf.getExtensionValue("1.2.840.113741.1.13.1");
      byte[] fmspcOctetString = new byte[8];
      fmspcOctetString[0] = 0x04;
      fmspcOctetString[1] = 0x06;
      System.arraycopy(fmspc, 0, fmspcOctetString, 2, 6);
      assertThat(indexOf(sgxExtension, fmspcOctetString)).isNotNegative();
    }

    @Test
    void phalaSgxFields() {
      Quote q = QuoteSamples.parsed(PHALA_SGX_V3);
      assertThat(q.header().qeSvn()).isEqualTo(10);
      assertThat(q.header().pceSvn()).isEqualTo(15);
      assertThat(q.header().userData()).isEqualTo(hex("3987622ee6968a54977c8626ef47123500000000"));
      EnclaveReport r = q.enclaveReport();
      assertThat(q.tdReport()).isNull();
      assertThat(r.cpuSvn()).isEqualTo(hex("0b0b1a18ffff04000000000000000000"));
      assertThat(r.miscSelect()).isZero();
      assertThat(r.attributes()).isEqualTo(hex("0500000000000000e700000000000000"));
      assertThat(r.debug()).isFalse();
      assertThat(r.mrEnclave()).isEqualTo(hex("33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"));
      assertThat(r.mrSigner()).isEqualTo(hex("815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6"));
      assertThat(r.isvProdId()).isZero();
      assertThat(r.isvSvn()).isZero();
      assertThat(new String(r.reportData().toByteArray(), StandardCharsets.US_ASCII)).startsWith("Hello, world!\0");
      assertThat(r.reportData().slice(13, 51).isAllZero()).isTrue();
      assertThat(r.raw()).isEqualTo(Bytes.of(QuoteSamples.quote(PHALA_SGX_V3), 48, 384));
    }

    @Test
    void zkdcapSgxFields() {
      EnclaveReport r = QuoteSamples.parsed(ZKDCAP_SGX_V3).enclaveReport();
      assertThat(r.cpuSvn()).isEqualTo(hex("15150b07ff800e000000000000000000"));
      assertThat(r.mrEnclave()).isEqualTo(hex("dca1a1841ab2e3fa7025c1d175d2c947df760b3baa4a9a0f30f4fd05718fcfe3"));
      assertThat(r.mrSigner()).isEqualTo(hex("83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e"));
      assertThat(r.reportData()).isEqualTo(hex("013a5883f5ffebfa210a8c2f6f8b8e3b7c7fd88dc7" + "00".repeat(43)));
    }

    @Test
    void phalaTdxFields() {
      Quote q = QuoteSamples.parsed(PHALA_TDX_V4);
      assertThat(q.enclaveReport()).isNull();
      TdReport td = q.tdReport();
      assertThat(td.isVersion15()).isFalse();
      assertThat(td.teeTcbSvn2()).isNull();
      assertThat(td.mrServiceTd()).isNull();
      assertThat(td.teeTcbSvn()).isEqualTo(hex("06010300000000000000000000000000"));
      assertThat(td.mrSeam())
          .isEqualTo(hex("5b38e33a6487958b72c3c12a938eaa5e3fd4510c51aeeab58c7d5ecee41d7c436489d6c8e4f92f160b7cad34207b00c1"));
      assertThat(td.mrSignerSeam().isAllZero()).isTrue();
      assertThat(td.seamAttributes().isAllZero()).isTrue();
      assertThat(td.tdAttributes()).isEqualTo(hex("0000001000000000"));
      assertThat(td.debug()).isFalse();
      assertThat(td.xfam()).isEqualTo(hex("e702060000000000"));
      // MRTD at absolute offset 184 (dcap.md §2.3: some public code wrongly reads it at 112).
      assertThat(td.mrTd())
          .isEqualTo(hex("91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7"))
          .isEqualTo(Bytes.of(QuoteSamples.quote(PHALA_TDX_V4), 184, 48));
      assertThat(td.rtmrs()).hasSize(4);
      assertThat(td.rtmrs().get(0))
          .isEqualTo(hex("44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0"));
      assertThat(td.rtmrs().get(3).isAllZero()).isTrue();
      assertThat(td.reportData())
          .isEqualTo(hex("9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9"
              + "eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20"));
    }

    @Test
    void zkdcapTdxFields() {
      Quote q = QuoteSamples.parsed(ZKDCAP_TDX_V4);
      TdReport td = q.tdReport();
      assertThat(q.header().userData().isAllZero()).isTrue();
      assertThat(td.teeTcbSvn()).isEqualTo(hex("04010700000000000000000000000000"));
      assertThat(td.mrTd())
          .isEqualTo(hex("935be7742dd89c6a4df6dba8353d89041ae0f052beef993b1e7f4524d3bc57650df20e5582158352e1240b3f1fed55d8"));
      assertThat(td.reportData().isAllZero()).isTrue();
      assertThat(q.paddingLength()).isEqualTo(3065);
    }

    @Test
    void parsedValuesAreCopiesTheCallerCannotChange() throws Exception {
      byte[] in = QuoteSamples.quote(PHALA_SGX_V3);
      Quote q = parse(in);
      Bytes before = q.enclaveReport().mrEnclave();
      Arrays.fill(in, (byte) 0x55);
      assertThat(q.enclaveReport().mrEnclave()).isEqualTo(before).isNotEqualTo(Bytes.of(in, 112, 32));
    }
  }

  /** v4 SGX and v5 quotes: no real sample is shared, so real v3/v4 content is rewritten in those layouts. */
  @Nested
  class OtherVersions {
    @ParameterizedTest
    @FieldSource("dev.clave.attestation.quote.QuoteParserTest#SETS")
    void theAssemblerRebuildsRealQuotesByteForByte(String set) {
      assertThat(QuoteAssembler.from(QuoteSamples.parsed(set)).build()).isEqualTo(QuoteSamples.quote(set));
    }

    @Test
    void sgxQuoteVersion4WrapsTheQeCertificationInType6() throws Exception {
      Quote v3 = QuoteSamples.parsed(PHALA_SGX_V3);
      Quote v4 = parse(QuoteAssembler.from(v3).asVersion(4).build());
      assertThat(v4.version()).isEqualTo(4);
      assertThat(v4.teeType()).isEqualTo(TeeType.SGX);
      assertThat(v4.bodyType()).isEqualTo(Quote.BODY_TYPE_SGX);
      assertThat(v4.body()).isEqualTo(v3.body());
      assertThat(v4.signatureData().outerCertificationDataType()).isEqualTo(6);
      assertThat(v4.signatureData().certificationData()).isEqualTo(v3.signatureData().certificationData());
      assertThat(v4.signatureData().qeReport()).isEqualTo(v3.signatureData().qeReport());
      assertThat(v4.length()).isEqualTo(v3.length() + 6);
    }

    @Test
    void version5TdReport10() throws Exception {
      Quote v4 = QuoteSamples.parsed(PHALA_TDX_V4);
      byte[] in = QuoteAssembler.from(v4).asVersion(5).build();
      Quote v5 = parse(in);
      assertThat(v5.version()).isEqualTo(5);
      assertThat(v5.bodyType()).isEqualTo(Quote.BODY_TYPE_TD10);
      assertThat(v5.tdReport()).isEqualTo(v4.tdReport());
      // The signature covers the body type and size too: 48 + 6 + 584.
      assertThat(v5.signedBytes()).isEqualTo(Bytes.of(in, 0, 638));
      assertThat(v5.signatureData()).isEqualTo(v4.signatureData());
      assertThat(v5.paddingLength()).isEqualTo(70);
    }

    @Test
    void version5TdReport15() throws Exception {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_TDX_V4));
      byte[] body = Arrays.copyOf(a.body, TdReport.LENGTH_1_5);
      for (int i = TdReport.LENGTH_1_0; i < body.length; i++) {
        body[i] = (byte) i;
      }
      a.body = body;
      Quote q = parse(a.asVersion(5).build());
      TdReport td = q.tdReport();
      assertThat(q.bodyType()).isEqualTo(Quote.BODY_TYPE_TD15);
      assertThat(td.isVersion15()).isTrue();
      assertThat(td.teeTcbSvn2()).isEqualTo(Bytes.of(body, 584, 16));
      assertThat(td.mrServiceTd()).isEqualTo(Bytes.of(body, 600, 48));
      assertThat(td.reportData()).isEqualTo(Bytes.of(body, 520, 64));
      assertThat(td.raw()).isEqualTo(Bytes.wrap(body));
      assertThat(q.signedBytes().length()).isEqualTo(54 + 648);
      // dcap.md §2.4: for a TD 1.5 v5 quote the signature data length sits at 702.
      assertThat(q.length()).isEqualTo(706 + a.signatureData().length);
    }

    @Test
    void version5Sgx() throws Exception {
      Quote v3 = QuoteSamples.parsed(ZKDCAP_SGX_V3);
      Quote v5 = parse(QuoteAssembler.from(v3).asVersion(5).build());
      assertThat(v5.bodyType()).isEqualTo(Quote.BODY_TYPE_SGX);
      assertThat(v5.enclaveReport()).isEqualTo(v3.enclaveReport());
      assertThat(v5.signedBytes().length()).isEqualTo(54 + 384);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void certificationDataWithoutAChainIsKeptForTheVerifierToRefuseByName(int type) throws Exception {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_SGX_V3));
      a.certificationDataType = type;
      a.certificationData = new byte[] {1, 2, 3};
      CertificationData c = parse(a.build()).signatureData().certificationData();
      assertThat(c.type()).isEqualTo(type);
      assertThat(c.data()).isEqualTo(Bytes.wrap(new byte[] {1, 2, 3}));
    }

    @Test
    void emptyAuthAndCertificationDataAreStructurallyFine() throws Exception {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_TDX_V4));
      a.qeAuthData = new byte[0];
      a.certificationData = new byte[0];
      a.trailing = new byte[0];
      Quote q = parse(a.build());
      assertThat(q.signatureData().qeAuthData().length()).isZero();
      assertThat(q.signatureData().certificationData().data().length()).isZero();
      assertThat(q.length()).isEqualTo(636 + 64 + 64 + 6 + 384 + 64 + 2 + 6);
    }
  }

  @Nested
  class Truncation {
    /** Every prefix shorter than the quote proper fails cleanly; prefixes into the padding just pad less. */
    @ParameterizedTest
    @FieldSource("dev.clave.attestation.quote.QuoteParserTest#SETS")
    void everyPrefixFailsWithAQuoteFormatException(String set) throws Exception {
      byte[] in = QuoteSamples.quote(set);
      int proper = QUOTE_LENGTH.get(set);
      for (int len = 0; len < proper; len++) {
        byte[] prefix = Arrays.copyOf(in, len);
        try {
          Quote.parse(prefix);
          throw new AssertionError("a " + len + "-byte prefix of " + set + " parsed");
        } catch (QuoteFormatException e) {
          assertThat(e.offset()).as("length %d: %s", len, e.getMessage()).isBetween(0, len);
        }
      }
      for (int len = proper; len <= in.length; len++) {
        assertThat(Quote.parse(Arrays.copyOf(in, len)).paddingLength()).isEqualTo(len - proper);
      }
    }

    @Test
    void emptyInput() {
      assertFailure(new byte[0], "version", 0, "needs 2 bytes but only 0 remain in the input");
    }

    @Test
    void cutInsideTheHeader() {
      assertFailure(Arrays.copyOf(QuoteSamples.quote(PHALA_SGX_V3), 13), "QE vendor ID", 12,
          "needs 16 bytes but only 1 remains in the input");
    }

    @Test
    void cutInsideTheBody() {
      assertFailure(Arrays.copyOf(QuoteSamples.quote(PHALA_TDX_V4), 600), "TD report 1.0", 48,
          "needs 584 bytes but only 552 remain in the input");
    }

    @Test
    void cutInsideTheSignatureData() {
      assertFailure(Arrays.copyOf(QuoteSamples.quote(PHALA_SGX_V3), 4000), "signature data size", 432,
          "declares 4164 bytes but only 3564 remain in the input");
    }
  }

  @Nested
  class Malformed {
    byte[] sgx() {
      return QuoteSamples.quote(PHALA_SGX_V3);
    }

    byte[] tdx() {
      return QuoteSamples.quote(PHALA_TDX_V4);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 6, 0xFFFF})
    void unknownVersion(int version) {
      byte[] q = sgx();
      putU16(q, 0, version);
      assertFailure(q, "version", 0, "found " + version + "; expected 3, 4 or 5");
    }

    @Test
    void p384AttestationKeyIsNamedAndRefused() {
      byte[] q = sgx();
      putU16(q, 2, 3);
      assertFailure(q, "attestation key type", 2, "found 3 (ECDSA-384 with P-384", "expected 2 (ECDSA-256 with P-256)");
    }

    @Test
    void unknownAttestationKeyType() {
      byte[] q = tdx();
      putU16(q, 2, 0x4242);
      assertFailure(q, "attestation key type", 2, "found 16962; expected 2");
    }

    @ParameterizedTest
    @ValueSource(longs = {0x80L, 0x01L, 0x81000000L, 0xFFFFFFFFL})
    void unknownTeeType(long tee) {
      byte[] q = tdx();
      putU32(q, 4, tee);
      assertFailure(q, "TEE type", 4,
          String.format("found 0x%08X; expected 0x00000000 (SGX) or 0x00000081 (TDX)", tee));
    }

    @Test
    void version3IsSgxOnly() {
      byte[] q = sgx();
      putU32(q, 4, 0x81);
      assertFailure(q, "TEE type", 4, "found 0x00000081 (TDX) but version 3 quotes are SGX only");
    }

    @Test
    void hugeSignatureDataSize() {
      byte[] q = sgx();
      putU32(q, 432, 0xFFFFFFFFL);
      assertFailure(q, "signature data size", 432, "declares 4294967295 bytes but only 4164 remain in the input");
    }

    @Test
    void signatureDataSizeOneShort() {
      byte[] q = sgx();
      putU32(q, 432, 4163);
      // The region ends a byte early, so the last field inside no longer fits in it.
      assertFailure(q, "certification data size", 1048, "declares 3548 bytes but only 3547 remain in the signature data");
    }

    @Test
    void signatureDataSizeCoveringMoreThanItsFields() {
      byte[] q = Arrays.copyOf(sgx(), 4601);
      putU32(q, 432, 4165);
      assertFailure(q, "signature data size", 432,
          "declares 4165 bytes but the fields of the signature data end after 4164 bytes, leaving 1 byte unaccounted for");
    }

    @Test
    void hugeQeAuthDataSize() {
      byte[] q = sgx();
      putU16(q, 1012, 0xFFFF);
      assertFailure(q, "QE authentication data size", 1012, "declares 65535 bytes but only 3586 remain in the signature data");
    }

    @Test
    void qeAuthDataSizeEatingIntoTheCertificationData() {
      byte[] q = sgx();
      putU16(q, 1012, 34);
      // The certification data header is now read two bytes late: its type is the low half of the real size.
      QuoteFormatException e = failure(q);
      assertThat(e.field()).isEqualTo("certification data type");
      assertThat(e.offset()).isEqualTo(1048);
    }

    @Test
    void hugeCertificationDataSize() {
      byte[] q = sgx();
      putU32(q, 1048, 0xFFFFFFFFL);
      assertFailure(q, "certification data size", 1048, "declares 4294967295 bytes but only 3548 remain in the signature data");
    }

    @Test
    void certificationDataLargerThanTheCap() {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_SGX_V3));
      a.certificationData = new byte[CertificationData.MAX_LENGTH + 1];
      assertFailure(a.build(), "certification data size", 1048,
          "declares 16385 bytes but the certification data may be at most 16384 bytes");
    }

    @Test
    void certificationDataAtTheCapIsAccepted() throws Exception {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_SGX_V3));
      a.certificationData = new byte[CertificationData.MAX_LENGTH];
      assertThat(parse(a.build()).signatureData().certificationData().data().length())
          .isEqualTo(CertificationData.MAX_LENGTH);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 0xFFFF})
    void unknownCertificationDataType(int type) {
      byte[] q = sgx();
      putU16(q, 1046, type);
      assertFailure(q, "certification data type", 1046, "found " + type + " (unknown); expected 1 to 5");
    }

    @Test
    void type6InAVersion3Quote() {
      byte[] q = sgx();
      putU16(q, 1046, 6);
      assertFailure(q, "certification data type", 1046,
          "found 6 (QE report certification data), which only version 4 and 5 quotes use; expected 1 to 5");
    }

    @Test
    void version4WithoutType6() {
      byte[] q = tdx();
      putU16(q, 764, 5);
      assertFailure(q, "certification data type", 764,
          "found 5 (PCK certificate chain); a version 4 quote expects 6 (QE report certification data)");
    }

    @Test
    void type6InsideType6() {
      byte[] q = tdx();
      putU16(q, 1252, 6);
      assertFailure(q, "inner certification data type", 1252,
          "found 6 (QE report certification data), which cannot nest inside itself");
    }

    @Test
    void type6SizeOneShort() {
      byte[] q = tdx();
      putU32(q, 766, 4165);
      assertFailure(q, "inner certification data size", 1254,
          "declares 3678 bytes but only 3677 remain in the QE report certification data");
    }

    @Test
    void type6SizeCoveringMoreThanItsFields() {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_TDX_V4));
      a.outerCertificationDataSize = 4167L;
      a.signatureDataSize = 4301L; // consistent one level up, so the type 6 size is the one to blame
      a.trailing = new byte[71];
      assertFailure(a.build(), "certification data size", 766,
          "declares 4167 bytes but the fields of the QE report certification data end after 4166 bytes");
    }

    @Test
    void type6SizeLargerThanTheSignatureData() {
      byte[] q = tdx();
      putU32(q, 766, 100_000);
      assertFailure(q, "certification data size", 766, "declares 100000 bytes but only 4166 remain in the signature data");
    }

    @Test
    void trailingGarbage() {
      byte[] q = Arrays.copyOf(sgx(), 4601);
      q[4600] = 0x01;
      assertFailure(q, "padding", 4600, "found byte 0x01; the quote ends at offset 4600, and only zero padding may follow it");
    }

    @Test
    void nonZeroByteInsideTdxPadding() {
      byte[] q = tdx();
      q[4936 + 10] = 0x5A;
      assertFailure(q, "padding", 4946, "found byte 0x5A; the quote ends at offset 4936");
    }

    @Test
    void inputLargerThanAnyQuote() {
      byte[] q = Arrays.copyOf(sgx(), Quote.MAX_LENGTH + 1);
      assertFailure(q, "quote", 0, "is 65537 bytes, more than the 65536 accepted");
    }

    @Test
    void zeroPaddingUpToTheMaximumIsAccepted() throws Exception {
      byte[] q = Arrays.copyOf(sgx(), Quote.MAX_LENGTH);
      assertThat(parse(q).paddingLength()).isEqualTo(Quote.MAX_LENGTH - 4600);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 0xFFFF})
    void version5UnknownBodyType(int type) {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_TDX_V4)).asVersion(5);
      a.bodyType = type;
      assertFailure(a.build(), "body type", 48,
          "found " + type + "; expected 1 (SGX enclave report), 2 (TD report 1.0) or 3 (TD report 1.5)");
    }

    @Test
    void version5BodyTypeContradictingTheTeeType() {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_TDX_V4)).asVersion(5);
      a.bodyType = Quote.BODY_TYPE_SGX;
      assertFailure(a.build(), "body type", 48, "found 1 (SGX enclave report) but the header's TEE type is TDX; expected 2 or 3");
      QuoteAssembler s = QuoteAssembler.from(QuoteSamples.parsed(PHALA_SGX_V3)).asVersion(5);
      s.bodyType = Quote.BODY_TYPE_TD15;
      assertFailure(s.build(), "body type", 48, "found 3 (TD report 1.5) but the header's TEE type is SGX; expected 1");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 583, 585, 648, 0xFFFFFFFFL})
    void version5BodySizeMustMatchItsType(long size) {
      QuoteAssembler a = QuoteAssembler.from(QuoteSamples.parsed(PHALA_TDX_V4)).asVersion(5);
      a.bodySize = size;
      assertFailure(a.build(), "body size", 50, "found " + size + "; body type 2 (TD report 1.0) is 584 bytes");
    }

    /** The fuzz seeds say in their names whether they are well formed; keep them honest. */
    @Test
    void fuzzSeedsParseOrFailAsTheirNamesSay() throws Exception {
      Path dir = Path.of(QuoteParserTest.class.getResource("QuoteParserFuzzTestInputs/fuzzParse").toURI());
      List<Path> seeds;
      try (Stream<Path> files = Files.list(dir)) {
        seeds = files.filter(f -> !f.getFileName().toString().startsWith("crash-")).sorted().toList();
      }
      assertThat(seeds).hasSizeGreaterThanOrEqualTo(14);
      for (Path seed : seeds) {
        String name = seed.getFileName().toString();
        byte[] in = Files.readAllBytes(seed);
        if (name.startsWith("malformed-")) {
          failure(in);
        } else {
          assertThat(name).matches("(real|synthetic)-.*");
          assertThat(parse(in).length()).as(name).isPositive();
        }
      }
    }

    @Test
    void flippingAnyByteOfARealQuoteNeverThrowsAnythingElse() {
      for (String set : SETS) {
        byte[] base = QuoteSamples.quote(set);
        for (int i = 0; i < base.length; i++) {
          for (int mask : new int[] {0x01, 0x80, 0xFF}) {
            byte[] q = base.clone();
            q[i] ^= (byte) mask;
            try {
              Quote.parse(q);
            } catch (QuoteFormatException expected) {
              assertThat(expected.offset()).isBetween(0, q.length);
            }
          }
        }
      }
    }
  }

  static List<X509Certificate> pemChain(Bytes pem) throws GeneralSecurityException {
    byte[] b = pem.toByteArray();
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) { // Intel's chains end in a NUL (dcap.md §8.6)
      end--;
    }
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(b, 0, end))
        .stream()
        .map(c -> (X509Certificate) c)
        .toList();
  }

  static PublicKey rawP256Key(Bytes xy) throws GeneralSecurityException {
    AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
    p.init(new ECGenParameterSpec("secp256r1"));
    ECPoint w = new ECPoint(new BigInteger(1, xy.slice(0, 32).toByteArray()), new BigInteger(1, xy.slice(32, 32).toByteArray()));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, p.getParameterSpec(ECParameterSpec.class)));
  }

  static boolean verifyP1363(PublicKey key, Bytes message, Bytes signature) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
    s.initVerify(key);
    s.update(message.toByteArray());
    return s.verify(signature.toByteArray());
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
