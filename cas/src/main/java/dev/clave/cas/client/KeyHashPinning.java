package dev.clave.cas.client;

import dev.clave.policy.protect.KeyHash;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one CAS: the server's certificate chain must end in a certificate whose public key has the
 * pinned key hash (what {@code clave cas provision -c} and the CLI config hold). No CA, no host name: a CAS
 * is named by its key, as in the original, so the handshake fails for any other server before a byte of a
 * request is sent. Only for server authentication; a client-side trust manager.
 *
 * <p>{@link #anyServer()} believes every server: for callers that were told to warn their user about it
 * ({@code clave run} without {@code --cas-key-hash}).
 */
public final class KeyHashPinning extends X509ExtendedTrustManager {
  /** Null: any server. */
  private final java.util.Set<KeyHash> pinned;

  private KeyHashPinning(java.util.Set<KeyHash> pinned) {
    this.pinned = pinned;
  }

  /** Trusts only the CAS whose key has this hash. */
  public static KeyHashPinning pinned(KeyHash casKeyHash) {
    return new KeyHashPinning(java.util.Set.of(java.util.Objects.requireNonNull(casKeyHash, "casKeyHash")));
  }

  /** Trusts a CAS whose key has one of these hashes (a primary's registered backups); none if empty. */
  public static KeyHashPinning anyOf(java.util.Collection<KeyHash> casKeyHashes) {
    return new KeyHashPinning(java.util.Set.copyOf(casKeyHashes));
  }

  /** Trusts any server that presents a certificate. Unauthenticated: say so to the user. */
  public static KeyHashPinning anyServer() {
    return new KeyHashPinning(null);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the CAS presented no certificate");
    }
    if (pinned == null) {
      return;
    }
    // The pinned key is the CAS's root key; its TLS certificate is that root or issued under it.
    X509Certificate top = chain[chain.length - 1];
    if (pinned.stream().noneMatch(k -> k.matches(top.getPublicKey().getEncoded()))) {
      throw new CertificateException("the server's key hash is " + KeyHash.of(top.getPublicKey().getEncoded())
          + ", not " + (pinned.size() == 1 ? "the pinned CAS key hash " + pinned.iterator().next()
              : "one of the pinned CAS key hashes " + pinned));
    }
    for (int i = 0; i + 1 < chain.length; i++) {
      try {
        chain[i].verify(chain[i + 1].getPublicKey());
      } catch (java.security.GeneralSecurityException e) {
        throw new CertificateException("the CAS's certificate chain does not verify", e);
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
    throw new CertificateException("a client-side trust manager");
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
