package dev.clave.cas.store;

/**
 * A multiset hash: the sum modulo 2<sup>256</sup> of 256-bit terms (big-endian). Adding or removing one row
 * is O(1), recomputing over all rows is O(rows), and the order of rows does not matter. The terms are keyed
 * (HMAC under a key derived from the data key), so without the key nobody can pick rows whose terms cancel.
 * Mutable; not thread-safe (the store changes it only under its write lock, on a copy).
 */
final class Digest256 {
  static final int LENGTH = 32;

  private final byte[] sum;

  Digest256() {
    sum = new byte[LENGTH];
  }

  private Digest256(byte[] sum) {
    this.sum = sum;
  }

  static Digest256 of(byte[] value) {
    if (value.length != LENGTH) {
      throw new IllegalArgumentException("a digest is " + LENGTH + " bytes");
    }
    return new Digest256(value.clone());
  }

  Digest256 copy() {
    return new Digest256(sum.clone());
  }

  void add(byte[] term) {
    int carry = 0;
    for (int i = LENGTH - 1; i >= 0; i--) {
      int v = (sum[i] & 0xff) + (term[i] & 0xff) + carry;
      sum[i] = (byte) v;
      carry = v >>> 8;
    }
  }

  void subtract(byte[] term) {
    int borrow = 0;
    for (int i = LENGTH - 1; i >= 0; i--) {
      int v = (sum[i] & 0xff) - (term[i] & 0xff) - borrow;
      sum[i] = (byte) v;
      borrow = v < 0 ? 1 : 0;
    }
  }

  byte[] bytes() {
    return sum.clone();
  }
}
