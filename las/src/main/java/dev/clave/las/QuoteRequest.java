package dev.clave.las;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.clave.attestation.Bytes;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

/**
 * The body of {@code POST /v1/quote}, read strictly: a JSON object with exactly the fields {@code
 * mrenclave} (64 hex digits), {@code mrsigner} (64 hex), {@code isvProdId} and {@code isvSvn} (integers
 * 0..65535), {@code debug} (boolean) and {@code reportData} (128 hex digits); hex in either case. Anything
 * else (unknown or duplicate fields, wrong types, bad hex, trailing content) is a {@link BadRequest} naming
 * the field and why.
 */
public record QuoteRequest(Bytes mrEnclave, Bytes mrSigner, int isvProdId, int isvSvn, boolean debug, Bytes reportData) {
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final Set<String> FIELDS = Set.of("mrenclave", "mrsigner", "isvProdId", "isvSvn", "debug", "reportData");

  /** A request refused before quoting; the message is {@code <field>: <why>} and safe to return. */
  public static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** Parses a request body (already bounded by the caller). */
  public static QuoteRequest parse(byte[] body) throws BadRequest {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new BadRequest("body: not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (java.io.IOException e) {
      throw new BadRequest("body: unreadable");
    }
    if (root == null || !root.isObject()) {
      throw new BadRequest("body: expected a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequest(shorten(name) + ": unknown field");
      }
    }
    return new QuoteRequest(
        hex(root, "mrenclave", 32),
        hex(root, "mrsigner", 32),
        u16(root, "isvProdId"),
        u16(root, "isvSvn"),
        bool(root, "debug"),
        hex(root, "reportData", 64));
  }

  private static JsonNode required(JsonNode root, String field) throws BadRequest {
    JsonNode v = root.get(field);
    if (v == null || v.isNull()) {
      throw new BadRequest(field + ": missing");
    }
    return v;
  }

  private static Bytes hex(JsonNode root, String field, int length) throws BadRequest {
    JsonNode v = required(root, field);
    if (!v.isTextual()) {
      throw new BadRequest(field + ": expected a string of " + 2 * length + " hex digits, got " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
    String s = v.textValue();
    if (s.length() != 2 * length) {
      throw new BadRequest(field + ": expected " + 2 * length + " hex digits, got " + s.length() + " characters");
    }
    for (int i = 0; i < s.length(); i++) {
      if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 0x7f) {
        throw new BadRequest(field + ": not hex at character " + (i + 1));
      }
    }
    return Bytes.wrap(HexFormat.of().parseHex(s));
  }

  private static int u16(JsonNode root, String field) throws BadRequest {
    JsonNode v = required(root, field);
    if (!v.isIntegralNumber()) {
      throw new BadRequest(field + ": expected an integer 0..65535");
    }
    if (!v.canConvertToInt() || v.intValue() < 0 || v.intValue() > 0xffff) {
      throw new BadRequest(field + ": must be 0..65535, got " + shorten(v.asText()));
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode root, String field) throws BadRequest {
    JsonNode v = required(root, field);
    if (!v.isBoolean()) {
      throw new BadRequest(field + ": expected true or false");
    }
    return v.booleanValue();
  }

  /** Client-supplied text echoed in errors is cut short, so a response never grows with the request. */
  private static String shorten(String s) {
    String printable = s.codePoints().limit(40)
        .map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return s.codePointCount(0, s.length()) > 40 ? printable + "…" : printable;
  }
}
