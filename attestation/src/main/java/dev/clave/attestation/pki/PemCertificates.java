package dev.clave.attestation.pki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Splits PEM text (a quote's certification data, a PCS issuer chain) into DER certificates. */
public final class PemCertificates {
  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";
  private static final int MAX_CERTIFICATES = 8;

  private PemCertificates() {}

  /**
   * Returns the DER certificates in order. Text outside the blocks is ignored (quotes NUL-terminate the
   * chain); a block that does not close or is not base64 is an error naming its position.
   */
  public static List<byte[]> decode(String pem, String what) throws PkiException {
    List<byte[]> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int begin = pem.indexOf(BEGIN, from);
      if (begin < 0) {
        break;
      }
      int end = pem.indexOf(END, begin);
      if (end < 0) {
        throw new PkiException(what + ": certificate " + (out.size() + 1) + " has no END line");
      }
      if (out.size() == MAX_CERTIFICATES) {
        throw new PkiException(what + ": more than " + MAX_CERTIFICATES + " certificates");
      }
      String body = pem.substring(begin + BEGIN.length(), end);
      try {
        out.add(Base64.getMimeDecoder().decode(body));
      } catch (IllegalArgumentException e) {
        throw new PkiException(what + ": certificate " + (out.size() + 1) + " is not valid base64");
      }
      from = end + END.length();
    }
    if (out.isEmpty()) {
      throw new PkiException(what + ": no PEM certificate found");
    }
    return out;
  }

  public static List<byte[]> decode(byte[] pem, String what) throws PkiException {
    return decode(new String(pem, StandardCharsets.US_ASCII), what);
  }
}
