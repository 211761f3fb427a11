package dev.clave.cas.audit;

import java.util.List;

/**
 * An RFC 9162 §2.1.4 consistency proof: the hashes that show the tree of the first {@code oldSize} leaves is
 * a prefix of the tree of the first {@code newSize} leaves, so nothing the old tree held was dropped or
 * rewritten. Empty when {@code oldSize} is 0 or equals {@code newSize}. Checked by {@link
 * MerkleTree#verifyConsistency}.
 */
public record ConsistencyProof(long oldSize, long newSize, List<Sha256Hash> path) {
  /** A bound above every proof of a tree of fewer than 2^63 leaves (at most about 2·63 hashes). */
  public static final int MAX_PATH = 128;

  public ConsistencyProof {
    if (oldSize < 0 || newSize < oldSize) {
      throw new AuditFormatException("a consistency proof goes from a smaller tree to a larger one, not from "
          + oldSize + " to " + newSize + " leaves");
    }
    path = List.copyOf(path);
    if (path.size() > MAX_PATH) {
      throw new AuditFormatException("a consistency path has at most " + MAX_PATH + " hashes, got "
          + path.size());
    }
  }
}
