package dev.clave.policy.protect;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A policy signer's public key: the value of {@code signer:} in an {@code access_policy} and of {@code signer}
 * in a signed policy (reference §1.9, §5.1). Two algorithms are allowed, as in SCONE: Ed25519 and ECDSA P-384.
 *
 * <p>Two text forms are read:
 *
 * <ul>
 *   <li>a PEM {@code PUBLIC KEY} block (SubjectPublicKeyInfo), either algorithm;
 *   <li>the older Base58Check form of an Ed25519 key: version {@code 0x0a} ‖ 32-byte key ‖ checksum, 50
 *       characters, e.g. {@code LtLcbPVddnCkH36ZcRdgYsw4H8xDbYaFZfuefkDc25uq2qdjmM}.
 * </ul>
 *
 * <p>Keys are validated when read: an Ed25519 key must be a point of the prime-order subgroup, a P-384 key an
 * uncompressed point on the curve. Two keys are equal when their SubjectPublicKeyInfo encodings are.
 */
public final class SignerKey {
  /** The Base58Check version byte of the older Ed25519 signer-key form. */
  public static final int LEGACY_VERSION = 0x0a;

  private static final int ED25519_LENGTH = 32;
  private static final int P384_POINT_LENGTH = 97;

  /** A signer key's algorithm. */
  public enum Algorithm {
    ED25519("Ed25519"),
    P384("P-384");

    private final String displayName;

    Algorithm(String displayName) {
      this.displayName = displayName;
    }

    public String displayName() {
      return displayName;
    }
  }

  private final Algorithm algorithm;
  private final byte[] spki;
  private final byte[] rawKey;

  private SignerKey(Algorithm algorithm, byte[] spki, byte[] rawKey) {
    this.algorithm = algorithm;
    this.spki = spki;
    this.rawKey = rawKey;
  }

  /**
   * Reads either text form: PEM when the text holds a {@code -----BEGIN} line, the Base58Check form otherwise.
   * Surrounding whitespace is ignored.
   */
  public static SignerKey parse(String text) {
    if (Pem.looksLikePem(text)) {
      return fromPem(text);
    }
    return fromLegacy(text.strip());
  }

  /** Reads the one {@code PUBLIC KEY} PEM block of the text. */
  public static SignerKey fromPem(String pem) {
    return fromSpki(Pem.single(pem, "an Ed25519 or P-384 public key", "PUBLIC KEY").der());
  }

  /** Reads the older Base58Check form (version {@code 0x0a}, a 32-byte Ed25519 key). */
  public static SignerKey fromLegacy(String base58) {
    byte[] raw;
    try {
      raw = Base58Check.decode(base58, LEGACY_VERSION, ED25519_LENGTH);
    } catch (InvalidEncodingException e) {
      throw e.in("signer key (Base58Check Ed25519 form)");
    }
    return ed25519(raw);
  }

