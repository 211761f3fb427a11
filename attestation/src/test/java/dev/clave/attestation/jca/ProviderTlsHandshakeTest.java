package dev.clave.attestation.jca;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * With the provider installed, the JDK's own TLS 1.3 stack does a mutually authenticated handshake over a real
 * socket, and the provider's counters show that it, not the JDK's provider, did the X25519 and ECDSA work.
 */
class ProviderTlsHandshakeTest {
  @Test
  void jsseHandshakesOnTheProvidersCrypto() throws Exception {
    assertThat(ClaveCryptoProvider.install()).isTrue();
    assertThat(java.security.Security.getProviders()[0].getName()).isEqualTo(ClaveCryptoProvider.NAME);
    KeyPair serverKey = p256();
    KeyPair clientKey = p256();
    X509Certificate serverCert = selfSigned(serverKey, "CN=server");
    X509Certificate clientCert = selfSigned(clientKey, "CN=client");
    SSLContext server = context(serverKey, serverCert, clientCert);
    SSLContext client = context(clientKey, clientCert, serverCert);

    ClaveCryptoProvider.Operations before = ClaveCryptoProvider.operations();
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      listener.setEnabledProtocols(new String[] {"TLSv1.3"});
      CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          InputStream in = s.getInputStream();
          int b = in.read();
          s.getOutputStream().write(b + 1);
          s.getOutputStream().flush();
          return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        OutputStream out = s.getOutputStream();
        out.write(41);
        out.flush();
        assertThat(s.getInputStream().read()).isEqualTo(42);
        assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
      assertThat(peer.get()).isEqualTo("CN=client");
    }
    ClaveCryptoProvider.Operations after = ClaveCryptoProvider.operations();
    // One key share and one agreement on each side; each side signs its CertificateVerify and checks the other's.
    assertThat(after.x25519KeyPairs() - before.x25519KeyPairs()).isGreaterThanOrEqualTo(2);
    assertThat(after.x25519Agreements() - before.x25519Agreements()).isGreaterThanOrEqualTo(2);
    assertThat(after.ecdsaSignatures() - before.ecdsaSignatures()).isGreaterThanOrEqualTo(2);
    assertThat(after.ecdsaVerifications() - before.ecdsaVerifications()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anEd25519ClientCertificateIsCheckedOnTheProvidersEd25519() throws Exception {
    assertThat(ClaveCryptoProvider.install()).isTrue();
    KeyPair serverKey = p256();
    KeyPair clientKey = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    X509Certificate serverCert = selfSigned(serverKey, "CN=server");
    X509Certificate clientCert = selfSigned(clientKey, "CN=client", "Ed25519");
    SSLContext server = context(serverKey, serverCert, clientCert);
    SSLContext client = context(clientKey, clientCert, serverCert);
    ClaveCryptoProvider.Operations before = ClaveCryptoProvider.operations();
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.getOutputStream().write(s.getInputStream().read());
          s.getOutputStream().flush();
          return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.setEnabledProtocols(new String[] {"TLSv1.3"});
        s.getOutputStream().write(7);
        s.getOutputStream().flush();
        assertThat(s.getInputStream().read()).isEqualTo(7);
      }
      assertThat(peer.get()).isEqualTo("CN=client");
    }
    ClaveCryptoProvider.Operations after = ClaveCryptoProvider.operations();
    assertThat(after.ed25519Signatures() - before.ed25519Signatures()).isGreaterThanOrEqualTo(1);
    assertThat(after.ed25519Verifications() - before.ed25519Verifications()).isGreaterThanOrEqualTo(1);
  }

  private static KeyPair p256() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate selfSigned(KeyPair k, String dn) throws Exception {
    return selfSigned(k, dn, "SHA256withECDSA");
  }

  private static X509Certificate selfSigned(KeyPair k, String dn, String algorithm) throws Exception {
    long now = System.currentTimeMillis();
    var builder = new JcaX509v3CertificateBuilder(new X500Name(dn), BigInteger.ONE, new Date(now - 60_000),
        new Date(now + 3_600_000), new X500Name(dn), k.getPublic());
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder(algorithm).build(k.getPrivate())));
  }

  private static SSLContext context(KeyPair key, X509Certificate own, X509Certificate trusted) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("own", key.getPrivate(), new char[0], new Certificate[] {own});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("peer", trusted);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
