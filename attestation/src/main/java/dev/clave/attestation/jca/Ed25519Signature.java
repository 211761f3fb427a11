package dev.clave.attestation.jca;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.NamedParameterSpec;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 (RFC 8032, pure) on BouncyCastle's low-level code, for the JDK's {@link EdECPublicKey} and
 * {@link EdECPrivateKey}: about half the cost of a P-256 verification under a key never seen before, which is
 * what a CAS does for every attesting service. Ed448 keys are refused at init (the JDK's provider takes them).
 * EdDSA signs the whole message, so it is buffered, up to {@link #MAX_MESSAGE} bytes.
 */
final class Ed25519Signature extends SignatureSpi {
  static final int MAX_MESSAGE = 1 << 20;

  private final ByteArrayOutputStream message = new ByteArrayOutputStream();
  private byte[] publicKey;
  private byte[] privateKey;

  @Override
  protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
    if (!(key instanceof EdECPublicKey ed) || !isEd25519(ed.getParams())) {
      throw new InvalidKeyException("not an Ed25519 public key");
    }
    publicKey = encode(ed.getPoint().isXOdd(), ed.getPoint().getY());
    privateKey = null;
    message.reset();
  }

  @Override
  protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
    engineInitSign(key, null);
  }

  @Override
  protected void engineInitSign(PrivateKey key, SecureRandom random) throws InvalidKeyException {
    if (!(key instanceof EdECPrivateKey ed) || !isEd25519(ed.getParams())) {
      throw new InvalidKeyException("not an Ed25519 private key");
    }
    byte[] seed = ed.getBytes().orElseThrow(() -> new InvalidKeyException("the Ed25519 private key has no bytes"));
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new InvalidKeyException("an Ed25519 private key has 32 bytes");
    }
    privateKey = seed;
    publicKey = DerivedPublicKeys.get(key, seed);
    message.reset();
  }

  @Override
  protected void engineUpdate(byte b) throws SignatureException {
    engineUpdate(new byte[] {b}, 0, 1);
  }

  @Override
  protected void engineUpdate(byte[] b, int off, int len) throws SignatureException {
    if (message.size() + (long) len > MAX_MESSAGE) {
      message.reset();
      throw new SignatureException("Ed25519 messages here are at most " + MAX_MESSAGE + " bytes");
    }
    message.write(b, off, len);
  }

  @Override
  protected byte[] engineSign() throws SignatureException {
    if (privateKey == null) {
      throw new SignatureException("not initialized for signing");
    }
    byte[] m = message.toByteArray();
    message.reset();
    byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
    Ed25519.sign(privateKey, 0, publicKey, 0, m, 0, m.length, sig, 0);
    ClaveCryptoProvider.ED25519_SIGNATURES.increment();
    return sig;
  }

  @Override
  protected boolean engineVerify(byte[] sig) throws SignatureException {
    if (publicKey == null || privateKey != null) {
      throw new SignatureException("not initialized for verification");
    }
    byte[] m = message.toByteArray();
    message.reset();
    if (sig == null || sig.length != Ed25519.SIGNATURE_SIZE) {
      throw new SignatureException("an Ed25519 signature has 64 bytes, got " + (sig == null ? 0 : sig.length));
    }
    ClaveCryptoProvider.ED25519_VERIFICATIONS.increment();
    return Ed25519.verify(sig, 0, publicKey, 0, m, 0, m.length);
  }

  @Override
  @Deprecated
  protected void engineSetParameter(String param, Object value) {
    throw new InvalidParameterException("Ed25519 has no parameters");
  }

  @Override
  @Deprecated
  protected Object engineGetParameter(String param) {
    throw new InvalidParameterException("Ed25519 has no parameters");
  }

  @Override
  protected void engineSetParameter(java.security.spec.AlgorithmParameterSpec params)
      throws java.security.InvalidAlgorithmParameterException {
    if (params != null && !(params instanceof java.security.spec.EdDSAParameterSpec p && !p.isPrehash() && p.getContext().isEmpty())) {
      throw new java.security.InvalidAlgorithmParameterException("only pure Ed25519 without context is provided here");
    }
  }

  private static boolean isEd25519(java.security.spec.AlgorithmParameterSpec params) {
    return params instanceof NamedParameterSpec n && "Ed25519".equalsIgnoreCase(n.getName());
  }

  /** RFC 8032 §5.1.2: y little-endian in 255 bits, the top bit holding x's parity. */
  static byte[] encode(boolean xOdd, BigInteger y) throws InvalidKeyException {
    if (y.signum() < 0 || y.bitLength() > 255) {
      throw new InvalidKeyException("not an Ed25519 public key");
    }
    byte[] big = y.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < 32 && i < big.length; i++) {
      out[i] = big[big.length - 1 - i];
    }
    if (xOdd) {
      out[31] |= (byte) 0x80;
    }
    return out;
  }

  @Override
  public String toString() {
    return "Ed25519Signature" + (privateKey != null ? "[signing]" : publicKey != null ? "[verifying]" : "");
  }
}
