package dev.clave.cas.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.clave.policy.protect.InvalidEncodingException;
import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One record of the audit log: the {@link AuditEvent} with its sequence number (its leaf index in the Merkle
 * tree, from 0, contiguous) and the time the CAS logged it.
 *
 * <p><b>Canonical encoding</b> ({@link #canonicalBytes()}), which is the Merkle leaf (the tree hashes
 * SHA-256(0x00 ‖ these bytes)): one JSON object in the form of {@link CanonicalJson} (RFC 8785 for these
 * values: keys sorted, no whitespace, minimal string escaping, UTF-8). Keys:
 *
 * <pre>{@code
 * clientKeyHash  string   optional   Base58Check key hash of the client
 * details        object   optional   string → string, sorted; omitted when empty
 * reasons        array    optional   of strings, in order; omitted when empty
 * seq            integer  required   the sequence number
 * service        string   optional
 * session        string   optional
 * sessionHash    string   optional   64 lowercase hex
 * time           string   required   UTC, milliseconds: 2026-03-01T12:00:00.000Z
 * type           string   required   an AuditEventType name
 * v              integer  required   1, the format version
 * }</pre>
 *
 * for example {@code {"seq":7,"session":"db","time":"2026-03-01T12:00:00.000Z","type":"SESSION_CREATED","v":1}}.
 * Absent optional fields are omitted, never {@code null}, so an entry has exactly one encoding; {@link
 * #fromCanonicalBytes} accepts exactly that encoding.
 */
public record AuditEntry(long sequence, Instant time, AuditEvent event) {
  /** The format version written in {@code v}. */
  public static final int FORMAT_VERSION = 1;

  /** The largest canonical encoding of one entry. */
  public static final int MAX_ENCODED_BYTES = 64 * 1024;

  private static final Set<String> REQUIRED = Set.of("seq", "time", "type", "v");
  private static final Set<String> OPTIONAL =
      Set.of("clientKeyHash", "details", "reasons", "service", "session", "sessionHash");

  /** The time is kept to the millisecond (truncated), the precision of the encoding. */
  public AuditEntry {
    if (sequence < 0) {
      throw new AuditFormatException("seq: must be a non-negative integer, got " + sequence);
    }
    time = AuditTime.normalize(Objects.requireNonNull(time, "time"), "time");
    Objects.requireNonNull(event, "event");
    int length = encode(sequence, time, event).length;
    if (length > MAX_ENCODED_BYTES) {
      throw new AuditFormatException("the entry encodes to " + length + " bytes, more than the "
          + MAX_ENCODED_BYTES + " allowed");
    }
  }

  /** The canonical JSON bytes: the Merkle leaf. */
  public byte[] canonicalBytes() {
    return encode(sequence, time, event);
  }

  /** SHA-256(0x00 ‖ canonical bytes), the entry's leaf hash. */
  public Sha256Hash leafHash() {
    return MerkleTree.leafHash(canonicalBytes());
  }

  /** The type of the event (shorthand). */
  public AuditEventType type() {
    return event.type();
  }

  private static byte[] encode(long sequence, Instant time, AuditEvent e) {
    return CanonicalJson.encode(toMap(sequence, time, e));
  }

  static TreeMap<String, Object> toMap(long sequence, Instant time, AuditEvent e) {
    TreeMap<String, Object> m = new TreeMap<>();
    m.put("v", FORMAT_VERSION);
    m.put("seq", sequence);
    m.put("time", AuditTime.format(time));
    m.put("type", e.type().name());
    e.session().ifPresent(s -> m.put("session", s));
    e.sessionHash().ifPresent(s -> m.put("sessionHash", s));
    e.service().ifPresent(s -> m.put("service", s));
    e.clientKeyHash().ifPresent(k -> m.put("clientKeyHash", k.toString()));
    if (!e.reasons().isEmpty()) {
      m.put("reasons", e.reasons());
    }
    if (!e.details().isEmpty()) {
      m.put("details", new TreeMap<>(e.details()));
    }
    return m;
  }

  TreeMap<String, Object> toMap() {
    return toMap(sequence, time, event);
  }

  /**
   * Reads an entry from its canonical bytes, refusing any other spelling of it (other key order,
   * whitespace, escapes, {@code null} fields): the bytes must be exactly {@link #canonicalBytes()}.
   *
   * @throws AuditFormatException naming the field and the problem
   */
  public static AuditEntry fromCanonicalBytes(byte[] bytes) {
    JsonNode node = JsonInput.parse(bytes, MAX_ENCODED_BYTES, "an audit entry");
    AuditEntry entry = fromJson(JsonInput.Obj.of(node, "entry"));
    if (!java.util.Arrays.equals(entry.canonicalBytes(), bytes)) {
      throw new AuditFormatException("entry: not in canonical form (sorted keys, no whitespace, minimal"
          + " escapes, no null fields)");
    }
    return entry;
  }

  /** Reads an entry from a parsed JSON object (any spelling; the leaf is its canonical re-encoding). */
  static AuditEntry fromJson(JsonInput.Obj o) {
    o.fields(REQUIRED, OPTIONAL);
    long version = o.count("v");
    if (version != FORMAT_VERSION) {
      throw new AuditFormatException(o.at("v") + ": format version " + version + " is not supported (only "
          + FORMAT_VERSION + ")");
    }
    long seq = o.count("seq");
    Instant time = AuditTime.parse(o.string("time"), o.at("time"));
    String typeName = o.string("type");
    AuditEventType type;
    try {
      type = AuditEventType.valueOf(typeName);
    } catch (IllegalArgumentException e) {
      throw new AuditFormatException(o.at("type") + ": unknown event type '"
          + typeName.substring(0, Math.min(40, typeName.length())) + "'");
    }
    AuditEvent.Builder b = AuditEvent.builder(type);
    if (o.has("session")) {
      b.session(o.string("session"));
    }
    if (o.has("sessionHash")) {
      b.sessionHash(o.string("sessionHash"));
    }
    if (o.has("service")) {
      b.service(o.string("service"));
    }
    if (o.has("clientKeyHash")) {
      try {
        b.clientKeyHash(KeyHash.parse(o.string("clientKeyHash")));
      } catch (InvalidEncodingException e) {
        throw new AuditFormatException(o.at("clientKeyHash") + ": " + e.getMessage());
      }
    }
    if (o.has("reasons")) {
      List<String> reasons = o.strings("reasons", AuditEvent.MAX_REASONS);
      if (reasons.isEmpty()) {
        throw new AuditFormatException(o.at("reasons") + ": must not be empty (omit it instead)");
      }
      b.reasons(reasons);
    }
    if (o.has("details")) {
      JsonInput.Obj d = o.object("details");
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
        keys.add(it.next());
      }
      if (keys.isEmpty()) {
        throw new AuditFormatException(o.at("details") + ": must not be empty (omit it instead)");
      }
      if (keys.size() > AuditEvent.MAX_DETAILS) {
        throw new AuditFormatException(o.at("details") + ": at most " + AuditEvent.MAX_DETAILS + " entries");
      }
      for (String k : keys) {
        b.detail(k, d.string(k));
      }
    }
    try {
      return new AuditEntry(seq, time, b.build());
    } catch (AuditFormatException e) {
      throw e.in(o.path());
    }
  }

  /** The canonical JSON text (entries hold no secrets, so this is safe to log). */
  @Override
  public String toString() {
    return new String(canonicalBytes(), StandardCharsets.UTF_8);
  }
}
