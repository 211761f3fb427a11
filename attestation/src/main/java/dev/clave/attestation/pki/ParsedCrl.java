package dev.clave.attestation.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * A DER X.509 v2 CRL of the DCAP PKI (root CA CRL or PCK CRL), decoded once.
 *
 * <p>Read with {@link Der} rather than an ASN.1 object tree: a PCK CRL lists every revoked PCK certificate of
 * its CA, thousands for the processor CA, and building objects and parsing dates through general-purpose
 * code for each was the largest cost of a first verification after the signatures. The signed bytes are the
 * exact input span of tbsCertList, never a re-encoding.
 */
public final class ParsedCrl {
  /** AlgorithmIdentifier { ecdsa-with-SHA256 } (1.2.840.10045.4.3.2), parameters absent as RFC 5758 says. */
  private static final byte[] ECDSA_WITH_SHA256 = {
    0x30, 0x0A, 0x06, 0x08, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02
  };
  private static final byte[] VERSION_2 = {0x02, 0x01, 0x01};
  private static final byte[] CRL_NUMBER = {0x06, 0x03, 0x55, 0x1D, 0x14}; // 2.5.29.20
  private static final byte[] AUTHORITY_KEY_ID = {0x06, 0x03, 0x55, 0x1D, 0x23}; // 2.5.29.35

  private final String what;
  private final byte[] tbs;
  private final byte[] signature;
  private final X500Name issuer;
  private final Instant thisUpdate;
  private final Instant nextUpdate;
  private final Map<BigInteger, Instant> revoked;

  private ParsedCrl(byte[] der, String what) throws PkiException {
    this.what = what;
    final Der d = new Der(der, what, "DER X.509 CRL");
    final Der.Element list = d.expect(Der.SEQUENCE, 0, der.length, "CertificateList");
    if (list.end() != der.length) {
      throw d.error("CertificateList", list.end(), (der.length - list.end()) + " bytes follow it");
    }
    final Der.Element tbsList = d.expect(Der.SEQUENCE, list.valueStart(), list.end(), "tbsCertList");
    final Der.Element algorithm = d.expect(Der.SEQUENCE, tbsList.end(), list.end(), "signatureAlgorithm");
    if (!d.encodes(algorithm, ECDSA_WITH_SHA256)) {
      throw new PkiException(what + " is not signed with ecdsa-with-SHA256");
    }
    final Der.Element bits = d.expect(Der.BIT_STRING, algorithm.end(), list.end(), "signatureValue");
    if (bits.end() != list.end()) {
      throw d.error("CertificateList", bits.end(), "an element follows signatureValue");
    }
    if (bits.valueLength() < 1 || der[bits.valueStart()] != 0) {
      throw d.error("signatureValue", bits.start(), "a signature is a whole number of bytes (0 unused bits)");
    }
    this.tbs = Arrays.copyOfRange(der, tbsList.start(), tbsList.end());
    this.signature = Arrays.copyOfRange(der, bits.valueStart() + 1, bits.end());

    final int end = tbsList.end();
    Der.Element e = d.read(tbsList.valueStart(), end, "version");
    if (e.tag() != Der.INTEGER || !d.encodes(e, VERSION_2)) {
      throw d.error("version", e.start(), "a CRL with extensions must be v2 (INTEGER 1)");
    }
    e = d.expect(Der.SEQUENCE, e.end(), end, "signature");
    if (!d.encodes(e, ECDSA_WITH_SHA256)) {
      throw new PkiException(what + " is not signed with ecdsa-with-SHA256");
    }
    e = d.expect(Der.SEQUENCE, e.end(), end, "issuer");
    this.issuer = name(d, e);
    e = d.read(e.end(), end, "thisUpdate");
    this.thisUpdate = d.time(e, "thisUpdate");
    if (e.end() == end || !isTime(der[e.end()])) {
      throw new PkiException(what + " has no nextUpdate, so its freshness cannot be judged");
    }
    e = d.read(e.end(), end, "nextUpdate");
    this.nextUpdate = d.time(e, "nextUpdate");
    int pos = e.end();
    final Map<BigInteger, Instant> entries = new HashMap<>();
    if (pos < end && (der[pos] & 0xFF) == Der.SEQUENCE) {
      final Der.Element revokedList = d.read(pos, end, "revokedCertificates");
      for (int p = revokedList.valueStart(); p < revokedList.end(); ) {
        final Der.Element entry = d.expect(Der.SEQUENCE, p, revokedList.end(), "revokedCertificates entry");
        final Der.Element serial = d.expect(Der.INTEGER, entry.valueStart(), entry.end(), "userCertificate");
        if (serial.valueLength() == 0) {
          throw d.error("userCertificate", serial.start(), "an INTEGER has at least one content byte");
        }
        final Der.Element date = d.read(serial.end(), entry.end(), "revocationDate");
        final Instant at = d.time(date, "revocationDate");
        if (date.end() < entry.end()) {
          final Der.Element entryExtensions = d.expect(Der.SEQUENCE, date.end(), entry.end(), "crlEntryExtensions");
          if (entryExtensions.end() != entry.end()) {
            throw d.error("revokedCertificates entry", entryExtensions.end(), "an element follows crlEntryExtensions");
          }
        }
        entries.putIfAbsent(new BigInteger(der, serial.valueStart(), serial.valueLength()), at);
        p = entry.end();
      }
      pos = revokedList.end();
    }
    if (pos == end || (der[pos] & 0xFF) != Der.CONTEXT_0) {
      throw new PkiException(what + " lacks the CRL number or authority key identifier extension");
    }
    final Der.Element wrapper = d.read(pos, end, "crlExtensions");
    if (wrapper.end() != end) {
      throw d.error("tbsCertList", wrapper.end(), "an element follows crlExtensions");
    }
    requireIntelExtensions(d, d.expect(Der.SEQUENCE, wrapper.valueStart(), wrapper.end(), "crlExtensions"));
    this.revoked = Map.copyOf(entries);
  }

