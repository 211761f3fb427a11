package dev.clave.cas.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the CAS serves for an audit: a signed tree head, optionally a consistency proof from the size the
 * client trusted before, and a run of entries each with its inclusion proof against that head. The CLI reads
 * it and hands it to {@link AuditLogVerifier}.
 *
 * <p><b>Wire format</b> ({@link #toJson()}; canonical JSON, so keys sorted and no whitespace):
 *
 * <pre>{@code
 * {
 *   "consistency": {"newSize": 1000, "oldSize": 640, "path": ["<64 hex>", ...]},   optional
 *   "entries": [ {"entry": {<the entry's canonical object>}, "path": ["<64 hex>", ...]}, ... ],
 *   "format": "clave-audit-bundle-v1",
 *   "head": {<SignedTreeHead wire form>},
 *   "publicKey": "<base64 of the audit key's SubjectPublicKeyInfo DER>"
 * }
 * }</pre>
 *
 * An entry's inclusion proof is for leaf {@code entry.seq} in the tree of {@code head.treeSize} leaves;
 * {@code consistency.newSize} equals {@code head.treeSize}. Entries are in sequence order. The key travels
 * along so that a client that pinned only the key hash can check signatures; the verifier compares it
 * with what the client trusts.
 *
 * <p>{@link #fromJson} is strict: the fields above and no others, no nulls, no duplicate keys, hex and
 * base64 in their canonical spelling, at most {@link #MAX_ENTRIES} entries and {@link #MAX_JSON_BYTES}
 * bytes; errors name the field ({@code entries[3].entry.time: …}).
 */
public record AuditBundle(AuditLogKey publicKey, SignedTreeHead head, Optional<ConsistencyProof> consistency,
    List<ProvedEntry> entries) {
  /** The value of {@code format}. */
  public static final String FORMAT = "clave-audit-bundle-v1";

  /** The most entries one bundle carries; larger ranges are served in pages. */
  public static final int MAX_ENTRIES = 1000;

  /** The largest bundle read. */
  public static final int MAX_JSON_BYTES = 96 << 20;

  private static final Set<String> REQUIRED = Set.of("entries", "format", "head", "publicKey");
  private static final Set<String> OPTIONAL = Set.of("consistency");

  public AuditBundle {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(consistency, "consistency");
    entries = List.copyOf(entries);
    if (entries.size() > MAX_ENTRIES) {
      throw new AuditFormatException("entries: at most " + MAX_ENTRIES + ", got " + entries.size());
    }
    consistency.ifPresent(c -> {
      if (c.newSize() != head.treeSize()) {
        throw new AuditFormatException("consistency.newSize: " + c.newSize() + " is not the head's tree size "
            + head.treeSize());
      }
    });
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).proof().treeSize() != head.treeSize()) {
        throw new AuditFormatException("entries[" + i + "]: the inclusion proof is for a tree of "
            + entries.get(i).proof().treeSize() + " leaves, the head's has " + head.treeSize());
      }
    }
  }

  /** The wire form. */
  public byte[] toJson() {
    TreeMap<String, Object> m = new TreeMap<>();
    m.put("format", FORMAT);
    m.put("publicKey", java.util.Base64.getEncoder().encodeToString(publicKey.spki()));
    m.put("head", head.toMap());
    consistency.ifPresent(c -> {
      TreeMap<String, Object> cm = new TreeMap<>();
      cm.put("oldSize", c.oldSize());
      cm.put("newSize", c.newSize());
      cm.put("path", hexList(c.path()));
      m.put("consistency", cm);
    });
    List<Object> list = new ArrayList<>(entries.size());
    for (ProvedEntry e : entries) {
      TreeMap<String, Object> em = new TreeMap<>();
      em.put("entry", e.entry().toMap());
      em.put("path", hexList(e.proof().path()));
      list.add(em);
    }
    m.put("entries", list);
    return CanonicalJson.encode(m);
  }

  private static List<String> hexList(List<Sha256Hash> hashes) {
    return hashes.stream().map(Sha256Hash::hex).toList();
  }

  /**
   * Reads the wire form (any JSON spelling of it; each entry's leaf is its canonical re-encoding).
   *
   * @throws AuditFormatException naming the field and the problem
   */
  public static AuditBundle fromJson(byte[] json) {
    JsonInput.Obj o = JsonInput.Obj.of(JsonInput.parse(json, MAX_JSON_BYTES, "an audit bundle"), "");
    o.fields(REQUIRED, OPTIONAL);
    String format = o.string("format");
    if (!format.equals(FORMAT)) {
      throw new AuditFormatException("format: expected \"" + FORMAT + "\", got \""
          + format.substring(0, Math.min(40, format.length())) + "\"");
    }
    byte[] spki = SignedTreeHead.base64(o.string("publicKey"), 256, "publicKey");
    AuditLogKey key;
    try {
      key = AuditLogKey.fromSpki(spki);
    } catch (AuditFormatException e) {
      throw e.in("publicKey");
    }
    SignedTreeHead head = SignedTreeHead.fromJson(o.object("head"));
    Optional<ConsistencyProof> consistency = Optional.empty();
    if (o.has("consistency")) {
      JsonInput.Obj c = o.object("consistency");
      c.fields(Set.of("newSize", "oldSize", "path"), Set.of());
      long oldSize = c.count("oldSize");
      long newSize = c.count("newSize");
      List<Sha256Hash> path = hashes(c, ConsistencyProof.MAX_PATH);
      try {
        consistency = Optional.of(new ConsistencyProof(oldSize, newSize, path));
      } catch (AuditFormatException e) {
        throw e.in("consistency");
      }
    }
    List<JsonNode> nodes = o.array("entries", MAX_ENTRIES);
    List<ProvedEntry> entries = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      String at = "entries[" + i + "]";
      JsonInput.Obj eo = JsonInput.Obj.of(nodes.get(i), at);
      eo.fields(Set.of("entry", "path"), Set.of());
      AuditEntry entry = AuditEntry.fromJson(eo.object("entry"));
      List<Sha256Hash> path = hashes(eo, InclusionProof.MAX_PATH);
      if (entry.sequence() >= head.treeSize()) {
        throw new AuditFormatException(at + ".entry.seq: " + entry.sequence()
            + " is not inside the head's tree of " + head.treeSize() + " entries");
      }
      entries.add(new ProvedEntry(entry, new InclusionProof(entry.sequence(), head.treeSize(), path)));
    }
    return new AuditBundle(key, head, consistency, entries);
  }

  private static List<Sha256Hash> hashes(JsonInput.Obj o, int max) {
    List<String> hex = o.strings("path", max);
    List<Sha256Hash> out = new ArrayList<>(hex.size());
    for (int i = 0; i < hex.size(); i++) {
      try {
        out.add(Sha256Hash.parseHex(hex.get(i)));
      } catch (AuditFormatException e) {
        throw e.in(o.at("path") + "[" + i + "]");
      }
    }
    return out;
  }
}
