package dev.clave.attestation.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.util.Memoable;

/**
 * BouncyCastle's {@link ExtendedDigest} interface over the JDK's SHA-256, whose compression function is a
 * HotSpot intrinsic (SHA extensions or AVX2) and several times faster than BouncyCastle's Java one. Lets
 * {@link P256Signer} keep BouncyCastle's RFC 6979 nonce generator ({@code HMacDSAKCalculator}, an HMAC-DRBG:
 * six HMACs per nonce) while the hashing runs on the intrinsic. {@link Memoable}, as BouncyCastle's own
 * digests are, so that HMac saves the padded-key states instead of rehashing them for every HMAC.
 */
final class JdkSha256Digest implements ExtendedDigest, Memoable {
  private MessageDigest md;

  JdkSha256Digest() {
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("SHA-256 is required of every JDK", e);
    }
  }

  private JdkSha256Digest(MessageDigest md) {
    this.md = md;
  }

  private static MessageDigest cloneOf(MessageDigest md) {
    try {
      return (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new AssertionError("the JDK's SHA-256 is cloneable", e);
    }
  }

  @Override
  public String getAlgorithmName() {
    return "SHA-256";
  }

  @Override
  public int getDigestSize() {
    return 32;
  }

  @Override
  public int getByteLength() {
    return 64;
  }

  @Override
  public void update(byte in) {
    md.update(in);
  }

  @Override
  public void update(byte[] in, int inOff, int len) {
    md.update(in, inOff, len);
  }

  @Override
  public int doFinal(byte[] out, int outOff) {
    try {
      return md.digest(out, outOff, 32); // digests and resets, as Digest.doFinal does
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 output does not fit", e);
    }
  }

  @Override
  public void reset() {
    md.reset();
  }

  @Override
  public Memoable copy() {
    return new JdkSha256Digest(cloneOf(md));
  }

  @Override
  public void reset(Memoable other) {
    md = cloneOf(((JdkSha256Digest) other).md);
  }
}
