package dev.clave.attestation.verify;

import dev.clave.attestation.Bytes;
import dev.clave.attestation.pki.EcdsaP256;
import dev.clave.attestation.pki.ParsedCertificate;
import dev.clave.attestation.pki.PkiException;
import java.util.Base64;
import java.util.Objects;

/**
 * A root certificate the verifier trusts, with the name verdicts report ("intel", "simulation"). Roots
 * are pinned by their public key (DER SubjectPublicKeyInfo): Intel's is compiled in; any other root must
 * be passed explicitly, and is never taken from a quote or a collateral directory.
 */
public final class TrustedRoot {
  /** Name reported for chains that end in Intel's SGX Root CA. */
  public static final String INTEL = "intel";
  /** Name reported for chains that end in a configured simulation root. */
  public static final String SIMULATION = "simulation";

  // Intel SGX Root CA (CN=Intel SGX Root CA, O=Intel Corporation), valid 2018-05-21 to 2049-12-31.
  private static final String INTEL_ROOT_CA_DER_BASE64 =
      ""
          + "MIICjzCCAjSgAwIBAgIUImUM1lqdNInzg7SVUr9QGzknBqwwCgYIKoZIzj0EAwIwaDEaMBgGA1UEAwwR"
          + "SW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0aW9uMRQwEgYDVQQHDAtTYW50"
          + "YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYTAlVTMB4XDTE4MDUyMTEwNDUxMFoXDTQ5MTIzMTIz"
          + "NTk1OVowaDEaMBgGA1UEAwwRSW50ZWwgU0dYIFJvb3QgQ0ExGjAYBgNVBAoMEUludGVsIENvcnBvcmF0"
          + "aW9uMRQwEgYDVQQHDAtTYW50YSBDbGFyYTELMAkGA1UECAwCQ0ExCzAJBgNVBAYTAlVTMFkwEwYHKoZI"
          + "zj0CAQYIKoZIzj0DAQcDQgAEC6nEwMDIYZOj/iPWsCzaEKi71OiOSLRFhWGjbnBVJfVnkY4u3IjkDYYL"
          + "0MxO4mqsyYjlBalTVYxFP2sJBK5zlKOBuzCBuDAfBgNVHSMEGDAWgBQiZQzWWp00ifODtJVSv1AbOScG"
          + "rDBSBgNVHR8ESzBJMEegRaBDhkFodHRwczovL2NlcnRpZmljYXRlcy50cnVzdGVkc2VydmljZXMuaW50"
          + "ZWwuY29tL0ludGVsU0dYUm9vdENBLmRlcjAdBgNVHQ4EFgQUImUM1lqdNInzg7SVUr9QGzknBqwwDgYD"
          + "VR0PAQH/BAQDAgEGMBIGA1UdEwEB/wQIMAYBAf8CAQEwCgYIKoZIzj0EAwIDSQAwRgIhAOW/5QkR+S9C"
          + "iSDcNoowLuPRLsWGf/Yi7GSX94BgwTwgAiEA4J0lrHoMs+Xo5o/sX6O9QWxHRAvZUGOdRQ7cvqRXaqI=";
  // SHA-256 of its SubjectPublicKeyInfo, as Intel publishes it; checked when the class loads.
  private static final Bytes INTEL_ROOT_SPKI_SHA256 =
      Bytes.fromHex("a0af031289f5d5d4132f9186068a7fc13628633ba235777472e29b6b6c67a49e");

  private static final TrustedRoot INTEL_ROOT = loadIntel();

  private final String name;
  private final ParsedCertificate certificate;

  private TrustedRoot(String name, ParsedCertificate certificate) {
    this.name = name;
    this.certificate = certificate;
  }

  /** The Intel SGX Root CA, the default and only built-in root. */
  public static TrustedRoot intel() {
    return INTEL_ROOT;
  }

  /**
   * A simulation root, e.g. one made by {@code clave sim init}: verdicts chained to it say "simulation".
   * Passing Intel's own certificate here still yields the "intel" root.
   *
   * @throws IllegalArgumentException when the certificate is not a self-signed P-256 CA certificate
   */
  public static TrustedRoot simulation(byte[] certificateDer) {
    ParsedCertificate cert = parseRoot(certificateDer, "simulation root certificate");
    if (cert.spki().equals(INTEL_ROOT.spki())) {
      return INTEL_ROOT;
    }
    return new TrustedRoot(SIMULATION, cert);
  }

  private static TrustedRoot loadIntel() {
    ParsedCertificate cert = parseRoot(Base64.getDecoder().decode(INTEL_ROOT_CA_DER_BASE64), "Intel SGX Root CA");
    if (!Bytes.wrap(EcdsaP256.sha256(cert.spki().toByteArray())).equals(INTEL_ROOT_SPKI_SHA256)) {
      throw new IllegalStateException("the compiled-in Intel SGX Root CA does not match its pinned key hash");
    }
    return new TrustedRoot(INTEL, cert);
  }

  private static ParsedCertificate parseRoot(byte[] der, String what) {
    Objects.requireNonNull(der, "certificate");
    ParsedCertificate cert;
    try {
      cert = ParsedCertificate.parse(der, what);
    } catch (PkiException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    if (!cert.isCa() || !cert.isSignedBy(cert)) {
      throw new IllegalArgumentException(what + " is not a self-signed CA certificate");
    }
    return cert;
  }

  public String name() {
    return name;
  }

  public ParsedCertificate certificate() {
    return certificate;
  }

  /** The pinned public key. */
  /** SHA-256 of the root's SubjectPublicKeyInfo: what pins it. */
  public Bytes spkiSha256() {
    return Bytes.wrap(EcdsaP256.sha256(certificate.spki().toByteArray()));
  }

  public Bytes spki() {
    return certificate.spki();
  }

  public Bytes certificateDer() {
    return certificate.der();
  }

  @Override
  public String toString() {
    // The key hash tells roots apart: a simulation root keeps Intel's common name.
    return name + " root \"" + certificate.subjectCommonName() + "\" (key SHA-256 " + spkiSha256().hex().substring(0, 16) + "…)";
  }
}
