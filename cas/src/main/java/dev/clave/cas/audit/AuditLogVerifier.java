package dev.clave.cas.audit;

import dev.clave.policy.protect.KeyHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client's check of an audit log ({@code clave cas verify-audit-log}): given the CAS's audit key, the
 * tree head it trusted last time (if any) and an {@link AuditBundle} it fetched, decides whether the log is
 * intact and complete, with the exit codes of SCONE's {@code verify-audit-log} (reference §2.7) where they
 * apply. No network: the CLI fetches the JSON and calls this.
 *
 * <p>The checks, in order; the first failure decides the result:
 *
 * <ol>
 *   <li>The bundle's key is the trusted key (or has the trusted key hash), and the head names it as its
 *       key: otherwise <b>19</b>, wrong CAS. The trusted head too must name the trusted key (19).
 *   <li>The head's signature verifies: otherwise <b>20</b>, integrity. Likewise the trusted head's.
 *   <li>Against the trusted head: a smaller tree, or the same size with another root, is <b>18</b>,
 *       rollback. A larger tree needs a consistency proof from the trusted size: none (or one from another
 *       size) is <b>16</b>, rollback cannot be ruled out; one that fails is <b>17</b>, rollback or missing
 *       entries. (17, not 18: a failing proof shows the new tree does not extend the old one, so entries
 *       the client saw were removed or rewritten, or the proof is simply wrong; the CAS offers no tree the
 *       client can check further.)
 *   <li>Each entry's inclusion proof against the head: a failure, or entries out of order or repeated, is
 *       <b>20</b>. A gap between returned entries is <b>17</b>, missing entries; so is a request from beyond
 *       the end of the log.
 *   <li>Coverage of the requested range [{@code from}, head size): if the first entry is later than {@code
 *       from}, <b>15</b>, truncated (old entries missing); if the last is before the end, or nothing came,
 *       <b>14</b>, truncated (recent entries missing).
 * </ol>
 *
 * Otherwise <b>0</b>. Code 10 (a single rolled-back transaction) does not occur: Clave never reuses a
 * sequence number, so a failed operation is simply a further entry. When steps 1–3 pass, {@link
 * Result#verifiedHead()} holds the new head: the client stores it as the head it trusts next time (it is
 * safe to, even if the entries then fail: the head itself is signed and consistent).
 */
public final class AuditLogVerifier {
  /** The outcomes, with their exit codes. */
  public enum Outcome {
    OK(0),
    SINGLE_ROLLED_BACK_TRANSACTION(10),
    TRUNCATED_RECENT_ENTRIES_MISSING(14),
    TRUNCATED_OLD_ENTRIES_MISSING(15),
    ROLLBACK_NOT_RULED_OUT(16),
    ROLLBACK_OR_MISSING_ENTRIES(17),
    ROLLBACK(18),
    WRONG_CAS(19),
    INTEGRITY(20);

    private final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  /**
   * The verdict: the outcome, a message for the user, the new head if it verified and is consistent with
   * the trusted one, and the entries whose inclusion verified (in order; empty unless all of them did).
   */
  public record Result(Outcome outcome, String message, Optional<SignedTreeHead> verifiedHead,
      List<AuditEntry> entries) {
    public Result {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(message, "message");
      Objects.requireNonNull(verifiedHead, "verifiedHead");
      entries = List.copyOf(entries);
    }

    public int exitCode() {
      return outcome.exitCode();
    }

    public boolean ok() {
      return outcome == Outcome.OK;
    }
  }

  /**
   * What the client trusts: the CAS's audit public key, or only its key hash (then the key comes with the
   * bundle and must hash to it).
   */
  public record TrustAnchor(KeyHash keyId, Optional<AuditLogKey> key) {
    public TrustAnchor {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(key, "key");
      if (key.isPresent() && !key.get().keyId().equals(keyId)) {
        throw new IllegalArgumentException("the key hash does not match the key");
      }
    }

    public static TrustAnchor of(AuditLogKey key) {
      return new TrustAnchor(key.keyId(), Optional.of(key));
    }

    public static TrustAnchor ofKeyHash(KeyHash keyId) {
      return new TrustAnchor(keyId, Optional.empty());
    }
  }

  private final TrustAnchor anchor;

  public AuditLogVerifier(TrustAnchor anchor) {
    this.anchor = Objects.requireNonNull(anchor, "anchor");
  }

