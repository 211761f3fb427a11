package dev.clave.cas.audit;

import java.util.Objects;

/**
 * An audit entry with the proof that it is leaf {@code entry.sequence()} of a tree of {@code
 * proof.treeSize()} leaves; {@link #verify} checks it against that tree's root.
 */
public record ProvedEntry(AuditEntry entry, InclusionProof proof) {
  public ProvedEntry {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(proof, "proof");
    if (proof.leafIndex() != entry.sequence()) {
      throw new AuditFormatException("the inclusion proof is for leaf " + proof.leafIndex() + ", the entry has"
          + " sequence number " + entry.sequence());
    }
  }

  /** Whether the entry's canonical bytes are the leaf the proof places under {@code root}. */
  public boolean verify(Sha256Hash root) {
    return MerkleTree.verifyInclusion(entry.leafHash(), proof, root);
  }
}
