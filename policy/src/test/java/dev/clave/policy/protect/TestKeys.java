package dev.clave.policy.protect;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Real keys and certificates made with the JDK (and BouncyCastle's certificate builder), PEM-encoded. */
final class TestKeys {
  private TestKeys() {}

  static KeyPair generate(String algorithm) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm.startsWith("P-") ? "EC" : algorithm);
      switch (algorithm) {
        case "P-256" -> g.initialize(new ECGenParameterSpec("secp256r1"));
        case "P-384" -> g.initialize(new ECGenParameterSpec("secp384r1"));
        case "RSA" -> g.initialize(2048);
        default -> {}
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  static String publicPem(KeyPair kp) {
    return pem("PUBLIC KEY", kp.getPublic().getEncoded());
  }

  static String privatePem(KeyPair kp) {
    return pem("PRIVATE KEY", kp.getPrivate().getEncoded());
  }

  /** A self-signed certificate (DER) for the key pair; EC keys sign with SHA256withECDSA, RSA with SHA256withRSA. */
  static byte[] selfSigned(KeyPair kp, String cn) {
    try {
      X500Name name = new X500Name("CN=" + cn);
      Instant now = Instant.parse("2026-01-01T00:00:00Z");
      var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(cn.hashCode() & 0x7fffffff), Date.from(now),
          Date.from(now.plusSeconds(86400 * 365)), name, kp.getPublic());
      String sigAlg = switch (kp.getPublic().getAlgorithm()) {
        case "EC" -> "SHA256withECDSA";
        case "RSA" -> "SHA256withRSA";
        default -> "Ed25519";
      };
      return builder.build(new JcaContentSignerBuilder(sigAlg).build(kp.getPrivate())).getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
