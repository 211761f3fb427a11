package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.quote.Quote;
import dev.clave.attestation.quote.QuoteSignatureData;
import dev.clave.attestation.testing.DcapSets;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.CertificateList;
import org.junit.jupiter.api.Test;

/**
 * Every ECDSA signature of the four real DCAP quote sets (shared/testdata/dcap): the quote (attestation
 * key), the QE report (PCK leaf key), each certificate of the PCK, TCB and QE identity chains (issuer's key,
 * Intel's root self-signed), and both CRLs. Each must verify on both paths, and fail once tampered.
 */
class P256RealSignaturesTest {
  record Signed(String what, P256PublicKey key, byte[] message, BigInteger r, BigInteger s) {}

  static BigInteger[] raw(Bytes rs) {
    byte[] b = rs.toByteArray();
    return new BigInteger[] {
      new BigInteger(1, Arrays.copyOfRange(b, 0, 32)), new BigInteger(1, Arrays.copyOfRange(b, 32, 64))
    };
  }

  static BigInteger[] der(byte[] sig) {
    ASN1Sequence seq = ASN1Sequence.getInstance(sig);
    return new BigInteger[] {
      ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(), ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()
    };
  }

  static P256PublicKey key(Certificate cert) throws PkiException {
    return P256PublicKey.fromUncompressed(cert.getSubjectPublicKeyInfo().getPublicKeyData().getOctets());
  }

  /** A PEM chain, leaf first, ending in Intel's self-signed root: each certificate signed by the next. */
  static void chain(String what, List<byte[]> ders, List<Signed> out) throws Exception {
    List<Certificate> certs = ders.stream().map(Certificate::getInstance).toList();
    for (int i = 0; i < certs.size(); i++) {
      Certificate cert = certs.get(i);
      Certificate issuer = certs.get(Math.min(i + 1, certs.size() - 1));
      BigInteger[] rs = der(cert.getSignature().getOctets());
      out.add(new Signed(what + " certificate " + i, key(issuer), cert.getTBSCertificate().getEncoded(), rs[0], rs[1]));
    }
  }

  static List<Signed> signatures(DcapSets.Set set) throws Exception {
    List<Signed> out = new ArrayList<>();
    Quote quote = Quote.parse(set.quote());
    QuoteSignatureData sig = quote.signatureData();
    byte[] ak = sig.attestationKey().toByteArray();
    BigInteger[] q = raw(sig.quoteSignature());
    out.add(new Signed(set.name() + " quote", P256PublicKey.fromAffine(Arrays.copyOfRange(ak, 0, 32), Arrays.copyOfRange(ak, 32, 64)),
        quote.signedBytes().toByteArray(), q[0], q[1]));
    List<byte[]> pck = PemCertificates.decode(sig.certificationData().data().toByteArray(), "PCK chain");
    BigInteger[] qe = raw(sig.qeReportSignature());
    out.add(new Signed(set.name() + " QE report", key(Certificate.getInstance(pck.get(0))),
        sig.qeReport().raw().toByteArray(), qe[0], qe[1]));
    chain(set.name() + " PCK", pck, out);
    chain(set.name() + " TCB", PemCertificates.decode(read(set, "tcb_info_issuer_chain.pem"), "TCB chain"), out);
    chain(set.name() + " QE identity", PemCertificates.decode(read(set, "qe_identity_issuer_chain.pem"), "QE chain"), out);
    List<byte[]> crlChain = PemCertificates.decode(read(set, "pck_crl_issuer_chain.pem"), "PCK CRL chain");
    Certificate root = Certificate.getInstance(crlChain.get(crlChain.size() - 1));
    for (String[] crl : new String[][] {{"pck_crl.der", "0"}, {"root_ca_crl.der", "root"}}) {
      CertificateList list = CertificateList.getInstance(read(set, crl[0]));
      Certificate issuer = crl[1].equals("root") ? root : Certificate.getInstance(crlChain.get(0));
      BigInteger[] rs = der(list.getSignature().getOctets());
      out.add(new Signed(set.name() + " " + crl[0], key(issuer), list.getTBSCertList().getEncoded(), rs[0], rs[1]));
    }
    return out;
  }

  static byte[] read(DcapSets.Set set, String file) throws IOException {
    return Files.readAllBytes(set.dir().resolve(file));
  }

  @Test
  void everySignatureOfTheRealQuoteSetsVerifiesOnBothPaths() throws Exception {
    int count = 0;
    for (DcapSets.Set set : DcapSets.all()) {
      for (Signed s : signatures(set)) {
        byte[] digest = EcdsaP256.sha256(s.message());
        long[] table = P256Tables.fixedWindows(s.key().affine(), 0, P256Tables.KEY_WINDOW);
        assertThat(s.key().verifyWithDoublings(digest, s.r(), s.s())).as(s.what()).isTrue();
        assertThat(s.key().verifyWithTable(digest, s.r(), s.s(), table)).as(s.what()).isTrue();
        byte[] tampered = s.message().clone();
        tampered[tampered.length / 2] ^= 1;
        byte[] other = EcdsaP256.sha256(tampered);
        assertThat(s.key().verifyWithDoublings(other, s.r(), s.s())).as(s.what() + ", tampered").isFalse();
        assertThat(s.key().verifyWithTable(other, s.r(), s.s(), table)).as(s.what() + ", tampered").isFalse();
        assertThat(s.key().verify(digest, s.r().add(BigInteger.ONE), s.s())).isFalse();
        count++;
      }
    }
    assertThat(count).as("signatures checked").isGreaterThanOrEqualTo(4 * 11);
  }
}
