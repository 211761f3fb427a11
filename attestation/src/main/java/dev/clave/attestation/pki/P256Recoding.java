package dev.clave.attestation.pki;

/**
 * Scalar recodings for P-256 multiplication, of scalars below 2^256 held as four 64-bit limbs (least
 * significant first): width-w NAF for the doubling chain, and signed fixed windows for tables that need no
 * doublings. Both use negative digits because negating a point is nearly free (y → −y), which halves the
 * tables.
 */
final class P256Recoding {
  /** Length of a digit array for {@link #wnaf}: bit 256 can carry a digit. */
  static final int WNAF_LENGTH = 257;

  private P256Recoding() {}

  /** Bits [pos, pos + count) of k as an int, count ≤ 31; bits at 256 and above read as 0. */
  static int bits(long[] k, int pos, int count) {
    if (pos >= 256) {
      return 0;
    }
    final int limb = pos >>> 6;
    final int shift = pos & 63;
    long v = k[limb] >>> shift;
    if (shift + count > 64 && limb < 3) {
      v |= k[limb + 1] << (64 - shift);
    }
    return (int) (v & ((1L << count) - 1));
  }

  /**
   * Writes the width-w NAF of k into {@code digits} (length ≥ {@link #WNAF_LENGTH}, all zero on entry):
   * k = Σ digits[i]·2^i with every nonzero digit odd, |digit| &lt; 2^(w−1), and at least w − 1 zeros after
   * it. Returns the highest index holding a nonzero digit, or −1 when k = 0. 2 ≤ w ≤ 30.
   *
   * <p>Scans upwards; at a bit differing from the carry it takes w bits (plus the carry: an odd value in
   * [1, 2^w − 1]) and maps values ≥ 2^(w−1) to value − 2^w, carrying 1. A window reaching past bit 255 has
   * a zero top bit and cannot carry out, so the only digit beyond bit 255 is a lone carry at bit 256.
   */
  static int wnaf(long[] k, int w, int[] digits) {
    int carry = 0;
    int top = -1;
    int bit = 0;
    while (bit < WNAF_LENGTH) {
      if (bits(k, bit, 1) == carry) {
        bit++;
        continue;
      }
      int word = bits(k, bit, w) + carry;
      carry = (word >>> (w - 1)) & 1;
      word -= carry << w;
      digits[bit] = word;
      top = bit;
      bit += w;
    }
    return top;
  }

  /**
   * Number of signed v-bit windows of a scalar below 2^256: ⌈257 / v⌉. The top window then holds at most
   * v − 1 bits of k (none when v divides 256), so with the carry from below it is at most 2^(v−1) and never
   * carries out.
   */
  static int windows(int v) {
    return (257 + v - 1) / v;
  }

  /**
   * Writes the signed radix-2^v digits of k into {@code digits} (length ≥ {@link #windows}(v)):
   * k = Σ digits[i]·2^(v·i) with every digit in [−2^(v−1) + 1, 2^(v−1)]. 2 ≤ v ≤ 16.
   */
  static void signedWindows(long[] k, int v, int[] digits) {
    final int half = 1 << (v - 1);
    final int n = windows(v);
    int carry = 0;
    for (int i = 0; i < n; i++) {
      final int x = bits(k, v * i, v) + carry;
      carry = x > half ? 1 : 0;
      digits[i] = x - (carry << v);
    }
  }
}
