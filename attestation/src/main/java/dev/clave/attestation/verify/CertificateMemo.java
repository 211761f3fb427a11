package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PkiException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certificates a verifier has decoded, by DER: the PCK CA appears in every quote's chain and in the PCK
 * CRL's issuer chain, the TCB signing certificate in two issuer chains, the root in all of them. Decoding
 * each once also lets {@link ParsedCertificate#isSignedBy} remember a signature it already checked, so the
 * same certificate is never verified twice. Trusted roots are answered from their own instances.
 */
final class CertificateMemo {
  private static final int MAX_ENTRIES = 1024;

  private final List<TrustedRoot> roots;
  private final Map<Key, ParsedCertificate> parsed = new ConcurrentHashMap<>();

  private record Key(Bytes der, String what) {}

  CertificateMemo(List<TrustedRoot> roots) {
    this.roots = List.copyOf(roots);
  }

  ParsedCertificate parse(byte[] der, String what) throws PkiException {
    for (TrustedRoot r : roots) {
      if (r.certificate().der().equals(Bytes.wrap(der))) {
        return r.certificate();
      }
    }
    Key key = new Key(Bytes.wrap(der), what);
    ParsedCertificate cert = parsed.get(key);
    if (cert == null) {
      cert = ParsedCertificate.parse(der, what);
      if (parsed.size() >= MAX_ENTRIES) {
        parsed.clear(); // a bound against growth, not an LRU: entries are cheap to recreate
      }
      parsed.put(key, cert);
    }
    return cert;
  }
}
