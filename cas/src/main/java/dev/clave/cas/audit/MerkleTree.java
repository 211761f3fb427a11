package dev.clave.cas.audit;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An append-only RFC 9162 §2.1 Merkle tree over SHA-256, with the RFC's inclusion and consistency proofs.
 *
 * <p><b>Hashing</b> (RFC 9162 §2.1.1): a leaf hash is SHA-256(0x00 ‖ entry), an interior node is
 * SHA-256(0x01 ‖ left ‖ right), the root of the empty tree is SHA-256 of the empty string, and a tree of n
 * &gt; 1 leaves splits into a left subtree of the largest power of two k &lt; n leaves and a right subtree of
 * the other n − k. The two prefixes keep a leaf from ever posing as a node (second preimage).
 *
 * <p><b>Storage</b>: the tree keeps every leaf hash and, per level, the hash of every <i>complete</i> aligned
 * subtree (2^h leaves starting at a multiple of 2^h): about 2n hashes, 64 bytes per leaf. An append adds
 * the leaf and the complete subtrees it closes (amortised O(1) hashes). Every subtree the RFC's algorithms
 * ask for is either complete (a lookup) or a suffix ending at the tree's right edge; the suffixes of the
 * current size are cached until the next append, so the root and a proof against the current size cost
 * O(log n) hashes. A proof against an older size costs at most O(log² n).
 *
 * <p>Not thread-safe: {@link AuditLog} serialises access. The static verification methods are pure and
 * thread-safe.
 */
public final class MerkleTree {
  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  /** levels.get(h) holds the hashes of the complete subtrees of 2^h leaves, left to right. */
  private final List<HashArray> levels = new ArrayList<>();

  /** Hashes of the incomplete subtrees [start, size) at the current size, keyed by start. */
  private final Map<Long, byte[]> rightEdge = new HashMap<>();

  private final MessageDigest sha256 = Sha256Hash.digest();

  public MerkleTree() {
    levels.add(new HashArray());
  }

  /** The number of leaves. */
  public long size() {
    return levels.getFirst().size();
  }

  /** Appends an entry (hashing it as a leaf) and returns its leaf index. */
  public long append(byte[] entry) {
    return appendLeafHash(leafHash(entry));
  }

  /** Appends a leaf by its leaf hash and returns its index. */
  public long appendLeafHash(Sha256Hash leafHash) {
    byte[] hash = leafHash.toByteArray();
    long index = size();
    levels.getFirst().add(hash);
    rightEdge.clear();
    // Every odd index closes a complete subtree one level up; carry as long as the new node is a right child.
    long i = index;
    int level = 0;
    while ((i & 1) == 1) {
      byte[] parent = node(levels.get(level).get(i - 1), hash);
      level++;
      if (levels.size() == level) {
        levels.add(new HashArray());
      }
      levels.get(level).add(parent);
      hash = parent;
      i >>>= 1;
    }
    return index;
  }

  /** The leaf hash at {@code index}. */
  public Sha256Hash leafHash(long index) {
    checkIndex(index, size());
    return Sha256Hash.wrap(levels.getFirst().get(index));
  }

  /** The root hash of the whole tree (MTH(D[n]) of RFC 9162 §2.1.1). */
  public Sha256Hash rootHash() {
    return rootHash(size());
  }

  /** The root hash of the tree of the first {@code treeSize} leaves; the empty tree has SHA-256(""). */
  public Sha256Hash rootHash(long treeSize) {
    checkSize(treeSize);
    if (treeSize == 0) {
      return Sha256Hash.EMPTY_TREE;
    }
    return Sha256Hash.wrap(subtree(0, treeSize).clone());
  }

  /**
   * The audit path of the leaf at {@code leafIndex} in the tree of the first {@code treeSize} leaves:
   * PATH(m, D[n]) of RFC 9162 §2.1.3.1, leaf end first.
   */
  public InclusionProof inclusionProof(long leafIndex, long treeSize) {
    checkSize(treeSize);
    checkIndex(leafIndex, treeSize);
    List<Sha256Hash> path = new ArrayList<>();
    long start = 0;
    long end = treeSize;
    long m = leafIndex;
    // The recursion of the RFC, unrolled from the root down; the siblings are collected root first.
    while (end - start > 1) {
      long k = splitPoint(end - start);
      if (m < k) {
        path.add(hash(subtree(start + k, end)));
        end = start + k;
      } else {
        path.add(hash(subtree(start, start + k)));
        start += k;
        m -= k;
      }
    }
    Collections.reverse(path);
    return new InclusionProof(leafIndex, treeSize, path);
  }

