package dev.clave.cas.audit;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CAS's verifiable audit log: an append-only file of {@link AuditEntry} records under the state directory,
 * mirrored by a {@link MerkleTree} whose heads the CAS signs ({@link TreeHeadSigner}). Clients fetch {@link
 * AuditBundle}s and check them with {@link AuditLogVerifier}; a CAS that drops, rewrites or reorders an
 * entry a client has seen covered by a tree head cannot produce a valid consistency proof.
 *
 * <p><b>File format</b> ({@value #FILE_NAME}): the 19-byte header {@code "clave-audit-log-v1\n"}, then one
 * record per entry:
 *
 * <pre>{@code
 * u32 big-endian   length L of the entry, 1..65536
 * L bytes          the entry's canonical JSON (AuditEntry#canonicalBytes, the Merkle leaf)
 * u32 big-endian   CRC-32C of those L bytes
 * }</pre>
 *
 * The CRC only tells a torn write from intact data; integrity against tampering comes from the tree heads.
 *
 * <p><b>Durability: group commit.</b> An append writes its record, then waits until an {@code fdatasync}
 * ({@code FileChannel.force(false)}) that started after its write has finished; concurrent appenders share
 * one sync. {@link #append} returns only then, so <i>no acknowledged entry is lost</i> by a crash. Tree
 * heads, entries and proofs cover only synced entries, so a client never sees a head the disk may not
 * keep. No more than {@value #MAX_UNSYNCED_BYTES} bytes are ever written past the last completed sync (a
 * writer syncs first if it would exceed that), which bounds what a crash can leave torn.
 *
 * <p><b>Recovery at {@link #open}</b>: every record is read and checked (length, checksum, canonical
 * entry, sequence numbers contiguous from 0) and the tree is rebuilt. A damaged record within the last
 * {@value #MAX_UNSYNCED_BYTES} bytes is the trace of a crash during unacknowledged writes: it and everything
 * after it are cut off (with a warning in the log). Damage earlier in the file, a record whose checksum holds
 * but whose content is not a valid entry, or a sequence number out of order means the file was damaged or
 * edited: {@code open} refuses with an {@link AuditLogException} (restore the file from a backup) instead
 * of serving a log with holes. A log that was cut or edited behind the CAS's back opens with a different
 * tree, which clients holding an earlier head detect (exit codes 17/18 of {@link AuditLogVerifier}).
 *
 * <p><b>Failure</b>: after a failed write or sync the log refuses every operation ({@link
 * AuditLogException}) until reopened, since it cannot know what reached the disk. The file is locked
 * ({@link FileLock}) against a second CAS process.
 *
 * <p>Thread-safe. Callers log names, hashes and reasons only, never secret values (see {@link AuditEvent}).
 */
public final class AuditLog implements Closeable {
  /** The file's name in the state directory. */
  public static final String FILE_NAME = "audit.log";

  /** The most bytes written beyond the last completed sync; also the window of torn-tail recovery. */
  public static final int MAX_UNSYNCED_BYTES = 1 << 20;

  static final byte[] HEADER = "clave-audit-log-v1\n".getBytes(StandardCharsets.US_ASCII);

  /** Length prefix and checksum around each entry. */
  static final int RECORD_OVERHEAD = 8;

  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

  private final Path file;
  private final FileChannel channel;
  private final FileLock fileLock;
  private final TreeHeadSigner signer;
  private final Clock clock;

  /** Guards everything below except the channel's syncs. */
  private final ReentrantLock lock = new ReentrantLock();
  /** Serialises syncs so that waiting appenders share one. Lock order: syncLock, then lock. */
  private final ReentrantLock syncLock = new ReentrantLock();

  private final MerkleTree tree;
  private final LongList offsets;
  private long fileEnd;
  /** Entries in the file (written, maybe not yet synced). */
  private long written;
  /** Entries known to be on disk; heads and proofs cover only these. */
  private long durable;
  private long durableEnd;
  private IOException failure;
  private boolean closed;
  private volatile SignedTreeHead lastHead;

  private AuditLog(Path file, FileChannel channel, FileLock fileLock, TreeHeadSigner signer, Clock clock,
      MerkleTree tree, LongList offsets, long fileEnd) {
    this.file = file;
    this.channel = channel;
    this.fileLock = fileLock;
    this.signer = signer;
    this.clock = clock;
    this.tree = tree;
    this.offsets = offsets;
    this.fileEnd = fileEnd;
    this.written = tree.size();
    this.durable = tree.size();
    this.durableEnd = fileEnd;
  }

  /** Opens (or creates) the log in {@code stateDir} with the system clock. */
  public static AuditLog open(Path stateDir, TreeHeadSigner signer) throws IOException {
    return open(stateDir, signer, Clock.systemUTC());
  }

  /**
   * Opens the log file in {@code stateDir}, creating it if absent, checks every record and rebuilds the tree
   * (see the class comment for what is repaired and what is refused).
   *
   * @throws AuditLogException if the file is damaged, not an audit log, or in use by another process
   * @throws IOException if the file cannot be read or written
   */
  public static AuditLog open(Path stateDir, TreeHeadSigner signer, Clock clock) throws IOException {
    AuditLogKey.fromSpki(signer.publicKeySpki()); // refuse a signer with an unusable key up front
    Path file = stateDir.resolve(FILE_NAME);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      create(file);
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS);
    try {
      FileLock fileLock;
      try {
        fileLock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        throw new AuditLogException("audit log " + file + " is already open (in this or another process)");
      }
      MerkleTree tree = new MerkleTree();
      LongList offsets = new LongList();
      long end = recover(file, channel, tree, offsets);
      LOG.info("audit log {}: {} entries, root {}", file, tree.size(), tree.rootHash());
      return new AuditLog(file, channel, fileLock, signer, clock, tree, offsets, end);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static void create(Path file) throws IOException {
    Path tmp = file.resolveSibling(FILE_NAME + ".new");
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
      ch.write(ByteBuffer.wrap(HEADER));
      ch.force(true);
    }
    // The header appears atomically: a crash leaves either no log or an empty valid one.
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(file.getParent());
    LOG.info("audit log {}: created", file);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms cannot sync a directory; the rename is still atomic there.
      LOG.debug("audit log: could not sync directory {}: {}", dir, e.toString());
    }
  }

  /** Reads and checks every record; cuts a torn tail; returns the end of the last good record. */
  private static long recover(Path file, FileChannel channel, MerkleTree tree, LongList offsets)
      throws IOException {
    long size = channel.size();
    byte[] header = new byte[HEADER.length];
    if (size < HEADER.length || readAt(channel, ByteBuffer.wrap(header), 0) != HEADER.length
        || !Arrays.equals(header, HEADER)) {
      throw new AuditLogException("audit log " + file + " does not start with the header of a Clave audit log"
          + " (\"clave-audit-log-v1\"): not an audit log, or damaged");
    }
    long pos = HEADER.length;
    CRC32C crc = new CRC32C();
    DataInputStream in = new DataInputStream(
        new BufferedInputStream(Channels.newInputStream(channel.position(pos)), 1 << 16));
    String torn = null;
    while (pos < size) {
      long remaining = size - pos;
      long seq = tree.size();
      if (remaining < 4) {
        torn = "an incomplete length prefix";
        break;
      }
      int length = in.readInt();
      if (length <= 0 || length > AuditEntry.MAX_ENCODED_BYTES) {
        torn = damaged(file, size, pos, seq, "length " + Integer.toUnsignedString(length) + " is not in [1, "
            + AuditEntry.MAX_ENCODED_BYTES + "]");
        break;
      }
      if (remaining < RECORD_OVERHEAD + (long) length) {
        torn = "an incomplete record (" + remaining + " of " + (RECORD_OVERHEAD + length) + " bytes)";
        break;
      }
      byte[] body = in.readNBytes(length);
      int stored = in.readInt();
      crc.reset();
      crc.update(body);
      if ((int) crc.getValue() != stored) {
        torn = damaged(file, size, pos, seq, "checksum mismatch");
        break;
      }
      AuditEntry entry;
      try {
        entry = AuditEntry.fromCanonicalBytes(body);
      } catch (AuditFormatException e) {
        throw new AuditLogException(where(file, pos, seq) + "the checksum holds but the record is not a valid"
            + " audit entry (" + e.getMessage() + "): the file was edited or damaged; refusing to open it");
      }
      if (entry.sequence() != seq) {
        throw new AuditLogException(where(file, pos, seq) + "sequence number " + entry.sequence() + " where "
            + seq + " was expected: entries were removed, duplicated or reordered; refusing to open it");
      }
      offsets.add(pos);
      tree.append(body);
      pos += RECORD_OVERHEAD + length;
    }
    if (torn != null) {
      long cut = size - pos;
      LOG.warn("audit log {}: cutting off {} bytes at offset {} after {} intact entries: {}, left by a crash"
          + " during a write that was never acknowledged", file, cut, pos, tree.size(), torn);
      channel.truncate(pos);
      channel.force(true);
    }
    return pos;
  }

  /**
   * A damaged record: near the end of the file it is a torn write (returns the reason), earlier it is damage
   * (throws).
   */
  private static String damaged(Path file, long size, long pos, long seq, String what) {
    if (size - pos <= MAX_UNSYNCED_BYTES) {
      return "a damaged final record (" + what + ")";
    }
    throw new AuditLogException(where(file, pos, seq) + what + ", and " + (size - pos) + " bytes follow, more"
        + " than a crash can leave unsynced: the file is damaged, not torn; refusing to open it (restore it"
        + " from a backup)");
  }

  private static String where(Path file, long pos, long seq) {
    return "audit log " + file + ", record of entry " + seq + " at byte offset " + pos + ": ";
  }

  /**
   * Appends an event as the next entry, stamped with the clock's time, and returns its sequence number once
   * the entry is on disk.
   *
   * @throws AuditLogException if the entry could not be made durable; the operation it records must then be
   *     reported as failed
   * @throws AuditFormatException if the event encodes to more than {@link AuditEntry#MAX_ENCODED_BYTES}
   */
  public long append(AuditEvent event) {
    long seq;
    lock.lock();
    try {
      checkUsable();
      seq = written;
      byte[] body = new AuditEntry(seq, clock.instant(), event).canonicalBytes();
      CRC32C crc = new CRC32C();
      crc.update(body);
      ByteBuffer record = ByteBuffer.allocate(RECORD_OVERHEAD + body.length);
      record.putInt(body.length).put(body).putInt((int) crc.getValue()).flip();
      if (fileEnd + record.remaining() - durableEnd > MAX_UNSYNCED_BYTES) {
        syncLocked(); // back-pressure: keep the torn-tail window bounded
      }
      long pos = fileEnd;
      try {
        while (record.hasRemaining()) {
          pos += channel.write(record, pos);
        }
      } catch (IOException e) {
        throw fail(e, "writing entry " + seq);
      }
      offsets.add(fileEnd);
      tree.append(body);
      fileEnd = pos;
      written = seq + 1;
    } finally {
      lock.unlock();
    }
    awaitDurable(seq + 1);
    return seq;
  }

  /** Returns once the first {@code count} entries are synced; one sync serves every waiting appender. */
  private void awaitDurable(long count) {
    syncLock.lock();
    try {
      long targetCount;
      long targetEnd;
      lock.lock();
      try {
        if (durable >= count) {
          return; // another appender's sync covered this entry
        }
        checkUsable();
        targetCount = written;
        targetEnd = fileEnd;
      } finally {
        lock.unlock();
      }
      try {
        channel.force(false);
      } catch (IOException e) {
        lock.lock();
        try {
          throw fail(e, "syncing entries up to " + (targetCount - 1));
        } finally {
          lock.unlock();
        }
      }
      lock.lock();
      try {
        if (targetCount > durable) {
          durable = targetCount;
          durableEnd = targetEnd;
        }
      } finally {
        lock.unlock();
      }
    } finally {
      syncLock.unlock();
    }
  }

  private void syncLocked() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw fail(e, "syncing entries up to " + (written - 1));
    }
    durable = written;
    durableEnd = fileEnd;
  }

  private AuditLogException fail(IOException e, String doing) {
    failure = e;
    LOG.error("audit log {}: {} failed; refusing further operations until restart", file, doing, e);
    return new AuditLogException("audit log " + file + ": " + doing + " failed (" + e.getMessage()
        + "); the log refuses further operations until the CAS restarts", e);
  }

  private void checkUsable() {
    if (closed) {
      throw new AuditLogException("audit log " + file + " is closed");
    }
    if (failure != null) {
      throw new AuditLogException("audit log " + file + " failed earlier (" + failure.getMessage()
          + "); restart the CAS", failure);
    }
  }

  /** The number of entries on disk (what tree heads cover). */
  public long size() {
    lock.lock();
    try {
      return durable;
    } finally {
      lock.unlock();
    }
  }

  /** The public key of the tree heads. */
  public AuditLogKey publicKey() {
    return AuditLogKey.fromSpki(signer.publicKeySpki());
  }

  /** A signed head of the whole (synced) log; re-signed only when the size changed. */
  public SignedTreeHead treeHead() {
    long size;
    Sha256Hash root;
    lock.lock();
    try {
      checkUsable();
      size = durable;
      SignedTreeHead last = lastHead;
      if (last != null && last.treeSize() == size) {
        return last;
      }
      root = tree.rootHash(size);
    } finally {
      lock.unlock();
    }
    return sign(size, root);
  }

  private SignedTreeHead sign(long size, Sha256Hash root) {
    SignedTreeHead head;
    try {
      head = SignedTreeHead.sign(size, root, clock.instant(), signer);
    } catch (GeneralSecurityException e) {
      throw new AuditLogException("audit log " + file + ": signing the tree head failed: " + e.getMessage(), e);
    }
    lock.lock();
    try {
      if (size == durable) {
        lastHead = head;
      }
    } finally {
      lock.unlock();
    }
    return head;
  }

  /**
   * Up to {@code count} (at most {@link AuditBundle#MAX_ENTRIES}) entries from {@code from}, each with its
   * inclusion proof in the tree of the first {@code treeSize} entries (at most {@link #size()}).
   *
   * @throws AuditLogException if a record on disk no longer matches the leaf hash logged for it (the file was
   *     changed behind the CAS's back)
   */
  public List<ProvedEntry> entries(long from, int count, long treeSize) {
    if (from < 0 || count < 0 || count > AuditBundle.MAX_ENTRIES) {
      throw new IllegalArgumentException("from must be non-negative and count in [0, "
          + AuditBundle.MAX_ENTRIES + "]");
    }
    long[] positions;
    Sha256Hash[] leaves;
    InclusionProof[] proofs;
    lock.lock();
    try {
      checkUsable();
      checkTreeSize(treeSize);
      long end = Math.min(treeSize, from + count);
      int n = (int) Math.max(0, end - from);
      positions = new long[n];
      leaves = new Sha256Hash[n];
      proofs = new InclusionProof[n];
      for (int i = 0; i < n; i++) {
        positions[i] = offsets.get(from + i);
        leaves[i] = tree.leafHash(from + i);
        proofs[i] = tree.inclusionProof(from + i, treeSize);
      }
    } finally {
      lock.unlock();
    }
    List<ProvedEntry> out = new ArrayList<>(positions.length);
    for (int i = 0; i < positions.length; i++) {
      out.add(new ProvedEntry(read(positions[i], from + i, leaves[i]), proofs[i]));
    }
    return out;
  }

  /** The consistency proof from the first {@code oldSize} entries to the first {@code newSize}. */
  public ConsistencyProof consistency(long oldSize, long newSize) {
    lock.lock();
    try {
      checkUsable();
      checkTreeSize(newSize);
      return tree.consistencyProof(oldSize, newSize);
    } finally {
      lock.unlock();
    }
  }

  /** The consistency proof from the first {@code oldSize} entries to the whole synced log. */
  public ConsistencyProof consistency(long oldSize) {
    lock.lock();
    try {
      return consistency(oldSize, durable);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A verification bundle for the whole (synced) log: its current head, the consistency proof from {@code
   * trustedSize} (the size of the head the client trusts, if any and not larger than the log), and up to
   * {@link AuditBundle#MAX_ENTRIES} entries from {@code from}.
   */
  public AuditBundle bundle(long from, OptionalLong trustedSize) {
    return bundle(from, trustedSize, OptionalLong.empty(), AuditBundle.MAX_ENTRIES);
  }

  /**
   * A verification bundle against the tree of the first {@code treeSize} entries (default: the whole synced
   * log). A client reading a long range in pages pins every page to the size of the first page's head, so
   * all pages prove against the same tree (see {@link AuditLogVerifier#verifyPages}).
   */
  public AuditBundle bundle(long from, OptionalLong trustedSize, OptionalLong treeSize, int maxEntries) {
    if (from < 0 || maxEntries < 0 || maxEntries > AuditBundle.MAX_ENTRIES) {
      throw new IllegalArgumentException("from must be non-negative and maxEntries in [0, "
          + AuditBundle.MAX_ENTRIES + "]");
    }
    long size;
    Sha256Hash root;
    Optional<ConsistencyProof> consistency = Optional.empty();
    SignedTreeHead head = null;
    lock.lock();
    try {
      checkUsable();
      size = treeSize.orElse(durable);
      checkTreeSize(size);
      root = tree.rootHash(size);
      if (trustedSize.isPresent() && trustedSize.getAsLong() >= 0 && trustedSize.getAsLong() <= size) {
        consistency = Optional.of(tree.consistencyProof(trustedSize.getAsLong(), size));
      }
      SignedTreeHead last = lastHead;
      if (last != null && last.treeSize() == size) {
        head = last;
      }
    } finally {
      lock.unlock();
    }
    List<ProvedEntry> entries = entries(from, maxEntries, size);
    if (head == null) {
      head = sign(size, root);
    }
    return new AuditBundle(publicKey(), head, consistency, entries);
  }

  private void checkTreeSize(long treeSize) {
    if (treeSize < 0 || treeSize > durable) {
      throw new IllegalArgumentException("tree size " + treeSize + " is not in [0, " + durable + "]");
    }
  }

  /** Reads one record and checks it against its logged leaf hash. */
  private AuditEntry read(long pos, long seq, Sha256Hash leaf) {
    try {
      ByteBuffer len = ByteBuffer.allocate(4);
      readFully(len, pos, seq);
      int length = len.flip().getInt();
      if (length <= 0 || length > AuditEntry.MAX_ENCODED_BYTES) {
        throw changed(seq, pos, "its length field changed");
      }
      ByteBuffer body = ByteBuffer.allocate(length);
      readFully(body, pos + 4, seq);
      byte[] bytes = body.array();
      if (!MerkleTree.leafHash(bytes).equals(leaf)) {
        throw changed(seq, pos, "its content no longer matches the hash logged for it");
      }
      return AuditEntry.fromCanonicalBytes(bytes);
    } catch (IOException e) {
      throw new AuditLogException("audit log " + file + ": reading entry " + seq + " failed: " + e.getMessage(),
          e);
    }
  }

  private void readFully(ByteBuffer buf, long pos, long seq) throws IOException {
    while (buf.hasRemaining()) {
      int n = channel.read(buf, pos + buf.position());
      if (n < 0) {
        throw changed(seq, pos, "the file is shorter than when it was opened");
      }
    }
  }

  private static int readAt(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    int total = 0;
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  private AuditLogException changed(long seq, long pos, String what) {
    LOG.error("audit log {}: entry {} at offset {}: {}", file, seq, pos, what);
    return new AuditLogException(where(file, pos, seq) + what + ": the file was modified behind the CAS's back");
  }

  /** Syncs, releases the file lock and closes the file. Further calls fail. */
  @Override
  public void close() throws IOException {
    syncLock.lock();
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (failure == null && durable < written) {
          channel.force(false);
          durable = written; // appenders still waiting for a sync find their entries durable
          durableEnd = fileEnd;
        }
      } finally {
        try {
          fileLock.release();
        } finally {
          channel.close();
        }
      }
    } finally {
      lock.unlock();
      syncLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "AuditLog[" + file + "]";
  }

  /** A growable list of longs in fixed-size chunks. */
  private static final class LongList {
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private final List<long[]> chunks = new ArrayList<>();
    private long size;

    void add(long v) {
      int slot = (int) (size & (CHUNK - 1));
      if (slot == 0) {
        chunks.add(new long[CHUNK]);
      }
      chunks.getLast()[slot] = v;
      size++;
    }

    long get(long i) {
      return chunks.get((int) (i >>> CHUNK_BITS))[(int) (i & (CHUNK - 1))];
    }
  }
}
