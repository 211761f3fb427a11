package dev.clave.attestation.jca;

import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidParameterException;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/** X25519 key pairs; X448 and other parameters are refused so the JCA falls back to the JDK's generator. */
final class X25519KeyPairGenerator extends KeyPairGeneratorSpi {
  private SecureRandom random;

  @Override
  public void initialize(int keysize, SecureRandom random) {
    if (keysize != 255) {
      throw new InvalidParameterException("only X25519 (255 bits) is provided here");
    }
    this.random = random;
  }

  @Override
  public void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
    if (!X25519Keys.isX25519(params)) {
      throw new InvalidAlgorithmParameterException("only X25519 is provided here");
    }
    this.random = random;
  }

  @Override
  public KeyPair generateKeyPair() {
    SecureRandom r = random != null ? random : Randomness.get();
    byte[] scalar = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(r, scalar);
    byte[] u = new byte[X25519.POINT_SIZE];
    X25519.generatePublicKey(scalar, 0, u, 0);
    X25519Keys.Private priv = new X25519Keys.Private(scalar);
    java.util.Arrays.fill(scalar, (byte) 0);
    ClaveCryptoProvider.X25519_KEY_PAIRS.increment();
    return new KeyPair(new X25519Keys.Public(u), priv);
  }
}
