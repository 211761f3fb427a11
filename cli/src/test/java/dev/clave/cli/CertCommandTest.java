package dev.clave.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertCommandTest {
  @TempDir Path tmp;

  static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static byte[] selfSigned(KeyPair kp) throws Exception {
    X500Name name = new X500Name("CN=rcgen self signed cert");
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    return new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(from), Date.from(from.plusSeconds(86400)), name,
            kp.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()))
        .getEncoded();
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** Base58Check, version 1, written independently of Clave's encoder (BigInteger arithmetic). */
  static String independentKeyHash(byte[] spki) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] body = new byte[33];
    body[0] = 1;
    System.arraycopy(sha.digest(spki), 0, body, 1, 32);
    byte[] check = Arrays.copyOf(sha.digest(sha.digest(body)), 4);
    byte[] all = Arrays.copyOf(body, 37);
    System.arraycopy(check, 0, all, 33, 4);
    String alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    StringBuilder s = new StringBuilder();
    BigInteger n = new BigInteger(1, all);
    BigInteger base = BigInteger.valueOf(58);
    while (n.signum() > 0) {
      BigInteger[] qr = n.divideAndRemainder(base);
      s.append(alphabet.charAt(qr[1].intValue()));
      n = qr[0];
    }
    for (int i = 0; i < all.length && all[i] == 0; i++) {
      s.append('1');
    }
    return s.reverse().toString();
  }

  @Test
  void printsTheKeyHashOfAPemCertificate() throws Exception {
    KeyPair kp = p256();
    byte[] der = selfSigned(kp);
    X509Certificate jdk = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    String expected = independentKeyHash(jdk.getPublicKey().getEncoded());

    Path cert = Files.writeString(tmp.resolve("cert.pem"), pem("CERTIFICATE", der));
    CliRun run = CliRun.of("cert", "key-hash", cert.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(expected + System.lineSeparator());
    assertThat(expected).hasSize(50);
    assertThat(run.err()).isEmpty();

    // The same key as a PEM public key, in a DER certificate, and in an identity file (key + certificate).
    Path pub = Files.writeString(tmp.resolve("pub.pem"), pem("PUBLIC KEY", kp.getPublic().getEncoded()));
    assertThat(CliRun.of("cert", "key-hash", pub.toString()).out().strip()).isEqualTo(expected);
    Path derFile = Files.write(tmp.resolve("cert.der"), der);
    assertThat(CliRun.of("cert", "key-hash", derFile.toString()).out().strip()).isEqualTo(expected);
    Path identity = Files.writeString(tmp.resolve("identity.pem"), pem("PRIVATE KEY", kp.getPrivate().getEncoded()) + pem("CERTIFICATE", der));
    assertThat(CliRun.of("cert", "key-hash", identity.toString()).out().strip()).isEqualTo(expected);
  }

  @Test
  void inputErrorsExitTwoWithOneLine() throws Exception {
    CliRun missing = CliRun.of("cert", "key-hash", tmp.resolve("nope.pem").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("clave: certificate file " + tmp.resolve("nope.pem") + " does not exist" + System.lineSeparator());

    Path garbage = Files.writeString(tmp.resolve("garbage.der"), "hello");
    CliRun bad = CliRun.of("cert", "key-hash", garbage.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).startsWith("clave: " + garbage + ": not a DER X.509 certificate").doesNotContain("\tat ");
    assertThat(bad.err().lines()).hasSize(1);

    byte[] der = selfSigned(p256());
    Path two = Files.writeString(tmp.resolve("two.pem"), pem("CERTIFICATE", der) + pem("CERTIFICATE", der));
    CliRun twice = CliRun.of("cert", "key-hash", two.toString());
    assertThat(twice.exitCode()).isEqualTo(2);
    assertThat(twice.err()).contains("2 PEM CERTIFICATE or PUBLIC KEY blocks; expected exactly one");

    assertThat(CliRun.of("cert", "key-hash").exitCode()).isEqualTo(2);
  }
}
