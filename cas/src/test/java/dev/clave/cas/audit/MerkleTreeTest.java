package dev.clave.cas.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final HexFormat HEX = HexFormat.of();

  /*
   * The RFC 6962 / RFC 9162 reference test data used across Certificate Transparency implementations:
   * Google's certificate-transparency C++ merkle_tree_test.cc, carried over into transparency-dev/merkle,
   * file proof/verify_test.go (leaves, roots, inclusionProofs and consistencyProofs; that file numbers leaves
   * from 1, we from 0). The eight leaves are the raw entries below; roots[n - 1] is MTH of the first n.
   */
  private static final byte[][] LEAVES = {
      hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243"), hex("5051525354555657"),
      hex("606162636465666768696a6b6c6d6e6f"),
  };

  private static final String[] ROOTS = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };

  /** {leafIndex (0-based), treeSize, path...} from the same file. */
  private static final Object[][] INCLUSION = {
      {0L, 8L, List.of(
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
      {5L, 8L, List.of(
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
      {2L, 3L, List.of(
          "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")},
      {1L, 5L, List.of(
          "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")},
      {0L, 1L, List.of()},
  };

  /** {oldSize, newSize, path...} from the same file. */
  private static final Object[][] CONSISTENCY = {
      {1L, 1L, List.of()},
      {1L, 8L, List.of(
          "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")},
      {6L, 8L, List.of(
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
      {2L, 5L, List.of(
          "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
          "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")},
      {6L, 7L, List.of(
          "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
          "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
          "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")},
  };

  @Test
  void emptyTreeHasTheHashOfTheEmptyString() {
    MerkleTree tree = new MerkleTree();
    assertThat(tree.size()).isZero();
    assertThat(tree.rootHash().hex())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void rootsOfTheReferenceTreeForEverySize() {
    MerkleTree tree = new MerkleTree();
    for (int n = 1; n <= 8; n++) {
      assertThat(tree.append(LEAVES[n - 1])).isEqualTo(n - 1);
      assertThat(tree.rootHash().hex()).as("root of %d leaves", n).isEqualTo(ROOTS[n - 1]);
    }
    // Roots of older sizes stay available after the tree grew.
    for (int n = 1; n <= 8; n++) {
      assertThat(tree.rootHash(n).hex()).isEqualTo(ROOTS[n - 1]);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void inclusionProofsOfTheReferenceTree() {
    MerkleTree tree = referenceTree();
    for (Object[] v : INCLUSION) {
      long index = (Long) v[0];
      long size = (Long) v[1];
      List<String> expected = (List<String>) v[2];
      InclusionProof proof = tree.inclusionProof(index, size);
      assertThat(proof.path().stream().map(Sha256Hash::hex).toList()).as("PATH(%d, D[%d])", index, size)
          .isEqualTo(expected);
      Sha256Hash root = Sha256Hash.parseHex(ROOTS[(int) size - 1]);
      assertThat(MerkleTree.verifyInclusion(MerkleTree.leafHash(LEAVES[(int) index]), proof, root)).isTrue();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void consistencyProofsOfTheReferenceTree() {
    MerkleTree tree = referenceTree();
    for (Object[] v : CONSISTENCY) {
      long oldSize = (Long) v[0];
      long newSize = (Long) v[1];
      List<String> expected = (List<String>) v[2];
      ConsistencyProof proof = tree.consistencyProof(oldSize, newSize);
      assertThat(proof.path().stream().map(Sha256Hash::hex).toList()).as("PROOF(%d, D[%d])", oldSize, newSize)
          .isEqualTo(expected);
      assertThat(MerkleTree.verifyConsistency(proof, Sha256Hash.parseHex(ROOTS[(int) oldSize - 1]),
          Sha256Hash.parseHex(ROOTS[(int) newSize - 1]))).isTrue();
    }
  }

  @Test
  void treeMatchesTheRfcDefinitionsForEverySizeUpTo64() {
    List<byte[]> entries = entries(64);
    MerkleTree tree = new MerkleTree();
    for (int n = 1; n <= 64; n++) {
      tree.append(entries.get(n - 1));
      List<byte[]> d = entries.subList(0, n);
      assertThat(tree.rootHash().toByteArray()).isEqualTo(Reference.mth(d));
      for (int m = 0; m < n; m++) {
        assertThat(hexes(tree.inclusionProof(m, n).path())).isEqualTo(hexes(Reference.path(m, d)));
      }
      for (int m = 1; m < n; m++) {
        assertThat(hexes(tree.consistencyProof(m, n).path())).isEqualTo(hexes(Reference.proof(m, d)));
      }
    }
    // Proofs against older sizes, asked of the grown tree, are the same.
    for (int n = 1; n <= 64; n += 7) {
      List<byte[]> d = entries.subList(0, n);
      for (int m = 1; m < n; m++) {
        assertThat(hexes(tree.consistencyProof(m, n).path())).isEqualTo(hexes(Reference.proof(m, d)));
        assertThat(hexes(tree.inclusionProof(m, n).path())).isEqualTo(hexes(Reference.path(m, d)));
      }
    }
  }

  @Test
  void everyInclusionProofUpTo64VerifiesAndEveryFlippedBitFails() {
    MerkleTree tree = treeOf(64);
    for (long n = 1; n <= 64; n++) {
      Sha256Hash root = tree.rootHash(n);
      for (long i = 0; i < n; i++) {
        Sha256Hash leaf = tree.leafHash(i);
        InclusionProof proof = tree.inclusionProof(i, n);
        assertThat(MerkleTree.verifyInclusion(leaf, proof, root)).as("leaf %d of %d", i, n).isTrue();
        for (int bit : bitsToFlip(n)) {
          assertThat(MerkleTree.verifyInclusion(flip(leaf, bit), proof, root)).isFalse();
          assertThat(MerkleTree.verifyInclusion(leaf, proof, flip(root, bit))).isFalse();
          for (int k = 0; k < proof.path().size(); k++) {
            assertThat(MerkleTree.verifyInclusion(leaf, withElement(proof, k, flip(proof.path().get(k), bit)),
                root)).as("leaf %d of %d, path[%d] bit %d", i, n, k, bit).isFalse();
          }
        }
      }
    }
  }

  @Test
  void everyConsistencyProofUpTo64VerifiesAndEveryFlippedBitFails() {
    MerkleTree tree = treeOf(64);
    for (long n = 0; n <= 64; n++) {
      Sha256Hash newRoot = tree.rootHash(n);
      for (long m = 0; m <= n; m++) {
        Sha256Hash oldRoot = tree.rootHash(m);
        ConsistencyProof proof = tree.consistencyProof(m, n);
        assertThat(MerkleTree.verifyConsistency(proof, oldRoot, newRoot)).as("%d -> %d", m, n).isTrue();
        for (int bit : bitsToFlip(n)) {
          if (m > 0 && m < n || m == n && m > 0) {
            // (From the empty tree the new root is not constrained: every tree extends the empty one.)
            assertThat(MerkleTree.verifyConsistency(proof, oldRoot, flip(newRoot, bit)))
                .as("%d -> %d, new root bit %d", m, n, bit).isFalse();
          }
          assertThat(MerkleTree.verifyConsistency(proof, flip(oldRoot, bit), newRoot))
              .as("%d -> %d, old root bit %d", m, n, bit).isFalse();
          for (int k = 0; k < proof.path().size(); k++) {
            ConsistencyProof bad = new ConsistencyProof(m, n, replace(proof.path(), k,
                flip(proof.path().get(k), bit)));
            assertThat(MerkleTree.verifyConsistency(bad, oldRoot, newRoot))
                .as("%d -> %d, path[%d] bit %d", m, n, k, bit).isFalse();
          }
        }
      }
    }
  }

  @Test
  void consistencyProofsRefuseEveryStructuralCorruption() {
    MerkleTree tree = treeOf(64);
    Sha256Hash other = MerkleTree.leafHash(new byte[] {42});
    for (long n = 2; n <= 64; n++) {
      for (long m = 1; m < n; m++) {
        ConsistencyProof p = tree.consistencyProof(m, n);
        Sha256Hash r1 = tree.rootHash(m);
        Sha256Hash r2 = tree.rootHash(n);
        List<Sha256Hash> path = p.path();
        List<ConsistencyProof> probes = new ArrayList<>();
        probes.add(new ConsistencyProof(m, n, List.of()));
        probes.add(new ConsistencyProof(m, n, append(path, other)));
        probes.add(new ConsistencyProof(m, n, append(path, r1)));
        probes.add(new ConsistencyProof(m, n, prepend(other, path)));
        probes.add(new ConsistencyProof(m, n, prepend(path.getFirst(), path)));
        probes.add(new ConsistencyProof(m, n, path.subList(0, path.size() - 1)));
        if (m > 1) {
          probes.add(new ConsistencyProof(m - 1, n, path));
        }
        if (m + 1 < n) {
          probes.add(new ConsistencyProof(m + 1, n, path));
        }
        probes.add(new ConsistencyProof(m, 2 * n, path));
        if (n / 2 >= m) {
          probes.add(new ConsistencyProof(m, n / 2, path));
        }
        for (ConsistencyProof probe : probes) {
          if (probe.equals(p)) {
            continue;
          }
          assertThat(MerkleTree.verifyConsistency(probe, r1, r2)).as("%d -> %d probe %s", m, n, probe).isFalse();
        }
        assertThat(MerkleTree.verifyConsistency(p, r2, r1)).as("swapped roots").isFalse();
      }
    }
  }

  @Test
  void inclusionProofsRefuseStructuralCorruption() {
    MerkleTree tree = treeOf(40);
    Sha256Hash other = MerkleTree.leafHash(new byte[] {42});
    for (long n = 1; n <= 40; n++) {
      Sha256Hash root = tree.rootHash(n);
      for (long i = 0; i < n; i++) {
        InclusionProof p = tree.inclusionProof(i, n);
        Sha256Hash leaf = tree.leafHash(i);
        List<InclusionProof> probes = new ArrayList<>();
        probes.add(new InclusionProof(i, n, append(p.path(), other)));
        probes.add(new InclusionProof(i, n, prepend(other, p.path())));
        if (!p.path().isEmpty()) {
          probes.add(new InclusionProof(i, n, p.path().subList(0, p.path().size() - 1)));
        }
        if (i + 1 < n) {
          probes.add(new InclusionProof(i + 1, n, p.path()));
        }
        if (i > 0) {
          probes.add(new InclusionProof(i - 1, n, p.path()));
        }
        if (n < 40) {
          probes.add(new InclusionProof(i, 2 * n, p.path()));
        }
        for (InclusionProof probe : probes) {
          boolean sameLeaf = probe.leafIndex() != i && tree.leafHash(probe.leafIndex()).equals(leaf);
          if (sameLeaf) {
            continue;
          }
          assertThat(MerkleTree.verifyInclusion(leaf, probe, root)).as("leaf %d of %d, probe %s", i, n, probe)
              .isFalse();
        }
      }
    }
  }

  @Test
  void trivialConsistencyCases() {
    MerkleTree tree = treeOf(5);
    Sha256Hash r3 = tree.rootHash(3);
    // Equal sizes: empty path and equal roots only.
    assertThat(MerkleTree.verifyConsistency(new ConsistencyProof(3, 3, List.of()), r3, r3)).isTrue();
    assertThat(MerkleTree.verifyConsistency(new ConsistencyProof(3, 3, List.of()), r3, tree.rootHash(4)))
        .isFalse();
    assertThat(MerkleTree.verifyConsistency(new ConsistencyProof(3, 3, List.of(r3)), r3, r3)).isFalse();
    // From the empty tree: the old root must be that of the empty tree and the path empty.
    assertThat(MerkleTree.verifyConsistency(new ConsistencyProof(0, 5, List.of()), Sha256Hash.EMPTY_TREE, r3))
        .isTrue();
    assertThat(MerkleTree.verifyConsistency(new ConsistencyProof(0, 5, List.of()), r3, r3)).isFalse();
    assertThat(MerkleTree.verifyConsistency(new ConsistencyProof(0, 5, List.of(r3)), Sha256Hash.EMPTY_TREE, r3))
        .isFalse();
    // Backwards is not even a proof.
    assertThatThrownBy(() -> new ConsistencyProof(4, 3, List.of())).isInstanceOf(AuditFormatException.class);
    assertThatThrownBy(() -> new InclusionProof(3, 3, List.of())).isInstanceOf(AuditFormatException.class);
    assertThatThrownBy(() -> tree.consistencyProof(2, 6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.inclusionProof(5, 5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void leafAndNodeHashesAreDomainSeparated() {
    // SHA-256(0x00 || "") and SHA-256(0x01 || a || b): a node can never pose as a leaf of the same bytes.
    assertThat(MerkleTree.leafHash(new byte[0]).hex()).isEqualTo(ROOTS[0]);
    Sha256Hash a = MerkleTree.leafHash(LEAVES[0]);
    Sha256Hash b = MerkleTree.leafHash(LEAVES[1]);
    assertThat(MerkleTree.nodeHash(a, b).hex()).isEqualTo(ROOTS[1]);
    byte[] concatenated = new byte[64];
    a.copyTo(concatenated, 0);
    b.copyTo(concatenated, 32);
    assertThat(MerkleTree.leafHash(concatenated)).isNotEqualTo(MerkleTree.nodeHash(a, b));
  }

  @Test
  void largeTreeAgreesWithTheDefinitionAndItsProofsVerify() {
    List<byte[]> entries = entries(1500);
    MerkleTree tree = new MerkleTree();
    entries.forEach(tree::append);
    assertThat(tree.rootHash().toByteArray()).isEqualTo(Reference.mth(entries));
    assertThat(tree.rootHash(1000).toByteArray()).isEqualTo(Reference.mth(entries.subList(0, 1000)));
    Random random = new Random(7);
    for (int k = 0; k < 200; k++) {
      long n = 1 + random.nextInt(1500);
      long m = 1 + random.nextInt((int) n);
      long i = random.nextInt((int) n);
      assertThat(MerkleTree.verifyConsistency(tree.consistencyProof(m, n), tree.rootHash(m), tree.rootHash(n)))
          .isTrue();
      assertThat(MerkleTree.verifyInclusion(tree.leafHash(i), tree.inclusionProof(i, n), tree.rootHash(n)))
          .isTrue();
    }
  }

  // ---- helpers

  private static MerkleTree referenceTree() {
    MerkleTree tree = new MerkleTree();
    for (byte[] leaf : LEAVES) {
      tree.append(leaf);
    }
    return tree;
  }

  private static MerkleTree treeOf(int n) {
    MerkleTree tree = new MerkleTree();
    entries(n).forEach(tree::append);
    return tree;
  }

  private static List<byte[]> entries(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(("entry " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Every one of the 256 bits up to 16 leaves; beyond, a spread over the first, middle and last bytes (every
   * bit of every element of every proof up to 64 leaves is tens of millions of hashes, too slow for a unit
   * test, and SHA-256 treats all bit positions alike).
   */
  private static int[] bitsToFlip(long n) {
    if (n <= 16) {
      int[] all = new int[256];
      for (int i = 0; i < 256; i++) {
        all[i] = i;
      }
      return all;
    }
    return new int[] {0, 7, 8 * 13 + 3, 8 * 16 + 5, 8 * 31, 255};
  }

  private static Sha256Hash flip(Sha256Hash h, int bit) {
    byte[] b = h.toByteArray();
    b[bit / 8] ^= (byte) (1 << (bit % 8));
    return Sha256Hash.of(b);
  }

  private static InclusionProof withElement(InclusionProof p, int k, Sha256Hash h) {
    return new InclusionProof(p.leafIndex(), p.treeSize(), replace(p.path(), k, h));
  }

  private static List<Sha256Hash> replace(List<Sha256Hash> path, int k, Sha256Hash h) {
    List<Sha256Hash> copy = new ArrayList<>(path);
    copy.set(k, h);
    return copy;
  }

  private static List<Sha256Hash> append(List<Sha256Hash> path, Sha256Hash h) {
    List<Sha256Hash> copy = new ArrayList<>(path);
    copy.add(h);
    return copy;
  }

  private static List<Sha256Hash> prepend(Sha256Hash h, List<Sha256Hash> path) {
    List<Sha256Hash> copy = new ArrayList<>();
    copy.add(h);
    copy.addAll(path);
    return copy;
  }

  private static List<String> hexes(List<?> hashes) {
    Function<Object, String> f = o -> o instanceof Sha256Hash s ? s.hex() : HEX.formatHex((byte[]) o);
    return hashes.stream().map(f).toList();
  }

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  /** RFC 9162 §2.1 written literally (recursive, on lists), to check the optimised tree against. */
  private static final class Reference {
    static byte[] mth(List<byte[]> d) {
      int n = d.size();
      if (n == 0) {
        return sha(new byte[0]);
      }
      if (n == 1) {
        return sha(new byte[] {0}, d.getFirst());
      }
      int k = Integer.highestOneBit(n - 1);
      return sha(new byte[] {1}, mth(d.subList(0, k)), mth(d.subList(k, n)));
    }

    static List<byte[]> path(int m, List<byte[]> d) {
      int n = d.size();
      List<byte[]> out = new ArrayList<>();
      if (n == 1) {
        return out;
      }
      int k = Integer.highestOneBit(n - 1);
      if (m < k) {
        out.addAll(path(m, d.subList(0, k)));
        out.add(mth(d.subList(k, n)));
      } else {
        out.addAll(path(m - k, d.subList(k, n)));
        out.add(mth(d.subList(0, k)));
      }
      return out;
    }

    static List<byte[]> proof(int m, List<byte[]> d) {
      return subproof(m, d, true);
    }

    static List<byte[]> subproof(int m, List<byte[]> d, boolean b) {
      int n = d.size();
      List<byte[]> out = new ArrayList<>();
      if (m == n) {
        if (!b) {
          out.add(mth(d));
        }
        return out;
      }
      int k = Integer.highestOneBit(n - 1);
      if (m <= k) {
        out.addAll(subproof(m, d.subList(0, k), b));
        out.add(mth(d.subList(k, n)));
      } else {
        out.addAll(subproof(m - k, d.subList(k, n), false));
        out.add(mth(d.subList(0, k)));
      }
      return out;
    }

    private static byte[] sha(byte[]... parts) {
      MessageDigest md = Sha256Hash.digest();
      for (byte[] p : parts) {
        md.update(p);
      }
      return md.digest();
    }
  }
}