  /**
   * Verifies a bundle read from JSON; a bundle that does not parse is an integrity failure (20) whose
   * message says what is wrong where.
   */
  public Result verify(Optional<SignedTreeHead> trusted, long from, byte[] bundleJson) {
    AuditBundle bundle;
    try {
      bundle = AuditBundle.fromJson(bundleJson);
    } catch (AuditFormatException e) {
      return fail(Outcome.INTEGRITY, "the audit bundle is malformed: " + e.getMessage());
    }
    return verify(trusted, from, bundle);
  }

  /** Verifies one bundle that should hold every entry from {@code from} to the end of its tree. */
  public Result verify(Optional<SignedTreeHead> trusted, long from, AuditBundle bundle) {
    return verifyPages(trusted, from, List.of(bundle));
  }

  /**
   * Verifies a range read in pages: every page must carry the same tree (size and root) and the same key;
   * their entries, concatenated, should cover [{@code from}, tree size). A consistency proof may come with
   * any page; the first one is used.
   */
  public Result verifyPages(Optional<SignedTreeHead> trusted, long from, List<AuditBundle> pages) {
    Objects.requireNonNull(trusted, "trusted");
    if (from < 0) {
      throw new IllegalArgumentException("from must be non-negative");
    }
    if (pages.isEmpty()) {
      throw new IllegalArgumentException("no bundle to verify");
    }
    AuditBundle first = pages.getFirst();
    SignedTreeHead head = first.head();
    AuditLogKey key = first.publicKey();

    // 1. The right CAS: the key, and the key each head names.
    if (anchor.key().isPresent() ? !anchor.key().get().equals(key) : !anchor.keyId().equals(key.keyId())) {
      return fail(Outcome.WRONG_CAS, "the bundle's audit key " + key.keyId() + " is not the trusted audit key "
          + anchor.keyId() + ": another CAS, or this CAS with a new audit key");
    }
    for (int i = 0; i < pages.size(); i++) {
      AuditBundle page = pages.get(i);
      if (!page.publicKey().equals(key)) {
        return fail(Outcome.WRONG_CAS, "bundle page " + (i + 1) + " carries another audit key, "
            + page.publicKey().keyId());
      }
      if (!page.head().keyId().equals(anchor.keyId())) {
        return fail(Outcome.WRONG_CAS, "the tree head" + pageLabel(pages, i) + " is signed by key "
            + page.head().keyId() + ", not by the trusted audit key " + anchor.keyId() + ": another CAS");
      }
    }
    if (trusted.isPresent() && !trusted.get().keyId().equals(anchor.keyId())) {
      return fail(Outcome.WRONG_CAS, "the previously trusted tree head is signed by key " + trusted.get().keyId()
          + ", not by the trusted audit key " + anchor.keyId());
    }

    // 2. Signatures.
    for (int i = 0; i < pages.size(); i++) {
      if (!pages.get(i).head().verify(key)) {
        return fail(Outcome.INTEGRITY, "the signature of the tree head" + pageLabel(pages, i)
            + " does not verify under the audit key " + key.keyId());
      }
    }
    if (trusted.isPresent() && !trusted.get().verify(key)) {
      return fail(Outcome.INTEGRITY, "the signature of the previously trusted tree head does not verify under"
          + " the audit key " + key.keyId() + " (is the client's saved state damaged?)");
    }
    for (int i = 1; i < pages.size(); i++) {
      SignedTreeHead h = pages.get(i).head();
      if (h.treeSize() == head.treeSize() && !h.rootHash().equals(head.rootHash())) {
        return fail(Outcome.ROLLBACK, "two signed tree heads of " + head.treeSize() + " entries with different"
            + " roots (" + head.rootHash() + " and " + h.rootHash() + "): the CAS rewrote its log");
      }
      if (h.treeSize() != head.treeSize()) {
        return fail(Outcome.INTEGRITY, "bundle page " + (i + 1) + " proves against a tree of " + h.treeSize()
            + " entries, page 1 against " + head.treeSize() + ": pages must be pinned to one tree size");
      }
    }

    // 3. Rollback against what the client saw before.
    long size = head.treeSize();
    String consistencyNote = "no previously trusted tree head to compare with";
    if (trusted.isPresent()) {
      SignedTreeHead old = trusted.get();
      if (size < old.treeSize()) {
        return fail(Outcome.ROLLBACK, "rollback: the CAS now shows " + size + " entries, but on "
            + AuditTime.format(old.timestamp()) + " it signed a head of " + old.treeSize() + " entries");
      }
      if (size == old.treeSize()) {
        if (!head.rootHash().equals(old.rootHash())) {
          return fail(Outcome.ROLLBACK, "rollback: the log still has " + size + " entries but its root changed"
              + " from " + old.rootHash() + " to " + head.rootHash() + ": entries were rewritten");
        }
      } else {
        Optional<ConsistencyProof> proof = pages.stream().map(AuditBundle::consistency)
            .flatMap(Optional::stream).findFirst();
        if (proof.isEmpty() || proof.get().oldSize() != old.treeSize()) {
          return fail(Outcome.ROLLBACK_NOT_RULED_OUT, "rollback cannot be ruled out: the bundle has no"
              + " consistency proof from the trusted head of " + old.treeSize() + " entries"
              + proof.map(p -> " (it has one from " + p.oldSize() + ")").orElse(""));
        }
        if (!MerkleTree.verifyConsistency(proof.get(), old.rootHash(), head.rootHash())) {
          return fail(Outcome.ROLLBACK_OR_MISSING_ENTRIES, "the log of " + size + " entries does not extend"
              + " the log of " + old.treeSize() + " entries the CAS signed on " + AuditTime.format(old.timestamp())
              + ": entries seen before were removed or rewritten (the consistency proof fails)");
        }
      }
      consistencyNote = "consistent with the trusted head of " + old.treeSize() + " entries";
    }
    Optional<SignedTreeHead> verifiedHead = Optional.of(head);

    // 4. The entries: inclusion and order first (a swapped pair is tampering, not a gap), then gaps.
    List<AuditEntry> entries = new ArrayList<>();
    for (AuditBundle page : pages) {
      for (ProvedEntry e : page.entries()) {
        long seq = e.entry().sequence();
        int position = entries.size();
        if (!e.verify(head.rootHash())) {
          return fail(Outcome.INTEGRITY, verifiedHead, "entry " + seq + " (position " + position + ") is not in"
              + " the signed tree: its inclusion proof fails (the entry or its proof was altered)");
        }
        if (position > 0 && seq <= entries.getLast().sequence()) {
          return fail(Outcome.INTEGRITY, verifiedHead, "entry " + seq + " at position " + position
              + " is out of order or repeated (it follows entry " + entries.getLast().sequence() + ")");
        }
        entries.add(e.entry());
      }
    }
    for (int i = 1; i < entries.size(); i++) {
      long previous = entries.get(i - 1).sequence();
      long seq = entries.get(i).sequence();
      if (seq != previous + 1) {
        return fail(Outcome.ROLLBACK_OR_MISSING_ENTRIES, verifiedHead, "entries are missing: "
            + range(previous + 1, seq) + " not returned");
      }
    }
    long expected = entries.isEmpty() ? from : entries.getLast().sequence() + 1;
    if (from > size) {
      return fail(Outcome.ROLLBACK_OR_MISSING_ENTRIES, verifiedHead, "the log holds only " + size
          + " entries, but entries from " + from + " were requested: entries are missing");
    }

    // 5. Coverage of [from, size).
    if (from < size) {
      if (entries.isEmpty()) {
        return fail(Outcome.TRUNCATED_RECENT_ENTRIES_MISSING, verifiedHead, "truncated: no entries were"
            + " returned, but the signed log holds " + range(from, size));
      }
      long firstSeq = entries.getFirst().sequence();
      if (firstSeq > from) {
        return fail(Outcome.TRUNCATED_OLD_ENTRIES_MISSING, verifiedHead, "truncated: old entries are"
            + " missing: " + range(from, firstSeq));
      }
      if (expected < size) {
        return fail(Outcome.TRUNCATED_RECENT_ENTRIES_MISSING, verifiedHead, "truncated: recent entries are"
            + " missing: " + range(expected, size));
      }
    }
    String message = "audit log OK: " + entries.size() + " entries verified against the signed tree head of "
        + size + " entries (root " + head.rootHash() + ", " + AuditTime.format(head.timestamp()) + ", key "
        + key.keyId() + "); " + consistencyNote;
    return new Result(Outcome.OK, message, verifiedHead, entries);
  }

  private static String range(long fromInclusive, long toExclusive) {
    return toExclusive - fromInclusive == 1 ? "entry " + fromInclusive
        : "entries " + fromInclusive + " to " + (toExclusive - 1);
  }

  private static String pageLabel(List<AuditBundle> pages, int i) {
    return pages.size() == 1 ? "" : " of page " + (i + 1);
  }

  private static Result fail(Outcome outcome, String message) {
    return new Result(outcome, message, Optional.empty(), List.of());
  }

  private static Result fail(Outcome outcome, Optional<SignedTreeHead> head, String message) {
    return new Result(outcome, message, head, List.of());
  }
}