  /**
   * The consistency proof from the tree of the first {@code oldSize} leaves to that of the first {@code
   * newSize}: PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 9162 §2.1.4.1; empty when {@code oldSize} is 0
   * or equals {@code newSize}.
   */
  public ConsistencyProof consistencyProof(long oldSize, long newSize) {
    checkSize(newSize);
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException("no consistency proof from " + oldSize + " to " + newSize + " leaves");
    }
    List<Sha256Hash> path = new ArrayList<>();
    if (oldSize == 0 || oldSize == newSize) {
      return new ConsistencyProof(oldSize, newSize, path);
    }
    long start = 0;
    long end = newSize;
    long m = oldSize;
    boolean wholeOldTree = true; // the RFC's b: the old tree's root is still the subtree at hand
    while (true) {
      long size = end - start;
      if (m == size) {
        if (!wholeOldTree) {
          path.add(hash(subtree(start, end)));
        }
        break;
      }
      long k = splitPoint(size);
      if (m <= k) {
        path.add(hash(subtree(start + k, end)));
        end = start + k;
      } else {
        path.add(hash(subtree(start, start + k)));
        start += k;
        m -= k;
        wholeOldTree = false;
      }
    }
    Collections.reverse(path);
    return new ConsistencyProof(oldSize, newSize, path);
  }

  /** SHA-256(0x00 ‖ entry). */
  public static Sha256Hash leafHash(byte[] entry) {
    MessageDigest d = Sha256Hash.digest();
    d.update(LEAF_PREFIX);
    d.update(entry);
    return Sha256Hash.wrap(d.digest());
  }

  /** SHA-256(0x01 ‖ left ‖ right). */
  public static Sha256Hash nodeHash(Sha256Hash left, Sha256Hash right) {
    MessageDigest d = Sha256Hash.digest();
    d.update(NODE_PREFIX);
    left.update(d);
    right.update(d);
    return Sha256Hash.wrap(d.digest());
  }

  /**
   * Whether {@code proof} shows that the leaf with hash {@code leafHash} is at {@code proof.leafIndex()} in
   * the tree of {@code proof.treeSize()} leaves with root {@code root}: the algorithm of RFC 9162
   * §2.1.3.2, which also refuses a path of the wrong length.
   */
  public static boolean verifyInclusion(Sha256Hash leafHash, InclusionProof proof, Sha256Hash root) {
    long fn = proof.leafIndex();
    long sn = proof.treeSize() - 1;
    Sha256Hash r = leafHash;
    for (Sha256Hash p : proof.path()) {
      if (sn == 0) {
        return false; // the path is longer than the tree is deep
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          // A right-edge node without a right sibling: climb until it is a right child again.
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    return sn == 0 && r.equals(root);
  }

  /**
   * Whether {@code proof} shows that the tree of {@code proof.oldSize()} leaves with root {@code oldRoot} is
   * a prefix of the tree of {@code proof.newSize()} leaves with root {@code newRoot}: the algorithm of RFC
   * 9162 §2.1.4.2 for 0 &lt; old &lt; new. For equal sizes the path must be empty and the roots equal; from
   * the empty tree the path must be empty and {@code oldRoot} must be SHA-256("").
   */
  public static boolean verifyConsistency(ConsistencyProof proof, Sha256Hash oldRoot, Sha256Hash newRoot) {
    long first = proof.oldSize();
    long second = proof.newSize();
    List<Sha256Hash> path = proof.path();
    if (first == 0) {
      return path.isEmpty() && oldRoot.equals(Sha256Hash.EMPTY_TREE);
    }
    if (first == second) {
      return path.isEmpty() && oldRoot.equals(newRoot);
    }
    if (path.isEmpty()) {
      return false;
    }
    List<Sha256Hash> c = path;
    if (Long.bitCount(first) == 1) {
      // The old tree is a complete subtree of the new one: its root is the proof's implicit first node.
      c = new ArrayList<>(path.size() + 1);
      c.add(oldRoot);
      c.addAll(path);
    }
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    Sha256Hash fr = c.getFirst();
    Sha256Hash sr = c.getFirst();
    for (int i = 1; i < c.size(); i++) {
      Sha256Hash ci = c.get(i);
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(ci, fr);
        sr = nodeHash(ci, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>>= 1;
            sn >>>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, ci);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    // Evaluate both comparisons: no early exit tells a prober which root was wrong.
    boolean firstMatches = fr.equals(oldRoot);
    boolean secondMatches = sr.equals(newRoot);
    return firstMatches & secondMatches & sn == 0;
  }

  /** MTH(D[start:end]) for 0 ≤ start &lt; end ≤ size; the returned array is shared, do not modify it. */
  private byte[] subtree(long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1 && start % n == 0) {
      int level = Long.numberOfTrailingZeros(n);
      return levels.get(level).get(start >>> level);
    }
    boolean atRightEdge = end == size();
    if (atRightEdge) {
      byte[] cached = rightEdge.get(start);
      if (cached != null) {
        return cached;
      }
    }
    long k = splitPoint(n);
    byte[] h = node(subtree(start, start + k), subtree(start + k, end));
    if (atRightEdge) {
      rightEdge.put(start, h);
    }
    return h;
  }

  /** The largest power of two strictly less than {@code n} (n ≥ 2). */
  private static long splitPoint(long n) {
    return Long.highestOneBit(n - 1);
  }

  private byte[] node(byte[] left, byte[] right) {
    sha256.update(NODE_PREFIX);
    sha256.update(left);
    sha256.update(right);
    return sha256.digest();
  }

  private static Sha256Hash hash(byte[] shared) {
    return Sha256Hash.wrap(shared.clone());
  }

  private void checkSize(long treeSize) {
    if (treeSize < 0 || treeSize > size()) {
      throw new IllegalArgumentException("tree size " + treeSize + " is not in [0, " + size() + "]");
    }
  }

  private static void checkIndex(long index, long treeSize) {
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException("leaf index " + index + " is not in [0, " + treeSize + ")");
    }
  }

  /** A growable list of 32-byte hashes in flat fixed-size chunks: 32 bytes a hash, no large copies. */
  private static final class HashArray {
    private static final int CHUNK_BITS = 12;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int L = Sha256Hash.LENGTH;

    private final List<byte[]> chunks = new ArrayList<>();
    private long size;

    long size() {
      return size;
    }

    void add(byte[] hash) {
      int slot = (int) (size & (CHUNK - 1));
      if (slot == 0) {
        chunks.add(new byte[CHUNK * L]);
      }
      System.arraycopy(hash, 0, chunks.getLast(), slot * L, L);
      size++;
    }

    /** A fresh copy of the hash at {@code index}. */
    byte[] get(long index) {
      int offset = (int) (index & (CHUNK - 1)) * L;
      return Arrays.copyOfRange(chunks.get((int) (index >>> CHUNK_BITS)), offset, offset + L);
    }
  }
}
