package dev.clave.attestation.sim;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.P256PublicKey;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PemCertificates;
import dev.clave.attestation.pki.PkiException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/** Shared fixtures: one root per test class is plenty (keys are cheap, but not free). */
final class SimTesting {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private SimTesting() {}

  static ParsedCertificate cert(byte[] der) {
    try {
      return ParsedCertificate.parse(der, "test certificate");
    } catch (PkiException e) {
      throw new AssertionError(e.getMessage());
    }
  }

  static List<ParsedCertificate> pemChain(String pem) {
    try {
      return PemCertificates.decode(pem, "test chain").stream().map(SimTesting::cert).toList();
    } catch (PkiException e) {
      throw new AssertionError(e.getMessage());
    }
  }

  /** Raw r‖s ECDSA-SHA256 verification with BC's low-level verifier, independent of EcdsaP256.verifyRaw. */
  static boolean verifyRaw(ECPublicKeyParameters key, Bytes message, Bytes signature) {
    byte[] s = signature.toByteArray();
    if (s.length != 64) {
      return false;
    }
    ECDSASigner v = new ECDSASigner();
    v.init(false, key);
    return v.verifySignature(EcdsaP256.sha256(message.toByteArray()),
        new BigInteger(1, Arrays.copyOfRange(s, 0, 32)), new BigInteger(1, Arrays.copyOfRange(s, 32, 64)));
  }

  /** A raw x‖y key as BouncyCastle's, so checks stay independent of Clave's own P-256 code. */
  static ECPublicKeyParameters rawKey(Bytes xy) {
    byte[] sec1 = new byte[65];
    sec1[0] = 0x04;
    xy.copyTo(sec1, 1);
    return new ECPublicKeyParameters(EcdsaP256.DOMAIN.getCurve().decodePoint(sec1), EcdsaP256.DOMAIN);
  }

  static boolean verifyRaw(P256PublicKey key, Bytes message, Bytes signature) {
    byte[] xy = new byte[64];
    System.arraycopy(key.x(), 0, xy, 0, 32);
    System.arraycopy(key.y(), 0, xy, 32, 32);
    return verifyRaw(rawKey(Bytes.wrap(xy)), message, signature);
  }

  /**
   * The exact text of the JSON value of {@code field} in a PCS body, from its opening brace to the
   * matching one (string-aware), as verifiers extract what the signature covers.
   */
  static String signedValue(String body, String field) {
    String key = "\"" + field + "\":";
    int start = body.indexOf(key);
    if (start < 0) {
      throw new AssertionError("no " + field);
    }
    int i = body.indexOf('{', start + key.length());
    int depth = 0;
    boolean inString = false;
    for (int j = i; j < body.length(); j++) {
      char c = body.charAt(j);
      if (inString) {
        if (c == '\\') {
          j++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return body.substring(i, j + 1);
      }
    }
    throw new AssertionError("unbalanced JSON");
  }

  static Bytes utf8(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }
}
