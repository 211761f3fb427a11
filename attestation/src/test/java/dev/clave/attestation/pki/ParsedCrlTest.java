package dev.clave.attestation.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.attestation.testing.DcapSets;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLEntryHolder;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The CRL reader against BouncyCastle's, on Intel's real CRLs and on CRLs built here, and its refusals: every
 * truncation, every flipped byte, and each structural rule by itself.
 */
class ParsedCrlTest {
  private static final X500Name CA = new X500Name("CN=Test PCK Platform CA,O=Clave Tests");
  private static final Instant THIS_UPDATE = Instant.parse("2025-06-01T00:00:00Z");
  private static final Instant NEXT_UPDATE = Instant.parse("2025-07-01T00:00:00Z");

  private final KeyPair key = newKey();
  private final ParsedCertificate caCert = caCertificate(key);

  @Test
  void intelsRealCrlsReadAsBouncyCastleReadsThemAndVerifyUnderTheirIssuers() throws Exception {
    for (DcapSets.Set set : DcapSets.all()) {
      ParsedCertificate root = ParsedCertificate.parse(Files.readAllBytes(set.dir().resolve("root_ca.der")), "root");
      byte[] platformCa = PemCertificates.decode(
          Files.readAllBytes(set.dir().resolve("pck_crl_issuer_chain.pem")), "chain").get(0);
      ParsedCertificate pckCa = ParsedCertificate.parse(platformCa, "PCK CA");
      for (String file : List.of("root_ca_crl.der", "pck_crl.der")) {
        byte[] der = Files.readAllBytes(set.dir().resolve(file));
        ParsedCrl crl = ParsedCrl.parse(der, file);
        assertSameAsBouncyCastle(crl, der);
        assertThat(crl.isSignedBy(file.startsWith("root") ? root : pckCa)).as(set.name() + " " + file).isTrue();
      }
    }
  }

