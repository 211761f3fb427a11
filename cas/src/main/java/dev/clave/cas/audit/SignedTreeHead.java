package dev.clave.cas.audit;

import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A signed tree head: the CAS's signed statement that its audit log holds {@code treeSize} entries whose
 * Merkle root is {@code rootHash}, made at {@code timestamp} with the audit key {@code keyId}.
 *
 * <p><b>What is signed</b> ({@link #signedMessage()}): the UTF-8 bytes of {@value #DOMAIN} followed by the
 * canonical JSON ({@link CanonicalJson}) of the four fields, for example
 *
 * <pre>{@code
 * clave-audit-tree-head-v1
 * {"keyId":"3s1p…","rootHash":"5dc9…4328","timestamp":"2026-03-01T12:00:00.000Z","treeSize":8}
 * }</pre>
 *
 * with ECDSA P-256 over SHA-256 (DER signature). The domain line keeps a tree-head signature from ever being
 * valid for other data signed with the same key.
 *
 * <p><b>Wire form</b> ({@link #toJson()}): the same object plus {@code "signature"}, the standard base64
 * (padded) of the DER signature; canonical JSON, so keys in that order. {@link #fromJson} is strict: exactly
 * these five fields, 64 lowercase hex for the root, a Base58Check key hash, the time format of entries.
 */
public record SignedTreeHead(long treeSize, Sha256Hash rootHash, Instant timestamp, KeyHash keyId,
    byte[] signature) {
  /** The domain-separation line that starts every signed message. */
  public static final String DOMAIN = "clave-audit-tree-head-v1\n";

  /** A DER ECDSA P-256 signature has at most 72 bytes. */
  public static final int MAX_SIGNATURE_BYTES = 72;

  /** The largest tree head JSON read. */
  public static final int MAX_JSON_BYTES = 4096;

  private static final Set<String> FIELDS = Set.of("keyId", "rootHash", "signature", "timestamp", "treeSize");

  public SignedTreeHead {
    if (treeSize < 0) {
      throw new AuditFormatException("treeSize: must be non-negative, got " + treeSize);
    }
    Objects.requireNonNull(rootHash, "rootHash");
    timestamp = AuditTime.normalize(Objects.requireNonNull(timestamp, "timestamp"), "timestamp");
    Objects.requireNonNull(keyId, "keyId");
    if (signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
      throw new AuditFormatException("signature: a DER ECDSA P-256 signature has 1 to " + MAX_SIGNATURE_BYTES
          + " bytes, got " + signature.length);
    }
    signature = signature.clone();
  }

  /**
   * Signs a head with {@code signer} and checks the signature against the signer's public key before
   * returning it (a signer whose private key does not match its public key fails here, not at a client).
   *
   * @throws GeneralSecurityException if signing fails or the signature does not verify
   */
  public static SignedTreeHead sign(long treeSize, Sha256Hash rootHash, Instant timestamp,
      TreeHeadSigner signer) throws GeneralSecurityException {
    AuditLogKey key = AuditLogKey.fromSpki(signer.publicKeySpki());
    Instant ts = AuditTime.normalize(timestamp, "timestamp");
    byte[] message = message(treeSize, rootHash, ts, key.keyId());
    byte[] sig = signer.sign(message);
    if (sig == null || sig.length == 0 || sig.length > MAX_SIGNATURE_BYTES || !key.verify(message, sig)) {
      throw new GeneralSecurityException("the audit key signer produced a tree head signature that does not"
          + " verify under its own public key " + key.keyId());
    }
    return new SignedTreeHead(treeSize, rootHash, ts, key.keyId(), sig);
  }

  /** The exact bytes the signature covers. */
  public byte[] signedMessage() {
    return message(treeSize, rootHash, timestamp, keyId);
  }

  private static byte[] message(long treeSize, Sha256Hash rootHash, Instant timestamp, KeyHash keyId) {
    StringBuilder out = new StringBuilder(200).append(DOMAIN);
    CanonicalJson.write(out, unsignedFields(treeSize, rootHash, timestamp, keyId));
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static TreeMap<String, Object> unsignedFields(long treeSize, Sha256Hash rootHash, Instant timestamp,
      KeyHash keyId) {
    TreeMap<String, Object> m = new TreeMap<>();
    m.put("keyId", keyId.toString());
    m.put("rootHash", rootHash.hex());
    m.put("timestamp", AuditTime.format(timestamp));
    m.put("treeSize", treeSize);
    return m;
  }

  /**
   * Whether this head names {@code key} as its key and carries a valid signature by it. Use {@link #keyId()}
   * first to tell "signed by another key" from "bad signature".
   */
  public boolean verify(AuditLogKey key) {
    boolean sameKey = key.keyId().equals(keyId);
    boolean signed = key.verify(signedMessage(), signature);
    return sameKey & signed;
  }

  /** The DER signature (a copy). */
  @Override
  public byte[] signature() {
    return signature.clone();
  }

  TreeMap<String, Object> toMap() {
    TreeMap<String, Object> m = unsignedFields(treeSize, rootHash, timestamp, keyId);
    m.put("signature", Base64.getEncoder().encodeToString(signature));
    return m;
  }

  /** The wire form: canonical JSON with the signature in base64. */
  public byte[] toJson() {
    return CanonicalJson.encode(toMap());
  }

  /**
   * Reads the wire form.
   *
   * @throws AuditFormatException naming the field and the problem
   */
  public static SignedTreeHead fromJson(byte[] json) {
    return fromJson(JsonInput.Obj.of(JsonInput.parse(json, MAX_JSON_BYTES, "a tree head"), "head"));
  }

  static SignedTreeHead fromJson(JsonInput.Obj o) {
    o.fields(FIELDS, Set.of());
    long size = o.count("treeSize");
    Sha256Hash root;
    try {
      root = Sha256Hash.parseHex(o.string("rootHash"));
    } catch (AuditFormatException e) {
      throw e.in(o.at("rootHash"));
    }
    Instant ts = AuditTime.parse(o.string("timestamp"), o.at("timestamp"));
    KeyHash keyId;
    try {
      keyId = KeyHash.parse(o.string("keyId"));
    } catch (InvalidEncodingException e) {
      throw new AuditFormatException(o.at("keyId") + ": " + e.getMessage());
    }
    byte[] sig = base64(o.string("signature"), MAX_SIGNATURE_BYTES, o.at("signature"));
    try {
      return new SignedTreeHead(size, root, ts, keyId, sig);
    } catch (AuditFormatException e) {
      throw e.in(o.path());
    }
  }

  /** Strict standard base64 with padding: one spelling per value. */
  static byte[] base64(String text, int maxBytes, String where) {
    if (text.length() > 4 * ((maxBytes + 2) / 3)) {
      throw new AuditFormatException(where + ": longer than the " + maxBytes + " bytes allowed");
    }
    byte[] out;
    try {
      out = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new AuditFormatException(where + ": not standard base64");
    }
    if (!Base64.getEncoder().encodeToString(out).equals(text)) {
      throw new AuditFormatException(where + ": not canonical padded standard base64");
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedTreeHead h && treeSize == h.treeSize && rootHash.equals(h.rootHash)
        && timestamp.equals(h.timestamp) && keyId.equals(h.keyId) && Arrays.equals(signature, h.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(treeSize, rootHash, timestamp, keyId, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "SignedTreeHead[treeSize=" + treeSize + ", rootHash=" + rootHash + ", timestamp="
        + AuditTime.format(timestamp) + ", keyId=" + keyId + "]";
  }
}