  /** An Ed25519 key from its 32-byte RFC 8032 encoding. */
  public static SignerKey ed25519(byte[] raw) {
    if (raw.length != ED25519_LENGTH) {
      throw new InvalidEncodingException("an Ed25519 public key is " + ED25519_LENGTH + " bytes, got " + raw.length);
    }
    if (!Ed25519.validatePublicKeyFull(raw, 0)) {
      throw new InvalidEncodingException("not a valid Ed25519 public key (not a point of the prime-order subgroup)");
    }
    SubjectPublicKeyInfo info = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519), raw);
    return new SignerKey(Algorithm.ED25519, Der.encode(info), raw.clone());
  }

  /**
   * Reads a SubjectPublicKeyInfo: Ed25519 (OID 1.3.101.112, no parameters) or EC (1.2.840.10045.2.1) on the named
   * curve secp384r1 (1.3.132.0.34) with an uncompressed point.
   */
  public static SignerKey fromSpki(byte[] der) {
    SubjectPublicKeyInfo info = Der.spki(der);
    AlgorithmIdentifier alg = info.getAlgorithm();
    ASN1ObjectIdentifier oid = alg.getAlgorithm();
    if (info.getPublicKeyData().getPadBits() != 0) {
      throw new InvalidEncodingException("public key BIT STRING has unused bits");
    }
    byte[] key = info.getPublicKeyData().getBytes();
    if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      if (alg.getParameters() != null) {
        throw new InvalidEncodingException("Ed25519 key: the algorithm parameters must be absent (RFC 8410)");
      }
      return ed25519(key);
    }
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      ASN1Encodable params = alg.getParameters();
      if (!(params instanceof ASN1ObjectIdentifier curve) || !curve.equals(SECObjectIdentifiers.secp384r1)) {
        throw new InvalidEncodingException("EC key on " + describeCurve(params)
            + "; a signer key must be Ed25519 or P-384 (named curve secp384r1)");
      }
      validateP384Point(key);
      return new SignerKey(Algorithm.P384, Der.encode(info), key);
    }
    throw new InvalidEncodingException("key algorithm " + oid.getId() + " is not allowed; a signer key must be Ed25519 or P-384");
  }

  private static String describeCurve(ASN1Encodable params) {
    if (params instanceof ASN1ObjectIdentifier curve) {
      return "curve " + curve.getId();
    }
    return "explicit or missing curve parameters";
  }

  private static void validateP384Point(byte[] encoded) {
    if (encoded.length != P384_POINT_LENGTH || encoded[0] != 0x04) {
      throw new InvalidEncodingException("P-384 key: expected an uncompressed point (0x04 and 96 bytes), got "
          + encoded.length + " bytes" + (encoded.length > 0 ? String.format(" starting 0x%02x", encoded[0]) : ""));
    }
    ECCurve curve = CustomNamedCurves.getByName("secp384r1").getCurve();
    try {
      ECPoint point = curve.decodePoint(encoded);
      if (point.isInfinity() || !point.isValid()) {
        throw new IllegalArgumentException("invalid point");
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidEncodingException("P-384 key: the point is not on the curve");
    }
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The DER SubjectPublicKeyInfo (a copy). */
  public byte[] spkiDer() {
    return spki.clone();
  }

  /** The key itself: 32 bytes for Ed25519, the 97-byte uncompressed point for P-384 (a copy). */
  public byte[] rawKey() {
    return rawKey.clone();
  }

  /** The PEM {@code PUBLIC KEY} form (64-character lines, ending with a newline). */
  public String toPem() {
    return Pem.encode("PUBLIC KEY", spki);
  }

  /** The older Base58Check form; present for Ed25519 keys only. */
  public Optional<String> toLegacy() {
    return algorithm == Algorithm.ED25519 ? Optional.of(Base58Check.encode(LEGACY_VERSION, rawKey)) : Optional.empty();
  }

  /**
   * The form Clave writes into signed policies: the Base58Check form for Ed25519 (the form SCONE's SignedPolicy
   * resources use), PEM for P-384.
   */
  public String text() {
    return toLegacy().orElseGet(this::toPem);
  }

  /** The key hash of this key (SHA-256 of the DER SubjectPublicKeyInfo). */
  public KeyHash keyHash() {
    return KeyHash.of(spki);
  }

  /** This key as a JCA key, for {@link java.security.Signature} ("Ed25519" or "EC"). */
  public PublicKey toPublicKey() {
    try {
      return KeyFactory.getInstance(algorithm == Algorithm.ED25519 ? "Ed25519" : "EC")
          .generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK refused a validated " + algorithm.displayName() + " key", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignerKey other && MessageDigest.isEqual(spki, other.spki);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(spki);
  }

  /** The algorithm and the key's short identifier (Base58Check form, or the key hash for P-384). */
  @Override
  public String toString() {
    return algorithm.displayName() + " " + toLegacy().orElseGet(() -> "key " + keyHash());
  }
}
