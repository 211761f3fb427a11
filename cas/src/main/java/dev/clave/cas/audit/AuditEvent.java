package dev.clave.cas.audit;

import dev.clave.policy.protect.KeyHash;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What happened, before the log gives it a sequence number and a time (that makes it an {@link AuditEntry}).
 *
 * <p><b>No secret values, ever.</b> The audit log is meant to be exported and read by auditors, so callers
 * pass <i>names, hashes and reasons only</i>: session and service names, session hashes, key hashes of
 * clients, platform IDs, measurement hashes, and human-readable reasons for a decision. Never a secret value,
 * a key, a token, a policy text or an injected file. Nothing here can tell a secret from a name, so this is
 * the caller's contract.
 *
 * <p>Fields: {@code type} (required); optional {@code session} (session name), {@code sessionHash} (64
 * lowercase hex), {@code service} (service name), {@code clientKeyHash} (the caller's key hash); {@code
 * reasons} (ordered, e.g. why an attestation was refused); {@code details} (further labelled names or hashes,
 * e.g. {@code mrenclave}, {@code platform}, {@code tcbStatus}, {@code predecessor}). Bounds keep one entry
 * below {@link AuditEntry#MAX_ENCODED_BYTES}.
 */
public record AuditEvent(
    AuditEventType type,
    Optional<String> session,
    Optional<String> sessionHash,
    Optional<String> service,
    Optional<KeyHash> clientKeyHash,
    List<String> reasons,
    SortedMap<String, String> details) {

  /** The longest session or service name, in characters. */
  public static final int MAX_NAME_CHARS = 512;

  /** The most reasons one event carries. */
  public static final int MAX_REASONS = 32;

  /** The most details one event carries. */
  public static final int MAX_DETAILS = 32;

  /** The longest reason or detail value, in characters. */
  public static final int MAX_TEXT_CHARS = 1024;

  private static final Pattern SESSION_HASH = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern DETAIL_KEY = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]{0,63}");

  public AuditEvent {
    Objects.requireNonNull(type, "type");
    session.ifPresent(s -> checkText(s, MAX_NAME_CHARS, "session"));
    sessionHash.ifPresent(h -> {
      if (!SESSION_HASH.matcher(h).matches()) {
        throw new AuditFormatException("sessionHash: must be 64 lowercase hex digits");
      }
    });
    service.ifPresent(s -> checkText(s, MAX_NAME_CHARS, "service"));
    Objects.requireNonNull(clientKeyHash, "clientKeyHash");
    reasons = List.copyOf(reasons);
    if (reasons.size() > MAX_REASONS) {
      throw new AuditFormatException("reasons: at most " + MAX_REASONS + ", got " + reasons.size());
    }
    for (int i = 0; i < reasons.size(); i++) {
      checkText(reasons.get(i), MAX_TEXT_CHARS, "reasons[" + i + "]");
    }
    if (details.size() > MAX_DETAILS) {
      throw new AuditFormatException("details: at most " + MAX_DETAILS + ", got " + details.size());
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : details.entrySet()) {
      if (!DETAIL_KEY.matcher(e.getKey()).matches()) {
        throw new AuditFormatException("details: the key '" + e.getKey().substring(0, Math.min(64,
            e.getKey().length())) + "' is not a letter followed by at most 63 letters, digits, '_', '.', '-'");
      }
      checkText(e.getValue(), MAX_TEXT_CHARS, "details." + e.getKey());
      copy.put(e.getKey(), e.getValue());
    }
    details = Collections.unmodifiableSortedMap(copy);
  }

  private static void checkText(String s, int max, String what) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty()) {
      throw new AuditFormatException(what + ": must not be empty (omit it instead)");
    }
    if (s.length() > max) {
      throw new AuditFormatException(what + ": at most " + max + " characters, got " + s.length());
    }
    CanonicalJson.requireWellFormed(s, what);
  }

  /** Starts an event of this type. */
  public static Builder builder(AuditEventType type) {
    return new Builder(type);
  }

  /** Shorthand for an event with no further fields. */
  public static AuditEvent of(AuditEventType type) {
    return builder(type).build();
  }

  /** Builds an {@link AuditEvent}; {@link #build()} checks every field. */
  public static final class Builder {
    private final AuditEventType type;
    private String session;
    private String sessionHash;
    private String service;
    private KeyHash clientKeyHash;
    private final List<String> reasons = new ArrayList<>();
    private final TreeMap<String, String> details = new TreeMap<>();

    private Builder(AuditEventType type) {
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder session(String name) {
      this.session = name;
      return this;
    }

    public Builder sessionHash(String hash) {
      this.sessionHash = hash;
      return this;
    }

    public Builder service(String name) {
      this.service = name;
      return this;
    }

    public Builder clientKeyHash(KeyHash keyHash) {
      this.clientKeyHash = keyHash;
      return this;
    }

    public Builder reason(String reason) {
      reasons.add(reason);
      return this;
    }

    public Builder reasons(List<String> more) {
      reasons.addAll(more);
      return this;
    }

    public Builder detail(String key, String value) {
      details.put(key, value);
      return this;
    }

    public AuditEvent build() {
      return new AuditEvent(type, Optional.ofNullable(session), Optional.ofNullable(sessionHash),
          Optional.ofNullable(service), Optional.ofNullable(clientKeyHash), reasons, details);
    }
  }
}
