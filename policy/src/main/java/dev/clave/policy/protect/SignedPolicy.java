package dev.clave.policy.protect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A policy text with the Ed25519 signatures of its signers: what {@code clave session sign} prints and the shape
 * of the SignedPolicy resource's spec (reference §5.1, without {@code casAddress}):
 *
 * <pre>{@code
 * {
 *   "policy": "<the policy text>",
 *   "signatures": [ { "signer": "<Base58Check Ed25519 key, or PEM>", "signature": "<128 hex>" } ]
 * }
 * }</pre>
 *
 * <p><b>What is signed</b>: the exact UTF-8 bytes of {@code policy}, with plain Ed25519 (RFC 8032, no prehash, no
 * context). So {@code openssl pkeyutl -sign -rawin -inkey key.pem -in policy.yaml} produces the same signature
 * as {@code clave session sign} for the same rendered text, and {@code openssl pkeyutl -verify -rawin -pubin}
 * checks one. This is Clave's format: SCONE signs a message it does not document (reference §4.3), so SCONE
 * signatures do not verify here, nor Clave's there.
 *
 * <p><b>Rules</b>: the policy text is at most {@link #MAX_POLICY_BYTES} of UTF-8; a document holds at least one
 * signature; {@link #verify} requires every signature to verify and no signer to appear twice. Signers are
 * written in the Base58Check form ({@link SignerKey#text()}); PEM is accepted when reading.
 *
 * <p>The JSON reader is strict: the two fields and no others, the right types, no duplicate keys, no trailing
 * content; errors name the field ({@code signatures[2].signature}) and why. {@link #toString()} does not show
 * the policy text, which may hold explicit secret values.
 */
public record SignedPolicy(String policy, List<PolicySignature> signatures) {
  /** The largest policy text, in UTF-8 bytes. */
  public static final int MAX_POLICY_BYTES = 1 << 20;

  /** The largest JSON document read (escaping can make it several times the policy text). */
  public static final int MAX_DOCUMENT_BYTES = 8 << 20;

  /** The most signatures one document may carry. */
  public static final int MAX_SIGNATURES = 64;

  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxStringLength(MAX_DOCUMENT_BYTES)
              .maxNestingDepth(16)
              .build())
          .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  public SignedPolicy {
    Objects.requireNonNull(policy, "policy");
    signatures = List.copyOf(signatures);
    utf8(policy);
    if (signatures.isEmpty()) {
      throw new InvalidEncodingException("a signed policy needs at least one signature");
    }
    if (signatures.size() > MAX_SIGNATURES) {
      throw new InvalidEncodingException(signatures.size() + " signatures, more than the " + MAX_SIGNATURES + " allowed");
    }
  }

  /** The result of checking signatures. */
  public sealed interface Verification {
    boolean valid();

    /** Every signature verified; the signers in document order. */
    record Valid(List<SignerKey> signers) implements Verification {
      public Valid {
        signers = List.copyOf(signers);
      }

      @Override
      public boolean valid() {
        return true;
      }
    }

    /** Why verification failed: the first problem found, 1-based signature numbers. */
    record Invalid(String reason) implements Verification {
      @Override
      public boolean valid() {
        return false;
      }
    }
  }

  /**
   * Signs the UTF-8 bytes of a policy text.
   *
   * @param policyText the exact text (after templating)
   * @param ed25519PrivateKeyPem an unencrypted PKCS#8 {@code PRIVATE KEY} PEM block, as {@code openssl genpkey
   *     -algorithm ed25519} writes; other blocks in the text are ignored
   * @throws InvalidEncodingException if the key is not such a key, or the text is too large or not valid Unicode
   */
  public static PolicySignature sign(String policyText, String ed25519PrivateKeyPem) {
    byte[] message = utf8(policyText);
    byte[] seed = ed25519Seed(ed25519PrivateKeyPem);
    try {
      Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed);
      Ed25519Signer signer = new Ed25519Signer();
      signer.init(true, key);
      signer.update(message, 0, message.length);
      byte[] signature = signer.generateSignature();
      return new PolicySignature(SignerKey.ed25519(key.generatePublicKey().getEncoded()), Hex.of(signature));
    } finally {
      Arrays.fill(seed, (byte) 0);
    }
  }

  /**
   * Checks signatures over a policy text: there is at least one, no signer appears twice, and every signature
   * verifies over the exact UTF-8 bytes of the text.
   */
  public static Verification verify(String policyText, List<PolicySignature> signatures) {
    byte[] message;
    try {
      message = utf8(policyText);
    } catch (InvalidEncodingException e) {
      return new Verification.Invalid(e.getMessage());
    }
    if (signatures.isEmpty()) {
      return new Verification.Invalid("no signatures");
    }
    Map<SignerKey, Integer> seen = new HashMap<>();
    for (int i = 0; i < signatures.size(); i++) {
      Integer earlier = seen.putIfAbsent(signatures.get(i).signer(), i + 1);
      if (earlier != null) {
        return new Verification.Invalid("signer " + signatures.get(i).signer().text() + " is listed twice (signatures "
            + earlier + " and " + (i + 1) + ")");
      }
    }
    List<SignerKey> signers = new ArrayList<>();
    for (int i = 0; i < signatures.size(); i++) {
      PolicySignature s = signatures.get(i);
      if (!verifyOne(message, s)) {
        return new Verification.Invalid("signature " + (i + 1) + " (signer " + s.signer().text()
            + ") does not match the policy text");
      }
      signers.add(s.signer());
    }
    return new Verification.Valid(signers);
  }

  /** Checks this document's signatures; see {@link #verify(String, List)}. */
  public Verification verify() {
    return verify(policy, signatures);
  }

  /** A new signed policy with one signature made with the given key. */
  public static SignedPolicy create(String policyText, String ed25519PrivateKeyPem) {
    return new SignedPolicy(policyText, List.of(sign(policyText, ed25519PrivateKeyPem)));
  }

  /**
   * This document with one more signature (governance: several signers sign the same text).
   *
   * @throws IllegalArgumentException if the signer has already signed
   */
  public SignedPolicy withSignature(PolicySignature signature) {
    for (PolicySignature s : signatures) {
      if (s.signer().equals(signature.signer())) {
        throw new IllegalArgumentException("signer " + s.signer().text() + " has already signed this policy");
      }
    }
    List<PolicySignature> all = new ArrayList<>(signatures);
    all.add(signature);
    return new SignedPolicy(policy, all);
  }

  /** Reads the JSON document (see the class comment for its shape and rules). */
  public static SignedPolicy fromJson(byte[] json) {
    if (json.length > MAX_DOCUMENT_BYTES) {
      throw new InvalidEncodingException("signed policy JSON of " + json.length + " bytes, more than the "
          + MAX_DOCUMENT_BYTES + " allowed");
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidEncodingException("signed policy JSON: " + describe(e));
    } catch (IOException e) {
      throw new InvalidEncodingException("signed policy JSON: " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidEncodingException("signed policy JSON: the document is empty");
    }
    try {
      return fromTree(root);
    } catch (InvalidEncodingException e) {
      throw e.in("signed policy JSON");
    }
  }

  /** Reads the JSON document from text. */
  public static SignedPolicy fromJson(String json) {
    return fromJson(json.getBytes(StandardCharsets.UTF_8));
  }

  private static SignedPolicy fromTree(JsonNode root) {
    requireObject(root, "the document", Set.of("policy", "signatures"));
    JsonNode policy = require(root, "policy", "the document");
    if (!policy.isTextual()) {
      throw new InvalidEncodingException("policy: expected a string, got " + kind(policy));
    }
    JsonNode list = require(root, "signatures", "the document");
    if (!list.isArray()) {
      throw new InvalidEncodingException("signatures: expected an array, got " + kind(list));
    }
    if (list.isEmpty()) {
      throw new InvalidEncodingException("signatures: the array is empty; a signed policy needs at least one signature");
    }
    if (list.size() > MAX_SIGNATURES) {
      throw new InvalidEncodingException("signatures: " + list.size() + " entries, more than the " + MAX_SIGNATURES + " allowed");
    }
    List<PolicySignature> signatures = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "signatures[" + i + "]";
      JsonNode entry = list.get(i);
      requireObject(entry, where, Set.of("signer", "signature"));
      String signerText = requireString(entry, "signer", where);
      String signatureText = requireString(entry, "signature", where);
      SignerKey signer;
      try {
        signer = SignerKey.parse(signerText);
      } catch (InvalidEncodingException e) {
        throw e.in(where + ".signer");
      }
      if (signer.algorithm() != SignerKey.Algorithm.ED25519) {
        throw new InvalidEncodingException(where + ".signer: a " + signer.algorithm().displayName()
            + " key; Clave signs and verifies policies with Ed25519 keys only");
      }
      Hex.parse(signatureText, PolicySignature.SIGNATURE_LENGTH, where + ".signature");
      signatures.add(new PolicySignature(signer, signatureText));
    }
    try {
      return new SignedPolicy(policy.textValue(), signatures);
    } catch (InvalidEncodingException e) {
      throw e.in("policy");
    }
  }

  private static void requireObject(JsonNode node, String where, Set<String> allowed) {
    if (!node.isObject()) {
      throw new InvalidEncodingException(where + ": expected an object, got " + kind(node));
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new InvalidEncodingException(where + ": unknown field \"" + name + "\" (allowed: "
            + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  private static JsonNode require(JsonNode node, String field, String where) {
    JsonNode value = node.get(field);
    if (value == null) {
      throw new InvalidEncodingException(where + ": missing field \"" + field + "\"");
    }
    return value;
  }

  private static String requireString(JsonNode node, String field, String where) {
    JsonNode value = require(node, field, where);
    if (!value.isTextual()) {
      throw new InvalidEncodingException(where + "." + field + ": expected a string, got " + kind(value));
    }
    return value.textValue();
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case BINARY -> "binary data";
      case MISSING -> "nothing";
    };
  }

  private static String describe(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String message = e.getOriginalMessage();
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    if (message.startsWith("Trailing token")) {
      message = "unexpected content after the end of the document";
    }
    return at == null || at.getLineNr() < 1 ? message : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + message;
  }

  /** The JSON document, indented, fields in the order {@code policy}, {@code signatures}. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("policy", policy);
    ArrayNode list = root.putArray("signatures");
    for (PolicySignature s : signatures) {
      list.addObject().put("signer", s.signer().text()).put("signature", s.signatureHex());
    }
    try {
      return JSON.writer(prettyPrinter()).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("writing an in-memory JSON tree failed", e);
    }
  }

  static DefaultPrettyPrinter prettyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    printer.indentObjectsWith(indenter);
    printer.indentArraysWith(indenter);
    return printer;
  }

  /** Shows the size of the policy text, never the text. */
  @Override
  public String toString() {
    return "SignedPolicy[policy=" + utf8(policy).length + " bytes, signers=" + signatures.stream().map(s -> s.signer().text()).toList() + "]";
  }

  private static boolean verifyOne(byte[] message, PolicySignature s) {
    try {
      Signature ed25519 = Signature.getInstance("Ed25519");
      ed25519.initVerify(s.signer().toPublicKey());
      ed25519.update(message);
      return ed25519.verify(s.signature());
    } catch (SignatureException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK's Ed25519 is unavailable", e);
    }
  }

  /** The UTF-8 bytes of a policy text, refusing unpaired surrogates (which have no UTF-8) and oversize text. */
  static byte[] utf8(String text) {
    if (text.length() > MAX_POLICY_BYTES) {
      throw new InvalidEncodingException("policy text of " + text.length() + " characters, more than the "
          + MAX_POLICY_BYTES + " bytes allowed");
    }
    CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes;
    try {
      bytes = encoder.encode(CharBuffer.wrap(text));
    } catch (CharacterCodingException e) {
      throw new InvalidEncodingException("policy text is not valid Unicode (an unpaired surrogate)");
    }
    if (bytes.remaining() > MAX_POLICY_BYTES) {
      throw new InvalidEncodingException("policy text of " + bytes.remaining() + " UTF-8 bytes, more than the "
          + MAX_POLICY_BYTES + " allowed");
    }
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }

  /** The 32-byte seed of an unencrypted PKCS#8 Ed25519 private key. The caller zeroes it after use. */
  private static byte[] ed25519Seed(String pem) {
    List<String> labels = Pem.blocks(pem).stream().map(Pem.Block::label).toList();
    if (!labels.contains("PRIVATE KEY")) {
      if (labels.contains("ENCRYPTED PRIVATE KEY")) {
        throw new InvalidEncodingException("the private key is encrypted; decrypt it first (openssl pkey -in key.pem -out plain.pem)");
      }
      throw new InvalidEncodingException("no PEM PRIVATE KEY block" + (labels.isEmpty() ? "" : " (found " + String.join(", ", labels) + ")")
          + "; expected an Ed25519 key in PKCS#8, as openssl genpkey -algorithm ed25519 writes");
    }
    byte[] der = Pem.single(pem, "an Ed25519 private key", "PRIVATE KEY").der();
    try {
      PrivateKeyInfo info;
      try {
        info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
      } catch (IOException | IllegalArgumentException | ClassCastException e) {
        throw new InvalidEncodingException("the PRIVATE KEY block is not PKCS#8");
      }
      if (!EdECObjectIdentifiers.id_Ed25519.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
        throw new InvalidEncodingException("the private key's algorithm is " + info.getPrivateKeyAlgorithm().getAlgorithm().getId()
            + ", not Ed25519 (1.3.101.112); policy signatures need an Ed25519 key");
      }
      byte[] seed;
      try {
        seed = ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
      } catch (IOException | IllegalArgumentException e) {
        throw new InvalidEncodingException("the Ed25519 private key is malformed");
      }
      if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
        Arrays.fill(seed, (byte) 0);
        throw new InvalidEncodingException("the Ed25519 private key is " + seed.length + " bytes, expected 32");
      }
      if (info.getPublicKeyData() != null) {
        // PKCS#8 v2 may carry the public key; it must be the one the seed gives.
        byte[] derived = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
        if (!java.security.MessageDigest.isEqual(derived, info.getPublicKeyData().getOctets())) {
          Arrays.fill(seed, (byte) 0);
          throw new InvalidEncodingException("the PKCS#8 key's public key does not belong to its private key");
        }
      }
      return seed;
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }
}
