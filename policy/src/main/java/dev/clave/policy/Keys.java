package dev.clave.policy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/** Key forms in access policies: certificate key hashes, key hashes and signer keys. */
final class Keys {
  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  private Keys() {}

  /** The key hash of a PEM certificate's public key, or null when it does not parse. */
  static String certificateKeyHash(String pem) {
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      return java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded()));
    } catch (CertificateException | java.security.NoSuchAlgorithmException | ClassCastException e) {
      return null;
    }
  }

  static boolean isKeyHash(String s) {
    if (s.length() < 45 || s.length() > 55) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (BASE58.indexOf(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The signer key in a normal form, or null. */
  static String signerKey(String key) {
    if (key.startsWith("-----BEGIN PUBLIC KEY-----") || isKeyHash(key)) {
      return key;
    }
    return null;
  }
}
