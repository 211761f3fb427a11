package dev.clave.cas.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.policy.protect.KeyHash;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditEntryTest {
  private static final Instant T = Instant.parse("2026-03-01T12:00:00.123456Z");
  private static final String HASH = "ab".repeat(32);

  @Test
  void canonicalEncodingIsSortedCompactAndOmitsAbsentFields() {
    AuditEntry e = new AuditEntry(7, T, AuditEvent.builder(AuditEventType.SESSION_CREATED).session("db").build());
    assertThat(text(e)).isEqualTo(
        "{\"seq\":7,\"session\":\"db\",\"time\":\"2026-03-01T12:00:00.123Z\",\"type\":\"SESSION_CREATED\",\"v\":1}");
  }

  @Test
  void everyFieldInItsPlace() {
    KeyHash client = KeyHash.ofDigest(new byte[32]);
    AuditEntry e = new AuditEntry(0, T, AuditEvent.builder(AuditEventType.ATTESTATION_REFUSED)
        .session("shop").sessionHash(HASH).service("api").clientKeyHash(client)
        .reason("tcb out of date").reason("debug mode")
        .detail("mrenclave", "00".repeat(32)).detail("platform", "INTEL_QE_ID:aa")
        .build());
    assertThat(text(e)).isEqualTo("{\"clientKeyHash\":\"" + client + "\",\"details\":{\"mrenclave\":\""
        + "00".repeat(32) + "\",\"platform\":\"INTEL_QE_ID:aa\"},\"reasons\":[\"tcb out of date\",\"debug mode\"],"
        + "\"seq\":0,\"service\":\"api\",\"session\":\"shop\",\"sessionHash\":\"" + HASH + "\","
        + "\"time\":\"2026-03-01T12:00:00.123Z\",\"type\":\"ATTESTATION_REFUSED\",\"v\":1}");
    assertThat(AuditEntry.fromCanonicalBytes(e.canonicalBytes())).isEqualTo(e);
    assertThat(e.leafHash()).isEqualTo(MerkleTree.leafHash(e.canonicalBytes()));
  }

  @Test
  void stringsEscapeOnlyQuotesBackslashesAndControlCharacters() {
    AuditEntry e = new AuditEntry(1, T, AuditEvent.builder(AuditEventType.CONFIG_UPDATED)
        .reason("a\"b\\c\nd\te\u0001f\u007fé€😀/").build());
    assertThat(text(e)).contains("\"reasons\":[\"a\\\"b\\\\c\\nd\\te\\u0001f\u007fé€😀/\"]");
    assertThat(AuditEntry.fromCanonicalBytes(e.canonicalBytes())).isEqualTo(e);
  }

  @Test
  void readerRefusesEveryOtherSpelling() {
    String good = "{\"seq\":7,\"session\":\"db\",\"time\":\"2026-03-01T12:00:00.123Z\",\"type\":\"SESSION_CREATED\",\"v\":1}";
    assertThat(AuditEntry.fromCanonicalBytes(bytes(good)).sequence()).isEqualTo(7);
    String[] bad = {
        "{\"session\":\"db\",\"seq\":7,\"time\":\"2026-03-01T12:00:00.123Z\",\"type\":\"SESSION_CREATED\",\"v\":1}",
        "{\"seq\": 7,\"session\":\"db\",\"time\":\"2026-03-01T12:00:00.123Z\",\"type\":\"SESSION_CREATED\",\"v\":1}",
        "{\"seq\":7,\"session\":\"d\\u0062\",\"time\":\"2026-03-01T12:00:00.123Z\",\"type\":\"SESSION_CREATED\",\"v\":1}",
        good + "\n",
    };
    for (String b : bad) {
      assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(b))).as(b)
          .isInstanceOf(AuditFormatException.class).hasMessageContaining("canonical");
    }
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"v\":1", "\"v\":1,\"x\":1"))))
        .hasMessageContaining("unknown field x");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"session\":\"db\"", "\"session\":null"))))
        .hasMessageContaining("entry.session: must not be null");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"seq\":7", "\"seq\":7.0"))))
        .hasMessageContaining("entry.seq: must be a non-negative integer");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"seq\":7", "\"seq\":-7"))))
        .hasMessageContaining("entry.seq: must be a non-negative integer");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"seq\":7", "\"seq\":99999999999999999999"))))
        .hasMessageContaining("entry.seq");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("SESSION_CREATED", "SESSION_STOLEN"))))
        .hasMessageContaining("entry.type: unknown event type 'SESSION_STOLEN'");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"v\":1", "\"v\":2"))))
        .hasMessageContaining("format version 2 is not supported");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("12:00:00.123Z", "12:00:00Z"))))
        .hasMessageContaining("entry.time: must be a UTC time");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("03-01T", "02-30T"))))
        .hasMessageContaining("entry.time: not a valid date");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"seq\":7", "\"reasons\":[],\"seq\":7"))))
        .hasMessageContaining("entry.reasons: must not be empty");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good + good)))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes(good.replace("\"v\":1", "\"v\":1,\"v\":1"))))
        .hasMessageContaining("Duplicate field 'v'");
    assertThatThrownBy(() -> AuditEntry.fromCanonicalBytes(bytes("[1]"))).hasMessageContaining("must be a JSON object");
  }

  @Test
  void fieldsAreChecked() {
    assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.SESSION_CREATED).sessionHash("AB".repeat(32)).build())
        .hasMessageContaining("sessionHash: must be 64 lowercase hex");
    assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.SESSION_CREATED).session("").build())
        .hasMessageContaining("session: must not be empty");
    assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.SESSION_CREATED).session("x".repeat(513)).build())
        .hasMessageContaining("session: at most 512 characters");
    assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.SESSION_CREATED).service("a\uD800b").build())
        .hasMessageContaining("service has an unpaired surrogate at character 2");
    assertThatThrownBy(() -> AuditEvent.builder(AuditEventType.SESSION_CREATED).detail("9lives", "x").build())
        .hasMessageContaining("details: the key '9lives'");
    AuditEvent.Builder many = AuditEvent.builder(AuditEventType.ATTESTATION_REFUSED);
    for (int i = 0; i <= AuditEvent.MAX_REASONS; i++) {
      many.reason("r" + i);
    }
    assertThatThrownBy(many::build).hasMessageContaining("reasons: at most 32");
    assertThatThrownBy(() -> new AuditEntry(-1, T, AuditEvent.of(AuditEventType.CAS_STARTED)))
        .isInstanceOf(AuditFormatException.class);
  }

  @Test
  void anEntryIsBoundedInSize() {
    // 32 details of 1024 control characters escape to 6 bytes each: far beyond 64 KiB.
    AuditEvent.Builder b = AuditEvent.builder(AuditEventType.CONFIG_UPDATED);
    for (int i = 0; i < 32; i++) {
      b.detail("k" + i, "\u0001".repeat(1024));
    }
    AuditEvent event = b.build();
    assertThatThrownBy(() -> new AuditEntry(0, T, event)).isInstanceOf(AuditFormatException.class)
        .hasMessageContaining("more than the 65536 allowed");
  }

  @Test
  void timeIsKeptToTheMillisecondInRange() {
    AuditEntry e = new AuditEntry(0, T, AuditEvent.of(AuditEventType.CAS_STARTED));
    assertThat(e.time()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
    assertThatThrownBy(() -> new AuditEntry(0, Instant.parse("1969-12-31T23:59:59Z"),
        AuditEvent.of(AuditEventType.CAS_STARTED))).hasMessageContaining("between 1970 and 9999");
  }

  private static String text(AuditEntry e) {
    return new String(e.canonicalBytes(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
