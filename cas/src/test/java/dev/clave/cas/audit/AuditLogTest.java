package dev.clave.cas.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class AuditLogTest {
  static final KeyPair KEYS = TestKeys.p256();
  static final TreeHeadSigner SIGNER = TreeHeadSigner.ecdsaP256(KEYS);
  static final AuditLogKey KEY = AuditLogKey.fromSpki(KEYS.getPublic().getEncoded());
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(AuditLog.class);

  @BeforeEach
  void captureLog() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    logger.detachAppender(logged);
  }

  @Test
  void appendsGetContiguousNumbersAndAReopenedLogHasTheSameRoot() throws IOException {
    SignedTreeHead head;
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      assertThat(log.size()).isZero();
      assertThat(log.treeHead().rootHash()).isEqualTo(Sha256Hash.EMPTY_TREE);
      for (int i = 0; i < 20; i++) {
        assertThat(log.append(event(i))).isEqualTo(i);
      }
      head = log.treeHead();
      assertThat(head.treeSize()).isEqualTo(20);
      assertThat(head.verify(KEY)).isTrue();
      assertThat(log.treeHead()).as("re-signed only when the size changes").isSameAs(head);
    }
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly(AuditLog.FILE_NAME);
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      assertThat(log.size()).isEqualTo(20);
      assertThat(log.treeHead().rootHash()).isEqualTo(head.rootHash());
      assertThat(log.append(event(20))).isEqualTo(20);
      SignedTreeHead grown = log.treeHead();
      assertThat(MerkleTree.verifyConsistency(log.consistency(20), head.rootHash(), grown.rootHash())).isTrue();
      List<ProvedEntry> entries = log.entries(0, 100, 21);
      assertThat(entries).hasSize(21);
      for (ProvedEntry e : entries) {
        assertThat(e.verify(grown.rootHash())).isTrue();
        assertThat(e.entry().event()).isEqualTo(event((int) e.entry().sequence()));
        assertThat(e.entry().time()).isEqualTo(CLOCK.instant());
      }
      // Proofs against the older head still work.
      assertThat(log.entries(5, 3, 20)).allSatisfy(e -> assertThat(e.verify(head.rootHash())).isTrue());
    }
  }

  @Test
  void theFileHoldsCanonicalEntriesInLengthPrefixedRecords() throws IOException {
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      log.append(AuditEvent.builder(AuditEventType.SESSION_CREATED).session("db").build());
    }
    byte[] entry = ("{\"seq\":0,\"session\":\"db\",\"time\":\"2026-03-01T12:00:00.000Z\",\"type\":\"SESSION_CREATED\","
        + "\"v\":1}").getBytes(StandardCharsets.UTF_8);
    byte[] expected = concat("clave-audit-log-v1\n".getBytes(StandardCharsets.US_ASCII), LogFile.record(entry));
    assertThat(LogFile.bytes(dir)).isEqualTo(expected);
  }

  @Test
  void aTornFinalRecordIsCutOffAndLogged() throws IOException {
    Sha256Hash root = logWith(10);
    byte[] intact = LogFile.bytes(dir);
    byte[] next = LogFile.record(new AuditEntry(10, CLOCK.instant(), event(10)).canonicalBytes());
    List<byte[]> tails = List.of(
        Arrays.copyOf(next, 2),                        // part of the length prefix
        Arrays.copyOf(next, next.length / 2),          // part of the entry
        Arrays.copyOf(next, next.length - 1),          // all but the last checksum byte
        garbleLastByte(next),                          // complete, but the checksum fails
        new byte[4096]);                               // zero-filled blocks
    for (byte[] tail : tails) {
      LogFile.bytes(dir, concat(intact, tail));
      logged.list.clear();
      try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
        assertThat(log.size()).isEqualTo(10);
        assertThat(log.treeHead().rootHash()).isEqualTo(root);
        assertThat(log.append(event(10))).isEqualTo(10);
      }
      assertThat(logged.list).anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).contains("cutting off " + tail.length + " bytes")
            .contains("never acknowledged");
      });
      assertThat(LogFile.records(dir)).hasSize(11);
    }
  }

  @Test
  void damageEarlierThanATornWriteCouldReachIsRefused() throws IOException {
    // Enough data after the damaged record that no crash can explain it.
    List<byte[]> records = new ArrayList<>();
    String padding = "p".repeat(1000);
    for (int i = 0; i < 1200; i++) {
      records.add(new AuditEntry(i, CLOCK.instant(), AuditEvent.builder(AuditEventType.ATTESTATION_ALLOWED)
          .session("s" + i).detail("padding", padding).build()).canonicalBytes());
    }
    LogFile.write(dir, records);
    byte[] file = LogFile.bytes(dir);
    int offset = AuditLog.HEADER.length + 10 * (8 + records.getFirst().length) + 20; // inside entry 10
    file[offset] ^= 0x01;
    LogFile.bytes(dir, file);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("record of entry 10 at byte offset")
        .hasMessageContaining("checksum mismatch")
        .hasMessageContaining("damaged, not torn");
    assertThat(LogFile.bytes(dir)).as("a refused file is left as it was").isEqualTo(file);
  }

  @Test
  void removedReorderedOrDuplicatedRecordsAreRefused() throws IOException {
    logWith(10);
    List<byte[]> records = LogFile.records(dir);

    List<byte[]> removed = new ArrayList<>(records);
    removed.remove(4);
    LogFile.write(dir, removed);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("record of entry 4").hasMessageContaining("sequence number 5 where 4 was expected");

    List<byte[]> reordered = new ArrayList<>(records);
    Collections.swap(reordered, 3, 4);
    LogFile.write(dir, reordered);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK))
        .hasMessageContaining("sequence number 4 where 3 was expected");

    List<byte[]> duplicated = new ArrayList<>(records);
    duplicated.add(5, records.get(5));
    LogFile.write(dir, duplicated);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK))
        .hasMessageContaining("sequence number 5 where 6 was expected");

    // The last record too: a valid checksum means it is not a torn write.
    List<byte[]> skipped = new ArrayList<>(records.subList(0, 9));
    skipped.add(new AuditEntry(10, CLOCK.instant(), event(10)).canonicalBytes());
    LogFile.write(dir, skipped);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK))
        .hasMessageContaining("sequence number 10 where 9 was expected");
  }

  @Test
  void aRecordThatIsNotACanonicalEntryIsRefused() throws IOException {
    logWith(3);
    List<byte[]> records = new ArrayList<>(LogFile.records(dir));
    String pretty = new String(records.get(1), StandardCharsets.UTF_8).replace(",", ", ");
    records.set(1, pretty.getBytes(StandardCharsets.UTF_8));
    LogFile.write(dir, records);
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("record of entry 1").hasMessageContaining("not in canonical form");
  }

  @Test
  void aFileThatIsNotAnAuditLogIsRefused() throws IOException {
    Files.writeString(LogFile.in(dir), "hello world, this is not it\n");
    assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("does not start with the header of a Clave audit log");
  }

  @Test
  void aRecordChangedOnDiskWhileTheLogRunsIsNotServed() throws IOException {
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      for (int i = 0; i < 5; i++) {
        log.append(event(i));
      }
      List<byte[]> records = new ArrayList<>(LogFile.records(dir));
      String forged = new String(records.get(2), StandardCharsets.UTF_8).replace("s2", "x2");
      records.set(2, forged.getBytes(StandardCharsets.UTF_8));
      LogFile.write(dir, records); // same lengths, valid checksums
      assertThat(log.entries(0, 2, 5)).hasSize(2);
      assertThatThrownBy(() -> log.entries(0, 5, 5)).isInstanceOf(AuditLogException.class)
          .hasMessageContaining("record of entry 2").hasMessageContaining("no longer matches the hash logged");
    }
  }

  @Test
  void aSecondOpenOfTheSameLogIsRefused() throws IOException {
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      log.append(event(0));
      assertThatThrownBy(() -> AuditLog.open(dir, SIGNER, CLOCK)).isInstanceOf(AuditLogException.class)
          .hasMessageContaining("already open");
    }
    try (AuditLog again = AuditLog.open(dir, SIGNER, CLOCK)) {
      assertThat(again.size()).isEqualTo(1);
    }
  }

  @Test
  void aClosedLogRefusesWork() throws IOException {
    AuditLog log = AuditLog.open(dir, SIGNER, CLOCK);
    log.close();
    assertThatThrownBy(() -> log.append(event(0))).isInstanceOf(AuditLogException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(log::treeHead).hasMessageContaining("is closed");
    log.close(); // idempotent
  }

  @Test
  void concurrentAppendsShareSyncsAndLoseNothing() throws Exception {
    int threads = 8;
    int each = 40;
    ConcurrentLinkedQueue<Long> seqs = new ConcurrentLinkedQueue<>();
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            for (int i = 0; i < each; i++) {
              long seq = log.append(AuditEvent.builder(AuditEventType.SESSION_UPDATED)
                  .session("t" + thread + "-" + i).build());
              seqs.add(seq);
              // Acknowledged means covered by every later head.
              assertThat(log.size()).isGreaterThan(seq);
            }
            return null;
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdown();
      }
      assertThat(seqs).hasSize(threads * each).doesNotHaveDuplicates();
      assertThat(Collections.max(seqs)).isEqualTo(threads * each - 1);
      AuditBundle bundle = log.bundle(0, OptionalLong.empty());
      AuditLogVerifier.Result result = new AuditLogVerifier(AuditLogVerifier.TrustAnchor.of(KEY))
          .verify(java.util.Optional.empty(), 0, bundle);
      assertThat(result.exitCode()).as(result.message()).isZero();
      assertThat(result.entries()).extracting(e -> e.event().session().orElseThrow()).doesNotHaveDuplicates()
          .hasSize(threads * each);
    }
    try (AuditLog reopened = AuditLog.open(dir, SIGNER, CLOCK)) {
      assertThat(reopened.size()).isEqualTo(threads * each);
    }
  }

  @Test
  void bundlesPageAgainstAPinnedTree() throws IOException {
    logWith(25);
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      AuditBundle first = log.bundle(0, OptionalLong.empty(), OptionalLong.empty(), 10);
      assertThat(first.entries()).hasSize(10);
      assertThat(first.head().treeSize()).isEqualTo(25);
      log.append(event(25)); // the log grows between pages
      AuditBundle second = log.bundle(10, OptionalLong.empty(), OptionalLong.of(25), 10);
      AuditBundle third = log.bundle(20, OptionalLong.empty(), OptionalLong.of(25), 10);
      assertThat(third.entries()).hasSize(5);
      assertThat(second.head().rootHash()).isEqualTo(first.head().rootHash());
      AuditLogVerifier.Result r = new AuditLogVerifier(AuditLogVerifier.TrustAnchor.of(KEY))
          .verifyPages(java.util.Optional.empty(), 0, List.of(first, second, third));
      assertThat(r.exitCode()).as(r.message()).isZero();
      assertThat(r.entries()).hasSize(25);
    }
  }

  // ---- helpers shared with AuditLogVerifierTest

  static AuditEvent event(int i) {
    AuditEventType type = AuditEventType.values()[i % AuditEventType.values().length];
    AuditEvent.Builder b = AuditEvent.builder(type).session("s" + i);
    if (type == AuditEventType.ATTESTATION_REFUSED) {
      b.service("svc").reason("mrenclave not allowed");
    }
    return b.build();
  }

  /** Writes a log of n entries through AuditLog and returns its root. */
  private Sha256Hash logWith(int n) throws IOException {
    try (AuditLog log = AuditLog.open(dir, SIGNER, CLOCK)) {
      for (int i = 0; i < n; i++) {
        log.append(event(i));
      }
      return log.treeHead().rootHash();
    }
  }

  private static byte[] garbleLastByte(byte[] record) {
    byte[] copy = record.clone();
    copy[copy.length - 1] ^= 0x55;
    return copy;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
