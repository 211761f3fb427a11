package dev.clave.attestation.jca;

import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactorySpi;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;

/** X25519 keys from and to {@link XECPublicKeySpec}, {@link XECPrivateKeySpec}, X.509 and PKCS#8 encodings. */
final class X25519KeyFactory extends KeyFactorySpi {
  @Override
  protected PublicKey engineGeneratePublic(KeySpec spec) throws InvalidKeySpecException {
    if (spec instanceof XECPublicKeySpec x && X25519Keys.isX25519(x.getParams())) {
      try {
        return new X25519Keys.Public(X25519Keys.encodeU(x.getU()));
      } catch (InvalidKeyException e) {
        throw new InvalidKeySpecException(e.getMessage());
      }
    }
    if (spec instanceof X509EncodedKeySpec x) {
      byte[] u = X25519Keys.fromSpki(x.getEncoded());
      if (u != null) {
        return new X25519Keys.Public(u);
      }
    }
    throw new InvalidKeySpecException("not an X25519 public key specification");
  }

  @Override
  protected PrivateKey engineGeneratePrivate(KeySpec spec) throws InvalidKeySpecException {
    if (spec instanceof XECPrivateKeySpec x && X25519Keys.isX25519(x.getParams()) && x.getScalar().length == X25519Keys.LENGTH) {
      return new X25519Keys.Private(x.getScalar());
    }
    if (spec instanceof PKCS8EncodedKeySpec p) {
      byte[] scalar = X25519Keys.fromPkcs8(p.getEncoded());
      if (scalar != null) {
        return new X25519Keys.Private(scalar);
      }
    }
    throw new InvalidKeySpecException("not an X25519 private key specification");
  }

  @Override
  protected <T extends KeySpec> T engineGetKeySpec(Key key, Class<T> type) throws InvalidKeySpecException {
    try {
      if (key instanceof XECPublicKey) {
        X25519Keys.Public p = X25519Keys.publicKey(key);
        if (type.isAssignableFrom(XECPublicKeySpec.class)) {
          return type.cast(new XECPublicKeySpec(p.getParams(), p.getU()));
        }
        if (type.isAssignableFrom(X509EncodedKeySpec.class)) {
          return type.cast(new X509EncodedKeySpec(p.getEncoded()));
        }
      } else if (key instanceof XECPrivateKey) {
        X25519Keys.Private p = X25519Keys.privateKey(key);
        if (type.isAssignableFrom(XECPrivateKeySpec.class)) {
          return type.cast(new XECPrivateKeySpec(p.getParams(), p.getScalar().orElseThrow()));
        }
        if (type.isAssignableFrom(PKCS8EncodedKeySpec.class)) {
          return type.cast(new PKCS8EncodedKeySpec(p.getEncoded()));
        }
      }
    } catch (InvalidKeyException e) {
      throw new InvalidKeySpecException(e.getMessage());
    }
    throw new InvalidKeySpecException("cannot express this key as " + type.getSimpleName());
  }

  @Override
  protected Key engineTranslateKey(Key key) throws InvalidKeyException {
    if (key instanceof PublicKey) {
      return X25519Keys.publicKey(key);
    }
    if (key instanceof PrivateKey) {
      return X25519Keys.privateKey(key);
    }
    throw new InvalidKeyException("not an X25519 key");
  }
}
