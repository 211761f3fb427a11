package dev.clave.cas.audit;

import java.util.List;

/**
 * An RFC 9162 §2.1.3 inclusion proof: the audit path that links the leaf at {@code leafIndex} to the root of
 * the tree of the first {@code treeSize} leaves, ordered from the leaf up. Checked by {@link
 * MerkleTree#verifyInclusion}.
 */
public record InclusionProof(long leafIndex, long treeSize, List<Sha256Hash> path) {
  /** No tree Clave can hold (fewer than 2^63 leaves) has a longer audit path. */
  public static final int MAX_PATH = 63;

  public InclusionProof {
    if (leafIndex < 0 || treeSize <= leafIndex) {
      throw new AuditFormatException("leaf index " + leafIndex + " is not inside a tree of " + treeSize
          + " leaves");
    }
    path = List.copyOf(path);
    if (path.size() > MAX_PATH) {
      throw new AuditFormatException("an inclusion path has at most " + MAX_PATH + " hashes, got "
          + path.size());
    }
  }
}
