package dev.clave.cas.audit;

import static dev.clave.cas.audit.AuditLogTest.CLOCK;
import static dev.clave.cas.audit.AuditLogTest.KEY;
import static dev.clave.cas.audit.AuditLogTest.SIGNER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.clave.cas.audit.AuditLogVerifier.Outcome;
import dev.clave.cas.audit.AuditLogVerifier.Result;
import dev.clave.cas.audit.AuditLogVerifier.TrustAnchor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's view: a CAS (an {@link AuditLog} on a real file) serves bundles; the log file is then
 * changed the way a CAS operator or attacker could (entries removed, rewritten, reordered, cut), and the
 * verifier must answer with the right exit code.
 */
class AuditLogVerifierTest {
  private static final int N = 1000;

  @TempDir Path dir;

  private final AuditLogVerifier verifier = new AuditLogVerifier(TrustAnchor.of(KEY));
  private List<byte[]> records;

  @BeforeEach
  void logOfAThousandEntries() throws IOException {
    // Written directly (no fsync per entry); AuditLog.open checks every record as for any log.
    records = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      records.add(entry(i).canonicalBytes());
    }
    LogFile.write(dir, records);
  }

  @Test
  void aThousandEntriesVerify() throws IOException {
    AuditBundle bundle = serve(0, OptionalLong.empty());
    assertThat(bundle.entries()).hasSize(N);
    Result r = verifier.verify(Optional.empty(), 0, bundle);
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.outcome()).isEqualTo(Outcome.OK);
    assertThat(r.entries()).hasSize(N);
    assertThat(r.entries().get(123).event()).isEqualTo(AuditLogTest.event(123));
    assertThat(r.verifiedHead()).contains(bundle.head());
    assertThat(r.message()).startsWith("audit log OK: 1000 entries verified");

    // Through the wire format too.
    Result viaJson = verifier.verify(Optional.empty(), 0, bundle.toJson());
    assertThat(viaJson.exitCode()).as(viaJson.message()).isZero();
    assertThat(viaJson.entries()).isEqualTo(r.entries());
  }

  @Test
  void newEntriesVerifyAgainstTheLastTrustedHead() throws IOException {
    SignedTreeHead trusted;
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      trusted = log.treeHead();
      for (int i = N; i < N + 7; i++) {
        log.append(AuditLogTest.event(i));
      }
      AuditBundle bundle = log.bundle(N, OptionalLong.of(N));
      Result r = verifier.verify(Optional.of(trusted), N, bundle);
      assertThat(r.exitCode()).as(r.message()).isZero();
      assertThat(r.entries()).hasSize(7);
      assertThat(r.message()).contains("consistent with the trusted head of 1000 entries");
      // Nothing new: the same head again is fine.
      Result again = verifier.verify(r.verifiedHead(), N + 7, log.bundle(N + 7, OptionalLong.of(N + 7)));
      assertThat(again.exitCode()).as(again.message()).isZero();
    }
  }

  @Test
  void aKeyHashIsEnoughToPinTheCas() throws IOException {
    AuditLogVerifier byHash = new AuditLogVerifier(TrustAnchor.ofKeyHash(KEY.keyId()));
    Result r = byHash.verify(Optional.empty(), 0, serve(0, OptionalLong.empty()));
    assertThat(r.exitCode()).as(r.message()).isZero();
  }

  // ---- 20: integrity

  @Test
  void anEntryAlteredInTransitIsAnIntegrityFailure() throws IOException {
    String json = new String(serve(0, OptionalLong.empty()).toJson(), StandardCharsets.UTF_8);
    String altered = json.replace("\"session\":\"s123\"", "\"session\":\"s124\"");
    assertThat(altered).isNotEqualTo(json);
    Result r = verifier.verify(Optional.empty(), 0, altered.getBytes(StandardCharsets.UTF_8));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(20);
    assertThat(r.message()).contains("entry 123").contains("inclusion proof fails");
    assertThat(r.entries()).isEmpty();
  }

  @Test
  void aForgedHeadIsAnIntegrityFailure() throws IOException {
    AuditBundle bundle = serve(0, OptionalLong.empty());
    String json = new String(bundle.toJson(), StandardCharsets.UTF_8);
    String forged = json.replace("\"treeSize\":1000", "\"treeSize\":1001");
    Result r = verifier.verify(Optional.empty(), 0, forged.getBytes(StandardCharsets.UTF_8));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(20);
    assertThat(r.message()).contains("signature of the tree head does not verify");
  }

  @Test
  void swappedEntriesInTransitAreAnIntegrityFailure() throws IOException {
    AuditBundle bundle = serve(0, OptionalLong.empty());
    List<ProvedEntry> swapped = new ArrayList<>(bundle.entries());
    Collections.swap(swapped, 10, 11);
    Result r = verifier.verify(Optional.empty(), 0, withEntries(bundle, swapped));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(20);
    assertThat(r.message()).contains("out of order");
  }

  @Test
  void aMalformedBundleIsAnIntegrityFailureWithAPreciseMessage() throws IOException {
    String json = new String(serve(0, OptionalLong.empty()).toJson(), StandardCharsets.UTF_8);
    Result r = verifier.verify(Optional.empty(), 0,
        json.replaceFirst("\"path\":\\[\"[0-9a-f]", "\"path\":[\"Z").getBytes(StandardCharsets.UTF_8));
    assertThat(r.exitCode()).isEqualTo(20);
    assertThat(r.message()).isEqualTo("the audit bundle is malformed: entries[0].path[0]: a SHA-256 value is"
        + " lowercase hex; character 1 is not");
  }

  // ---- 19: wrong CAS

  @Test
  void aHeadSignedByAnotherKeyIsTheWrongCas() throws IOException {
    TreeHeadSigner other = TreeHeadSigner.ecdsaP256(TestKeys.p256());
    AuditBundle bundle;
    try (AuditLog log = AuditLog.open(dir, other, CLOCK)) {
      bundle = log.bundle(0, OptionalLong.empty());
    }
    Result r = verifier.verify(Optional.empty(), 0, bundle);
    assertThat(r.exitCode()).as(r.message()).isEqualTo(19);
    assertThat(r.message()).contains("is not the trusted audit key " + KEY.keyId());
    Result byHash = new AuditLogVerifier(TrustAnchor.ofKeyHash(KEY.keyId())).verify(Optional.empty(), 0, bundle);
    assertThat(byHash.exitCode()).isEqualTo(19);
    // The other CAS's key with our key's head: the head names a key the client does not trust.
    AuditBundle mixed = new AuditBundle(KEY, bundle.head(), bundle.consistency(), bundle.entries());
    Result r2 = verifier.verify(Optional.empty(), 0, mixed);
    assertThat(r2.exitCode()).isEqualTo(19);
    assertThat(r2.message()).contains("is signed by key " + bundle.head().keyId());
  }

  // ---- 18: rollback

  @Test
  void aTruncatedFileIsARollback() throws IOException {
    SignedTreeHead trusted = serve(0, OptionalLong.empty()).head();
    LogFile.write(dir, records.subList(0, N - 10));
    Result r = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(18);
    assertThat(r.message()).contains("now shows 990 entries").contains("signed a head of 1000 entries");
    assertThat(r.verifiedHead()).isEmpty();
  }

  @Test
  void aFileCutInsideARecordIsRecoveredAndStillARollback() throws IOException {
    SignedTreeHead trusted = serve(0, OptionalLong.empty()).head();
    byte[] file = LogFile.bytes(dir);
    LogFile.bytes(dir, java.util.Arrays.copyOf(file, file.length - 30));
    Result r = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(18);
  }

  @Test
  void anOlderHeadServedAfterANewerOneIsARollback() throws IOException {
    AuditBundle older = serve(0, OptionalLong.empty());
    SignedTreeHead newer;
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      log.append(AuditLogTest.event(N));
      newer = log.treeHead();
    }
    Result r = verifier.verify(Optional.of(newer), 0, older);
    assertThat(r.exitCode()).as(r.message()).isEqualTo(18);
  }

  @Test
  void aRewrittenEntryIsARollbackAtTheSameSize() throws IOException {
    SignedTreeHead trusted = serve(0, OptionalLong.empty()).head();
    // The operator turns a refusal into an approval, with a valid checksum; the CAS re-signs at restart.
    List<byte[]> rewritten = new ArrayList<>(records);
    AuditEntry refused = AuditEntry.fromCanonicalBytes(records.get(8));
    assertThat(refused.type()).isEqualTo(AuditEventType.ATTESTATION_REFUSED);
    rewritten.set(8, new AuditEntry(8, refused.time(), AuditEvent.builder(AuditEventType.ATTESTATION_ALLOWED)
        .session("s8").service("svc").build()).canonicalBytes());
    LogFile.write(dir, rewritten);
    Result r = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(18);
    assertThat(r.message()).contains("root changed");
  }

  // ---- 17: rollback or missing entries

  @Test
  void aRewrittenEntryHiddenBehindNewEntriesFailsConsistency() throws IOException {
    SignedTreeHead trusted = serve(0, OptionalLong.empty()).head();
    List<byte[]> rewritten = new ArrayList<>(records);
    rewritten.set(500, entry(500, "forged").canonicalBytes());
    LogFile.write(dir, rewritten);
    grow(5);
    Result r = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(17);
    assertThat(r.message()).contains("does not extend the log of 1000 entries");
  }

  @Test
  void aRemovedEntryIsCaught() throws IOException {
    SignedTreeHead trusted = serve(0, OptionalLong.empty()).head();
    // Removing a record leaves a gap the CAS itself refuses to open with...
    List<byte[]> removed = new ArrayList<>(records);
    removed.remove(300);
    LogFile.write(dir, removed);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("sequence number 301 where 300 was expected");
    // ...so the attacker renumbers the rest: a rollback (fewer entries), then hidden behind new ones.
    List<byte[]> renumbered = new ArrayList<>(records.subList(0, 300));
    for (int i = 301; i < N; i++) {
      renumbered.add(new AuditEntry(i - 1, CLOCK.instant(), AuditLogTest.event(i)).canonicalBytes());
    }
    LogFile.write(dir, renumbered);
    Result shorter = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(shorter.exitCode()).as(shorter.message()).isEqualTo(18);
    grow(3);
    Result hidden = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(hidden.exitCode()).as(hidden.message()).isEqualTo(17);
  }

  @Test
  void aReorderedPairIsCaught() throws IOException {
    SignedTreeHead trusted = serve(0, OptionalLong.empty()).head();
    List<byte[]> swapped = new ArrayList<>(records);
    Collections.swap(swapped, 40, 41);
    LogFile.write(dir, swapped);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("sequence number 41 where 40 was expected");
    // Renumbered to pass the CAS's own check: same size, another root.
    swapped.set(40, new AuditEntry(40, CLOCK.instant(), AuditLogTest.event(41)).canonicalBytes());
    swapped.set(41, new AuditEntry(41, CLOCK.instant(), AuditLogTest.event(40)).canonicalBytes());
    LogFile.write(dir, swapped);
    Result r = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(18);
    grow(1);
    Result later = verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(N)));
    assertThat(later.exitCode()).as(later.message()).isEqualTo(17);
  }

  @Test
  void anEntryLeftOutInTransitIsMissing() throws IOException {
    AuditBundle bundle = serve(0, OptionalLong.empty());
    List<ProvedEntry> gap = new ArrayList<>(bundle.entries());
    gap.remove(700);
    Result r = verifier.verify(Optional.empty(), 0, withEntries(bundle, gap));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(17);
    assertThat(r.message()).contains("entries are missing: entry 700 not returned");
    assertThat(r.verifiedHead()).as("the head itself verified").isPresent();
  }

  @Test
  void askingBeyondTheEndOfTheLogMeansEntriesAreMissing() throws IOException {
    Result r = verifier.verify(Optional.empty(), N + 5, serve(N + 5, OptionalLong.empty()));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(17);
  }

  // ---- 16: rollback cannot be ruled out

  @Test
  void noConsistencyProofMeansRollbackCannotBeRuledOut() throws IOException {
    SignedTreeHead trusted;
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      trusted = log.bundle(0, OptionalLong.empty(), OptionalLong.of(600), 10).head();
    }
    AuditBundle bundle = serve(0, OptionalLong.empty());
    Result r = verifier.verify(Optional.of(trusted), 0, bundle);
    assertThat(r.exitCode()).as(r.message()).isEqualTo(16);
    AuditBundle fromElsewhere = serve(0, OptionalLong.of(599));
    assertThat(verifier.verify(Optional.of(trusted), 0, fromElsewhere).exitCode()).isEqualTo(16);
    assertThat(verifier.verify(Optional.of(trusted), 0, serve(0, OptionalLong.of(600))).exitCode()).isZero();
  }

  // ---- 15 and 14: truncated

  @Test
  void entriesStartingLaterThanRequestedAreTruncatedOld() throws IOException {
    Result r = verifier.verify(Optional.empty(), 0, serve(10, OptionalLong.empty()));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(15);
    assertThat(r.message()).contains("truncated: old entries are missing: entries 0 to 9");
  }

  @Test
  void entriesEndingBeforeTheHeadAreTruncatedRecent() throws IOException {
    AuditBundle bundle = serve(0, OptionalLong.empty());
    Result r = verifier.verify(Optional.empty(), 0, withEntries(bundle, bundle.entries().subList(0, 900)));
    assertThat(r.exitCode()).as(r.message()).isEqualTo(14);
    assertThat(r.message()).contains("truncated: recent entries are missing: entries 900 to 999");
    Result none = verifier.verify(Optional.empty(), 0, withEntries(bundle, List.of()));
    assertThat(none.exitCode()).isEqualTo(14);
  }

  // ---- pages

  @Test
  void pagesMustShareOneTree() throws IOException {
    AuditBundle p1;
    AuditBundle p2;
    AuditBundle otherSize;
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      p1 = log.bundle(0, OptionalLong.empty(), OptionalLong.empty(), 600);
      p2 = log.bundle(600, OptionalLong.empty(), OptionalLong.of(N), 600);
      otherSize = log.bundle(600, OptionalLong.empty(), OptionalLong.of(N - 1), 600);
    }
    assertThat(verifier.verifyPages(Optional.empty(), 0, List.of(p1, p2)).exitCode()).isZero();
    assertThat(verifier.verifyPages(Optional.empty(), 0, List.of(p1)).exitCode()).isEqualTo(14);
    Result mixed = verifier.verifyPages(Optional.empty(), 0, List.of(p1, otherSize));
    assertThat(mixed.exitCode()).as(mixed.message()).isEqualTo(20);
    assertThat(mixed.message()).contains("pinned to one tree size");
  }

  @Test
  void aTrustedHeadFromAnotherKeyIsRefused() throws IOException {
    SignedTreeHead foreign;
    try (AuditLog log = AuditLog.open(dir, TreeHeadSigner.ecdsaP256(TestKeys.p256()), CLOCK)) {
      foreign = log.treeHead();
    }
    Result r = verifier.verify(Optional.of(foreign), 0, serve(0, OptionalLong.empty()));
    assertThat(r.exitCode()).isEqualTo(19);
    assertThat(r.message()).contains("previously trusted tree head");
  }

  @Test
  void bundleJsonRoundTripsAndIsStrict() throws IOException {
    AuditBundle bundle = serve(995, OptionalLong.of(400));
    byte[] json = bundle.toJson();
    assertThat(AuditBundle.fromJson(json).toJson()).isEqualTo(json);
    String text = new String(json, StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\"consistency\":{\"newSize\":1000,\"oldSize\":400,\"path\":[")
        .contains("\"format\":\"clave-audit-bundle-v1\"");
    assertThatThrownBy(() -> AuditBundle.fromJson(text.replace("clave-audit-bundle-v1", "v2").getBytes(
        StandardCharsets.UTF_8))).hasMessageContaining("format: expected \"clave-audit-bundle-v1\"");
    assertThatThrownBy(() -> AuditBundle.fromJson(text.replace("\"newSize\":1000", "\"newSize\":999").getBytes(
        StandardCharsets.UTF_8))).hasMessageContaining("consistency.newSize: 999 is not the head's tree size 1000");
    assertThatThrownBy(() -> AuditBundle.fromJson(text.replace("\"seq\":999", "\"seq\":1000").getBytes(
        StandardCharsets.UTF_8))).hasMessageContaining("entries[4].entry.seq: 1000 is not inside the head's tree");
    assertThatThrownBy(() -> AuditBundle.fromJson(text.replace("\"format\"", "\"extra\":1,\"format\"").getBytes(
        StandardCharsets.UTF_8))).hasMessageContaining("unknown field extra");
  }

  // ---- helpers

  /** What the CAS would serve now: it opens the (possibly tampered) file as at a restart. */
  private AuditBundle serve(long from, OptionalLong trustedSize) throws IOException {
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      return log.bundle(from, trustedSize);
    }
  }

  private void grow(int n) throws IOException {
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      long start = log.size();
      for (int i = 0; i < n; i++) {
        log.append(AuditLogTest.event((int) start + i));
      }
    }
  }

  private static AuditBundle withEntries(AuditBundle b, List<ProvedEntry> entries) {
    return new AuditBundle(b.publicKey(), b.head(), b.consistency(), entries);
  }

  private static AuditEntry entry(int i) {
    return new AuditEntry(i, CLOCK.instant(), AuditLogTest.event(i));
  }

  private static AuditEntry entry(int i, String session) {
    return new AuditEntry(i, CLOCK.instant(), AuditEvent.builder(AuditEventType.SESSION_CREATED).session(session)
        .build());
  }
}
