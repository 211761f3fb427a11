package dev.clave.runtime;

import dev.clave.policy.protect.KeyHash;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which CAS {@code clave run} believes. Pinned: the last certificate of the server's chain must carry the
 * key with the pinned key hash (the CAS's identity, as {@code clave cas provision} and policies name it) and
 * the chain must verify, so another server fails the handshake before the quote is sent. Unpinned: any
 * server (the caller was warned). A CAS is named by its key, not by a host name or a CA.
 */
final class CasTrust extends X509ExtendedTrustManager {
  private final KeyHash pinned;

  /** @param pinned the CAS's key hash, or null to believe any server */
  CasTrust(KeyHash pinned) {
    this.pinned = pinned;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the CAS presented no certificate");
    }
    if (pinned == null) {
      return;
    }
    X509Certificate last = chain[chain.length - 1];
    if (!pinned.matches(last.getPublicKey().getEncoded())) {
      throw new CertificateException("the server's key hash is " + KeyHash.of(last.getPublicKey().getEncoded())
          + ", not the pinned " + pinned);
    }
    for (int i = 0; i + 1 < chain.length; i++) {
      try {
        chain[i].verify(chain[i + 1].getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new CertificateException("the CAS's certificate chain does not verify");
      }
    }
    chain[0].checkValidity();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("clave run does not accept clients");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
