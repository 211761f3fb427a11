package dev.clave.attestation.collateral;

import dev.clave.attestation.pki.ParsedCrl;
import dev.clave.attestation.pki.PemCertificates;
import dev.clave.attestation.pki.PkiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Structural checks of the non-JSON collateral items, shared by the bundle and the PCS client so that a
 * broken item is reported where it was read (file name, request path) rather than later by the verifier.
 * Nothing here verifies a signature or trusts anything: that stays the verifier's job.
 */
final class CollateralParts {
  /** Intel's PCK CRLs are a few KiB with tens of entries; 4 MiB allows for vastly more revocations. */
  static final int MAX_CRL_BYTES = 4 << 20;

  /** An issuer chain is two certificates, under 2 KiB of PEM; 64 KiB is generous. */
  static final int MAX_CHAIN_BYTES = 64 << 10;

  private CollateralParts() {}

  /** Checks that {@code der} is a DER X.509 CRL of the kind Intel issues; returns it parsed. */
  static ParsedCrl crl(byte[] der, String what) throws CollateralFormatException {
    try {
      return ParsedCrl.parse(der, what);
    } catch (PkiException e) {
      throw new CollateralFormatException(e.getMessage());
    } catch (RuntimeException e) {
      // Defensive: whatever a DER decoder throws on hostile input is still just a malformed CRL.
      throw new CollateralFormatException(what + " is not a DER X.509 CRL");
    }
  }

  /** Decodes PEM text that must be pure ASCII and hold at least one certificate block. */
  static String issuerChain(byte[] ascii, String what) throws CollateralFormatException {
    String pem;
    try {
      pem =
          StandardCharsets.US_ASCII
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(ascii))
              .toString();
    } catch (CharacterCodingException e) {
      throw new CollateralFormatException(what + " is not ASCII PEM text");
    }
    checkIssuerChain(pem, what);
    return pem;
  }

  static void checkIssuerChain(String pem, String what) throws CollateralFormatException {
    try {
      PemCertificates.decode(pem, what);
    } catch (PkiException e) {
      throw new CollateralFormatException(e.getMessage());
    }
  }

  /**
   * A CRL body as a PCS or PCCS serves it: DER, or DER as hex text (a PCCS's {@code rootcacrl}). DER
   * starts with a SEQUENCE tag and a length byte that is never an ASCII hex digit for a CRL this size, so
   * the two cannot be confused.
   */
  static byte[] derOrHex(byte[] body) {
    int end = body.length;
    while (end > 0 && (body[end - 1] == '\n' || body[end - 1] == '\r' || body[end - 1] == ' ')) {
      end--;
    }
    if (end == 0 || end % 2 != 0) {
      return body;
    }
    byte[] out = new byte[end / 2];
    for (int i = 0; i < end; i += 2) {
      int hi = Character.digit(body[i] & 0xff, 16);
      int lo = Character.digit(body[i + 1] & 0xff, 16);
      if (hi < 0 || lo < 0 || (body[i] & 0x80) != 0 || (body[i + 1] & 0x80) != 0) {
        return body;
      }
      out[i / 2] = (byte) ((hi << 4) | lo);
    }
    return out;
  }
}