  @Test
  void everyTimeFormAndEntryShapeReadsAsBouncyCastleReadsIt() throws Exception {
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      // Positive and negative, one byte to twenty: serials as CAs issue them and as nobody should.
      serials.add(BigInteger.valueOf(i).shiftLeft(i % 150).xor(BigInteger.valueOf(i * 7919L)).negate().pow(1 + i % 2));
    }
    X509v2CRLBuilder b = builder(THIS_UPDATE, NEXT_UPDATE);
    for (int i = 0; i < serials.size(); i++) {
      // 1950–2049 are UTCTime, other years GeneralizedTime (RFC 5280 §5.1.2.6): both, and the UTCTime pivot.
      Instant at = switch (i % 4) {
        case 0 -> Instant.parse("1950-01-01T00:00:00Z");
        case 1 -> Instant.parse("2049-12-31T23:59:59Z");
        case 2 -> Instant.parse("2050-01-01T00:00:00Z");
        default -> Instant.parse("1949-12-31T23:59:59Z").plusSeconds(i);
      };
      if (i % 3 == 0) {
        b.addCRLEntry(serials.get(i), Date.from(at), CRLReason.keyCompromise);
      } else {
        b.addCRLEntry(serials.get(i), Date.from(at), (org.bouncycastle.asn1.x509.Extensions) null); // no entry extensions
      }
    }
    byte[] der = sign(b);
    ParsedCrl crl = ParsedCrl.parse(der, "CRL");
    assertSameAsBouncyCastle(crl, der);
    assertThat(crl.isSignedBy(caCert)).isTrue();
    assertThat(crl.revocationDate(BigInteger.valueOf(123456789))).isNull();
  }

  @Test
  void aCrlWithoutEntriesHasNone() throws Exception {
    byte[] der = sign(builder(THIS_UPDATE, NEXT_UPDATE));
    ParsedCrl crl = ParsedCrl.parse(der, "CRL");
    assertThat(crl.size()).isZero();
    assertThat(crl.isSignedBy(caCert)).isTrue();
    assertThat(crl.thisUpdate()).isEqualTo(THIS_UPDATE);
    assertThat(crl.nextUpdate()).isEqualTo(NEXT_UPDATE);
  }

  @Test
  void everyTruncationIsRefusedWithAPkiException() throws Exception {
    byte[] der = sign(withEntries(builder(THIS_UPDATE, NEXT_UPDATE), 3));
    for (int length = 0; length < der.length; length++) {
      byte[] cut = Arrays.copyOf(der, length);
      assertThatThrownBy(() -> ParsedCrl.parse(cut, "CRL"))
          .as("length %d", length)
          .isInstanceOf(PkiException.class)
          .hasMessageStartingWith("CRL ");
    }
  }

  @Test
  void noFlippedByteYieldsACrlThatVerifies() throws Exception {
    byte[] der = sign(withEntries(builder(THIS_UPDATE, NEXT_UPDATE), 3));
    for (int i = 0; i < der.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] flipped = der.clone();
        flipped[i] ^= (byte) mask;
        ParsedCrl crl;
        try {
          crl = ParsedCrl.parse(flipped, "CRL");
        } catch (PkiException expected) {
          continue;
        }
        assertThat(crl.isSignedBy(caCert)).as("byte %d ^ 0x%02X", i, mask).isFalse();
      }
    }
  }

  @Test
  void bytesAfterTheCrlAreRefused() throws Exception {
    byte[] der = sign(builder(THIS_UPDATE, NEXT_UPDATE));
    byte[] longer = Arrays.copyOf(der, der.length + 1);
    assertThatThrownBy(() -> ParsedCrl.parse(longer, "CRL"))
        .hasMessage("CRL is not a DER X.509 CRL: CertificateList at offset " + der.length + ": 1 bytes follow it");
  }

  @Test
  void lengthsMustBeDefiniteAndShortest() throws Exception {
    byte[] der = sign(builder(THIS_UPDATE, NEXT_UPDATE));
    assertThat(der[1] & 0xFF).as("a CRL of under 256 bytes has a one-byte long-form length").isEqualTo(0x81);
    // The same length in two bytes: a valid BER length that DER forbids.
    byte[] padded = new byte[der.length + 1];
    padded[0] = 0x30;
    padded[1] = (byte) 0x82;
    padded[2] = 0;
    System.arraycopy(der, 2, padded, 3, der.length - 2);
    assertThatThrownBy(() -> ParsedCrl.parse(padded, "CRL"))
        .hasMessage("CRL is not a DER X.509 CRL: CertificateList at offset 0: its length is not in the shortest form DER requires");
    byte[] indefinite = der.clone();
    indefinite[1] = (byte) 0x80;
    assertThatThrownBy(() -> ParsedCrl.parse(indefinite, "CRL"))
        .hasMessage("CRL is not a DER X.509 CRL: CertificateList at offset 0: indefinite lengths are not DER");
  }

  @Test
  void aCrlWithoutNextUpdateIsRefused() throws Exception {
    X509v2CRLBuilder b = new X509v2CRLBuilder(CA, Date.from(THIS_UPDATE));
    addIntelExtensions(b);
    byte[] der = sign(b);
    assertThatThrownBy(() -> ParsedCrl.parse(der, "PCK CRL"))
        .hasMessage("PCK CRL has no nextUpdate, so its freshness cannot be judged");
  }

  @Test
  void aCrlWithoutIntelsExtensionsIsRefused() throws Exception {
    X509v2CRLBuilder noExtensions = new X509v2CRLBuilder(CA, Date.from(THIS_UPDATE));
    noExtensions.setNextUpdate(Date.from(NEXT_UPDATE));
    noExtensions.addCRLEntry(BigInteger.TEN, Date.from(THIS_UPDATE), CRLReason.keyCompromise);
    byte[] der = sign(noExtensions);
    assertThatThrownBy(() -> ParsedCrl.parse(der, "PCK CRL"))
        .hasMessage("PCK CRL lacks the CRL number or authority key identifier extension");

    X509v2CRLBuilder onlyNumber = new X509v2CRLBuilder(CA, Date.from(THIS_UPDATE));
    onlyNumber.setNextUpdate(Date.from(NEXT_UPDATE));
    onlyNumber.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
    byte[] der2 = sign(onlyNumber);
    assertThatThrownBy(() -> ParsedCrl.parse(der2, "PCK CRL"))
        .hasMessage("PCK CRL lacks the CRL number or authority key identifier extension");
  }

  @Test
  void anotherSignatureAlgorithmIsRefused() throws Exception {
    X509v2CRLBuilder b = builder(THIS_UPDATE, NEXT_UPDATE);
    byte[] der = b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(key.getPrivate())).getEncoded();
    assertThatThrownBy(() -> ParsedCrl.parse(der, "PCK CRL")).hasMessage("PCK CRL is not signed with ecdsa-with-SHA256");
  }

  @Test
  void malformedTimesAreRefusedNamingTheField() throws Exception {
    byte[] der = sign(builder(THIS_UPDATE, NEXT_UPDATE));
    int at = indexOf(der, "250601000000Z"); // thisUpdate's UTCTime content
    byte[] letter = der.clone();
    letter[at + 4] = 'X';
    assertThatThrownBy(() -> ParsedCrl.parse(letter, "CRL"))
        .hasMessage("CRL is not a DER X.509 CRL: thisUpdate at offset " + (at - 2) + ": the time has a non-digit at offset " + (at + 4));
    byte[] month = der.clone();
    month[at + 2] = '1';
    month[at + 3] = '3';
    assertThatThrownBy(() -> ParsedCrl.parse(month, "CRL"))
        .hasMessage("CRL is not a DER X.509 CRL: thisUpdate at offset " + (at - 2) + ": not a valid calendar time");
    byte[] local = der.clone();
    local[at + 12] = '0';
    assertThatThrownBy(() -> ParsedCrl.parse(local, "CRL"))
        .hasMessage("CRL is not a DER X.509 CRL: thisUpdate at offset " + (at - 2) + ": the time does not end in Z (UTC)");
  }

  private static void assertSameAsBouncyCastle(ParsedCrl crl, byte[] der) throws Exception {
    X509CRLHolder bc = new X509CRLHolder(der);
    assertThat(crl.issuer()).isEqualTo(bc.getIssuer());
    assertThat(crl.thisUpdate()).isEqualTo(bc.getThisUpdate().toInstant());
    assertThat(crl.nextUpdate()).isEqualTo(bc.getNextUpdate().toInstant());
    assertThat(crl.size()).isEqualTo(bc.getRevokedCertificates().size());
    for (Object o : bc.getRevokedCertificates()) {
      X509CRLEntryHolder entry = (X509CRLEntryHolder) o;
      assertThat(crl.revocationDate(entry.getSerialNumber()))
          .as("serial %s", entry.getSerialNumber())
          .isEqualTo(entry.getRevocationDate().toInstant());
    }
  }

  private static int indexOf(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    for (int i = 0; i + n.length <= haystack.length; i++) {
      if (Arrays.equals(haystack, i, i + n.length, n, 0, n.length)) {
        return i;
      }
    }
    throw new AssertionError(needle + " not found");
  }

  private X509v2CRLBuilder builder(Instant thisUpdate, Instant nextUpdate) throws Exception {
    X509v2CRLBuilder b = new X509v2CRLBuilder(CA, Date.from(thisUpdate));
    b.setNextUpdate(Date.from(nextUpdate));
    addIntelExtensions(b);
    return b;
  }

  private void addIntelExtensions(X509v2CRLBuilder b) throws Exception {
    b.addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.ONE));
    b.addExtension(Extension.authorityKeyIdentifier, false,
        new AuthorityKeyIdentifier(new byte[] {1, 2, 3, 4}));
  }

  private static X509v2CRLBuilder withEntries(X509v2CRLBuilder b, int count) {
    for (int i = 1; i <= count; i++) {
      b.addCRLEntry(BigInteger.valueOf(1000L * i), Date.from(THIS_UPDATE), CRLReason.keyCompromise);
    }
    return b;
  }

  private byte[] sign(X509v2CRLBuilder b) throws Exception {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
    return b.build(signer).getEncoded();
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static ParsedCertificate caCertificate(KeyPair key) {
    try {
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          CA, BigInteger.ONE, Date.from(THIS_UPDATE), Date.from(NEXT_UPDATE), CA, key.getPublic());
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
      return ParsedCertificate.parse(b.build(signer).getEncoded(), "test CA");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
