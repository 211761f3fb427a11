package dev.clave.attestation.jca;

import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Optional;
import javax.security.auth.Destroyable;

/** X25519 keys as the JCA's {@link XECPublicKey} and {@link XECPrivateKey}, with their X.509 / PKCS#8 encodings. */
final class X25519Keys {
  static final int LENGTH = 32;
  /** SubjectPublicKeyInfo up to the key: SEQUENCE { SEQUENCE { OID 1.3.101.110 }, BIT STRING (0 unused bits) }. */
  private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00};
  /** RFC 8410 OneAsymmetricKey v0 up to the key: version 0, algorithm, OCTET STRING { OCTET STRING }. */
  private static final byte[] PKCS8_PREFIX =
      {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20};

  private X25519Keys() {}

  static boolean isX25519(AlgorithmParameterSpec params) {
    return params instanceof NamedParameterSpec n && "X25519".equalsIgnoreCase(n.getName());
  }

  /** The 32-byte little-endian u-coordinate of {@code u} (RFC 7748 §5), refusing values that do not fit. */
  static byte[] encodeU(BigInteger u) throws InvalidKeyException {
    if (u.signum() < 0 || u.bitLength() > 8 * LENGTH) {
      throw new InvalidKeyException("an X25519 u-coordinate is a 255-bit number");
    }
    byte[] big = u.toByteArray();
    byte[] le = new byte[LENGTH];
    for (int i = 0; i < LENGTH && i < big.length; i++) {
      le[i] = big[big.length - 1 - i];
    }
    return le;
  }

  static Public publicKey(Key key) throws InvalidKeyException {
    if (key instanceof Public p) {
      return p;
    }
    if (key instanceof XECPublicKey x && isX25519(x.getParams())) {
      return new Public(encodeU(x.getU()));
    }
    throw new InvalidKeyException("not an X25519 public key");
  }

  static Private privateKey(Key key) throws InvalidKeyException {
    if (key instanceof Private p) {
      return p;
    }
    if (key instanceof XECPrivateKey x && isX25519(x.getParams())) {
      Optional<byte[]> scalar = x.getScalar();
      if (scalar.isPresent() && scalar.get().length == LENGTH) {
        return new Private(scalar.get());
      }
    }
    throw new InvalidKeyException("not an X25519 private key");
  }

  static byte[] spki(byte[] u) {
    return concat(SPKI_PREFIX, u);
  }

  /** The raw key of an X25519 SubjectPublicKeyInfo, or null when {@code der} is not exactly one. */
  static byte[] fromSpki(byte[] der) {
    return der.length == SPKI_PREFIX.length + LENGTH && Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)
        ? Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length) : null;
  }

  /** The raw scalar of an X25519 PKCS#8 v0 key (no attributes, no public key), or null. */
  static byte[] fromPkcs8(byte[] der) {
    return der.length == PKCS8_PREFIX.length + LENGTH && Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)
        ? Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length) : null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static final class Public implements XECPublicKey {
    private static final long serialVersionUID = 1L;
    private final byte[] u;

    Public(byte[] u) {
      this.u = u.clone();
    }

    byte[] raw() {
      return u;
    }

    @Override
    public BigInteger getU() {
      // RFC 7748 §5: X25519 ignores the top bit of the encoded coordinate.
      byte[] big = new byte[LENGTH];
      for (int i = 0; i < LENGTH; i++) {
        big[i] = u[LENGTH - 1 - i];
      }
      big[0] &= 0x7f;
      return new BigInteger(1, big);
    }

    @Override
    public AlgorithmParameterSpec getParams() {
      return NamedParameterSpec.X25519;
    }

    @Override
    public String getAlgorithm() {
      return "XDH";
    }

    @Override
    public String getFormat() {
      return "X.509";
    }

    @Override
    public byte[] getEncoded() {
      return spki(u);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Public p && Arrays.equals(u, p.u);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(u);
    }
  }

  static final class Private implements XECPrivateKey, Destroyable {
    private static final long serialVersionUID = 1L;
    private final byte[] scalar;
    private volatile boolean destroyed;

    Private(byte[] scalar) {
      this.scalar = scalar.clone();
    }

    byte[] raw() {
      if (destroyed) {
        throw new IllegalStateException("the key was destroyed");
      }
      return scalar;
    }

    @Override
    public Optional<byte[]> getScalar() {
      return Optional.of(raw().clone());
    }

    @Override
    public AlgorithmParameterSpec getParams() {
      return NamedParameterSpec.X25519;
    }

    @Override
    public String getAlgorithm() {
      return "XDH";
    }

    @Override
    public String getFormat() {
      return "PKCS#8";
    }

    @Override
    public byte[] getEncoded() {
      return concat(PKCS8_PREFIX, raw());
    }

    @Override
    public void destroy() {
      Arrays.fill(scalar, (byte) 0);
      destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }

    @Override
    public String toString() {
      return "X25519 private key"; // never the scalar
    }
  }
}
