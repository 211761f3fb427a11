package dev.clave.policy.secrets;

import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** Validates generated certificates the way a Java TLS peer would: the JDK's PKIX validator. */
final class Pkix {
  private Pkix() {}

  /**
   * Validates {@code cert} with its chain up to {@code anchor} (which must be the chain's last element, or
   * the certificate itself when self-signed), revocation off, at {@code at}, optionally requiring an EKU.
   */
  static PKIXCertPathValidatorResult validate(
      SecretValue.Certificate cert, X509Certificate anchor, Instant at, String requiredEku) throws Exception {
    List<X509Certificate> path = new ArrayList<>();
    path.add(cert.x509());
    path.addAll(cert.chainX509());
    if (path.size() > 1 && path.get(path.size() - 1).equals(anchor)) {
      path.remove(path.size() - 1); // PKIX paths exclude the trust anchor
    }
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    if (requiredEku != null) {
      X509CertSelector target = new X509CertSelector();
      target.setExtendedKeyUsage(Set.of(requiredEku));
      params.setTargetCertConstraints(target);
    }
    return (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, params);
  }
}
