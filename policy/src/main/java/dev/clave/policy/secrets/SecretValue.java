package dev.clave.policy.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The value of one secret of a session, as CAS stores it and hands it to a service: what {@link
 * SecretGenerator} produces and what {@link SecretEncoding} renders into placeholders (reference §1.5).
 *
 * <p>Every variant copies its byte arrays on the way in and on the way out, so a value cannot be changed
 * after it was checked. {@code toString} never shows secret material; {@code equals} compares in constant
 * time.
 */
public sealed interface SecretValue {

  /** An {@code ascii} secret: the text itself (generated values use {@link SecretGenerator#ASCII_ALPHABET}). */
  record Ascii(String value) implements SecretValue {
    public Ascii {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ascii other
          && MessageDigest.isEqual(
              value.getBytes(UTF_8),
              other.value.getBytes(UTF_8));
    }

    @Override
    public int hashCode() {
      return value.length(); // deliberately weak: a hash of the text would leak it through timing and logs
    }

    @Override
    public String toString() {
      return "Ascii[redacted, " + value.length() + " chars]";
    }
  }

  /** A {@code binary} secret: raw bytes. */
  record Binary(byte[] bytes) implements SecretValue {
    public Binary {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /** The number of bytes, without copying them. */
    public int length() {
      return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Binary other && MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return bytes.length;
    }

    @Override
    public String toString() {
      return "Binary[redacted, " + bytes.length + " bytes]";
    }
  }

  /**
   * A {@code private-key} secret: an unencrypted PKCS#8 {@code PrivateKeyInfo} (or RFC 5958 {@code
   * OneAsymmetricKey}, as generated for Ed25519) in DER. The constructor checks that the DER holds a key of
   * {@code keyType}.
   */
  record PrivateKey(KeyType keyType, byte[] pkcs8) implements SecretValue {
    public PrivateKey {
      Objects.requireNonNull(keyType, "keyType");
      pkcs8 = pkcs8.clone();
      KeyType found = KeyMaterial.privateKeyType(pkcs8);
      if (found != keyType) {
        throw new IllegalArgumentException(
            "the PKCS#8 key is " + found.yamlName() + ", not " + keyType.yamlName());
      }
    }

    @Override
    public byte[] pkcs8() {
      return pkcs8.clone();
    }

    /** The key as a JDK key, for signing. */
    public java.security.PrivateKey toJavaKey() {
      return KeyMaterial.toJavaPrivateKey(keyType, pkcs8);
    }

    /** The matching public key. */
    public PublicKey publicKey() {
      return new PublicKey(KeyMaterial.derivePublicKey(keyType, pkcs8));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PrivateKey other && keyType == other.keyType && MessageDigest.isEqual(pkcs8, other.pkcs8);
    }

    @Override
    public int hashCode() {
      return keyType.hashCode();
    }

    @Override
    public String toString() {
      return "PrivateKey[" + keyType.yamlName() + ", redacted]";
    }
  }

  /**
   * A {@code public-key} secret: a DER {@code SubjectPublicKeyInfo} of one of the {@link KeyType}s. Public
   * keys are not confidential, but they are still handed out only as the policy allows.
   */
  record PublicKey(byte[] spki) implements SecretValue {
    public PublicKey {
      spki = spki.clone();
      KeyMaterial.publicKeyType(spki); // checks the encoding and that the algorithm is supported
    }

    @Override
    public byte[] spki() {
      return spki.clone();
    }

    /** The key's algorithm (RSA sizes from the modulus). */
    public KeyType keyType() {
      return KeyMaterial.publicKeyType(spki);
    }

    /** The key as a JDK key, for verifying. */
    public java.security.PublicKey toJavaKey() {
      return KeyMaterial.toJavaPublicKey(spki);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PublicKey other && MessageDigest.isEqual(spki, other.spki);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(spki);
    }

    @Override
    public String toString() {
      return "PublicKey[" + keyType().yamlName() + "]";
    }
  }

  /**
   * An {@code x509} or {@code x509-ca} secret.
   *
   * @param der the certificate, DER
   * @param chain the issuer certificates (DER), the direct issuer first, up to the root; excludes {@code der}
   *     itself and is empty for a self-signed certificate or one whose issuers are unknown
   * @param privateKey the certificate's private key, or null when it is not available (an explicit
   *     certificate without {@code private_key}, or an import whose key was not exported)
   */
  record Certificate(byte[] der, List<byte[]> chain, PrivateKey privateKey) implements SecretValue {
    public Certificate {
      der = der.clone();
      List<byte[]> copies = new ArrayList<>(chain.size());
      for (byte[] c : chain) {
        copies.add(c.clone());
      }
      chain = Collections.unmodifiableList(copies);
      X509Certificate cert = parse(der); // fails on anything the JDK does not read as one X.509 certificate
      for (byte[] c : chain) {
        parse(c);
      }
      if (privateKey != null && !belongs(privateKey, cert)) {
        throw new IllegalArgumentException("the private key does not belong to the certificate");
      }
    }

    private static boolean belongs(PrivateKey key, X509Certificate cert) {
      byte[] derived = KeyMaterial.derivePublicKey(key.keyType(), key.pkcs8);
      return Arrays.equals(derived, cert.getPublicKey().getEncoded())
          // another encoding of the same key (a compressed EC point, say): check by signing
          || KeyMaterial.matches(key.keyType(), key.pkcs8, cert.getPublicKey(), new SecureRandom());
    }

    @Override
    public byte[] der() {
      return der.clone();
    }

    @Override
    public List<byte[]> chain() {
      List<byte[]> copies = new ArrayList<>(chain.size());
      for (byte[] c : chain) {
        copies.add(c.clone());
      }
      return Collections.unmodifiableList(copies);
    }

    /** The certificate as parsed by the JDK. */
    public X509Certificate x509() {
      return parse(der);
    }

    /** The chain as parsed by the JDK, direct issuer first. */
    public List<X509Certificate> chainX509() {
      return chain.stream().map(Certificate::parse).toList();
    }

    /** Whether the certificate says {@code CA:true} in its basic constraints. */
    public boolean isCa() {
      return x509().getBasicConstraints() >= 0;
    }

    private static X509Certificate parse(byte[] der) {
      try {
        var in = new ByteArrayInputStream(der);
        X509Certificate cert =
            (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        if (in.available() != 0) {
          throw new IllegalArgumentException("the certificate DER has trailing bytes");
        }
        return cert;
      } catch (CertificateException e) {
        throw new IllegalArgumentException("not a valid X.509 certificate (DER)");
      }
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Certificate other)
          || !MessageDigest.isEqual(der, other.der)
          || chain.size() != other.chain.size()
          || !Objects.equals(privateKey, other.privateKey)) {
        return false;
      }
      for (int i = 0; i < chain.size(); i++) {
        if (!MessageDigest.isEqual(chain.get(i), other.chain.get(i))) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(der);
    }

    @Override
    public String toString() {
      return "Certificate["
          + x509().getSubjectX500Principal().getName()
          + ", chain of "
          + chain.size()
          + (privateKey == null ? ", no private key]" : ", with private key]");
    }
  }
}
