package dev.clave.attestation.jca;

import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * X25519 (RFC 7748 §6.1): one phase, then the 32-byte shared secret. An all-zero result (the peer sent a
 * point of small order) is refused, as RFC 7748 and RFC 8446 §7.4.2 require.
 */
final class X25519KeyAgreement extends KeyAgreementSpi {
  private byte[] scalar;
  private byte[] secret;

  @Override
  protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
    scalar = X25519Keys.privateKey(key).raw();
    secret = null;
  }

  @Override
  protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random)
      throws InvalidKeyException, InvalidAlgorithmParameterException {
    if (params != null && !X25519Keys.isX25519(params)) {
      throw new InvalidAlgorithmParameterException("only X25519 is provided here");
    }
    engineInit(key, random);
  }

  @Override
  protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
    if (scalar == null) {
      throw new IllegalStateException("not initialized");
    }
    if (!lastPhase) {
      throw new IllegalStateException("X25519 has exactly one phase");
    }
    byte[] u = X25519Keys.publicKey(key).raw();
    byte[] out = new byte[X25519.POINT_SIZE];
    if (!X25519.calculateAgreement(scalar, 0, u, 0, out, 0)) {
      throw new InvalidKeyException("the peer's X25519 key has small order (the shared secret would be zero)");
    }
    ClaveCryptoProvider.X25519_AGREEMENTS.increment();
    secret = out;
    return null;
  }

  private byte[] takeSecret() {
    if (secret == null) {
      throw new IllegalStateException("doPhase has not run");
    }
    byte[] s = secret;
    secret = null; // the JCA contract: generateSecret resets the agreement
    return s;
  }

  @Override
  protected byte[] engineGenerateSecret() {
    return takeSecret();
  }

  @Override
  protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws ShortBufferException {
    if (secret == null) {
      throw new IllegalStateException("doPhase has not run");
    }
    if (sharedSecret.length - offset < secret.length) {
      throw new ShortBufferException("the shared secret needs " + secret.length + " bytes");
    }
    byte[] s = takeSecret();
    System.arraycopy(s, 0, sharedSecret, offset, s.length);
    Arrays.fill(s, (byte) 0);
    return X25519.POINT_SIZE;
  }

  @Override
  protected SecretKey engineGenerateSecret(String algorithm) {
    byte[] s = takeSecret();
    try {
      return new SecretKeySpec(s, algorithm);
    } finally {
      Arrays.fill(s, (byte) 0);
    }
  }
}