  private static boolean isTime(byte tag) {
    return tag == Der.UTC_TIME || tag == Der.GENERALIZED_TIME;
  }

  private X500Name name(Der d, Der.Element e) throws PkiException {
    try {
      return X500Name.getInstance(ASN1Primitive.fromByteArray(Arrays.copyOfRange(d.bytes(), e.start(), e.end())));
    } catch (IOException | RuntimeException ex) {
      throw d.error("issuer", e.start(), "not an X.500 name");
    }
  }

  /** Intel's verifier requires both; a CRL without them is not one Intel (or our simulation) issued. */
  private void requireIntelExtensions(Der d, Der.Element extensions) throws PkiException {
    boolean number = false;
    boolean authorityKey = false;
    for (int p = extensions.valueStart(); p < extensions.end(); ) {
      final Der.Element extension = d.expect(Der.SEQUENCE, p, extensions.end(), "crlExtensions entry");
      final Der.Element id = d.expect(Der.OID, extension.valueStart(), extension.end(), "extnID");
      number |= d.encodes(id, CRL_NUMBER);
      authorityKey |= d.encodes(id, AUTHORITY_KEY_ID);
      p = extension.end();
    }
    if (!number || !authorityKey) {
      throw new PkiException(what + " lacks the CRL number or authority key identifier extension");
    }
  }

  public static ParsedCrl parse(byte[] der, String what) throws PkiException {
    return new ParsedCrl(der, what);
  }

  /** True when the names link up and {@code issuerCert}'s key signed this CRL. */
  public boolean isSignedBy(ParsedCertificate issuerCert) {
    return issuer.equals(issuerCert.subject()) && EcdsaP256.verifyDer(issuerCert.publicKey(), tbs, signature);
  }

  /** The revocation date of {@code serial}, or null when it is not listed. */
  public Instant revocationDate(BigInteger serial) {
    return revoked.get(serial);
  }

  public int size() {
    return revoked.size();
  }

  public X500Name issuer() {
    return issuer;
  }

  public String issuerCommonName() {
    return ParsedCertificate.commonName(issuer);
  }

  public Instant thisUpdate() {
    return thisUpdate;
  }

  public Instant nextUpdate() {
    return nextUpdate;
  }

  public String what() {
    return what;
  }
}
