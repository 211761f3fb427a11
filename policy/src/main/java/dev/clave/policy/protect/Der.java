package dev.clave.policy.protect;

import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** ASN.1 structures read with BouncyCastle's parser, with its exceptions turned into precise messages. */
final class Der {
  private Der() {}

  static SubjectPublicKeyInfo spki(byte[] der) {
    try {
      return SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new InvalidEncodingException("not a DER SubjectPublicKeyInfo (" + reason(e) + ")");
    }
  }

  static Certificate certificate(byte[] der) {
    try {
      Certificate c = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
      if (c == null) {
        throw new IllegalArgumentException("empty");
      }
      return c;
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new InvalidEncodingException("not a DER X.509 certificate (" + reason(e) + ")");
    }
  }

  static byte[] encode(SubjectPublicKeyInfo spki) {
    try {
      return spki.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of an in-memory structure failed", e);
    }
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
  }
}
