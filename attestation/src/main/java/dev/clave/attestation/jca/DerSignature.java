package dev.clave.attestation.jca;

import java.math.BigInteger;
import java.security.SignatureException;

/**
 * The DER ECDSA-Sig-Value ({@code SEQUENCE {INTEGER r, INTEGER s}}, RFC 3279 §2.2.3) for P-256: short-form
 * lengths only (the whole value is at most 72 bytes), minimal positive integers of at most 33 bytes, nothing
 * after the sequence.
 */
final class DerSignature {
  private DerSignature() {}

  static byte[] encode(BigInteger r, BigInteger s) {
    byte[] rb = r.toByteArray();
    byte[] sb = s.toByteArray();
    byte[] out = new byte[6 + rb.length + sb.length];
    out[0] = 0x30;
    out[1] = (byte) (4 + rb.length + sb.length);
    out[2] = 0x02;
    out[3] = (byte) rb.length;
    System.arraycopy(rb, 0, out, 4, rb.length);
    out[4 + rb.length] = 0x02;
    out[5 + rb.length] = (byte) sb.length;
    System.arraycopy(sb, 0, out, 6 + rb.length, sb.length);
    return out;
  }

  static BigInteger[] decode(byte[] der) throws SignatureException {
    if (der == null || der.length < 8 || der.length > 72) {
      throw new SignatureException("an ECDSA P-256 signature is a DER sequence of 8 to 72 bytes");
    }
    if (der[0] != 0x30 || (der[1] & 0xff) != der.length - 2) {
      throw new SignatureException("the ECDSA signature is not one DER sequence (offset 0)");
    }
    int pos = 2;
    BigInteger[] rs = new BigInteger[2];
    for (int i = 0; i < 2; i++) {
      String name = i == 0 ? "r" : "s";
      if (pos + 2 > der.length || der[pos] != 0x02) {
        throw new SignatureException("ECDSA signature: " + name + " is not a DER INTEGER (offset " + pos + ")");
      }
      int len = der[pos + 1] & 0xff;
      int start = pos + 2;
      if (len == 0 || len > 33 || start + len > der.length) {
        throw new SignatureException("ECDSA signature: " + name + " has a bad length (offset " + pos + ")");
      }
      if ((der[start] & 0x80) != 0) {
        throw new SignatureException("ECDSA signature: " + name + " is negative (offset " + pos + ")");
      }
      if (len > 1 && der[start] == 0 && (der[start + 1] & 0x80) == 0) {
        throw new SignatureException("ECDSA signature: " + name + " is not minimally encoded (offset " + pos + ")");
      }
      rs[i] = new BigInteger(1, java.util.Arrays.copyOfRange(der, start, start + len));
      pos = start + len;
    }
    if (pos != der.length) {
      throw new SignatureException("ECDSA signature: bytes after the sequence (offset " + pos + ")");
    }
    return rs;
  }
}
