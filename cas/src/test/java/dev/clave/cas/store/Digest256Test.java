package dev.clave.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Digest256Test {
  @Test
  void addIsOrderFreeAndSubtractUndoesIt() {
    byte[] a = Crypto.random(32);
    byte[] b = Crypto.random(32);
    Digest256 ab = new Digest256();
    ab.add(a);
    ab.add(b);
    Digest256 ba = new Digest256();
    ba.add(b);
    ba.add(a);
    assertThat(ab.bytes()).isEqualTo(ba.bytes());
    ab.subtract(a);
    ab.subtract(b);
    assertThat(ab.bytes()).isEqualTo(new byte[32]);
  }

  @Test
  void carriesAndBorrowsWrapModulo2To256() {
    byte[] max = new byte[32];
    java.util.Arrays.fill(max, (byte) 0xff);
    byte[] one = new byte[32];
    one[31] = 1;
    Digest256 d = new Digest256();
    d.add(max);
    d.add(one);
    assertThat(d.bytes()).isEqualTo(new byte[32]);
    d.subtract(one);
    assertThat(d.bytes()).isEqualTo(max);
  }

  @Test
  void aDuplicateRowChangesTheSum() {
    byte[] a = Crypto.random(32);
    Digest256 once = new Digest256();
    once.add(a);
    Digest256 twice = once.copy();
    twice.add(a);
    assertThat(twice.bytes()).isNotEqualTo(once.bytes());
  }
}
