package dev.clave.attestation.pki;

import java.math.BigInteger;

/**
 * Modular inversion for P-256's two moduli: n (the group order, for the s⁻¹ of ECDSA verification) and p
 * (the field, for converting points to affine form). BigInteger.modInverse costs about 10 µs here and
 * Fermat's a^(p−2) about 12 µs; this takes about 1.5 µs.
 *
 * <p>The Bernstein–Yang "safegcd" algorithm (Bernstein and Yang, "Fast constant-time gcd computation and
 * modular inversion", 2019), in the variable-time form with batches of 62 divsteps that libsecp256k1's
 * modinv64 uses (its design notes, doc/safegcd_implementation.md, explain every step below): each batch
 * works on the low 64 bits of f and g only, accumulating a 2×2 transition matrix with entries below 2^62,
 * which is then applied to the full f, g (exactly divisible by 2^62) and to d, e (kept modulo n by adding
 * the multiple of n that makes them divisible by 2^62). Numbers are five signed 62-bit limbs. Variable time
 * is fine: s is public.
 */
final class P256SafeGcd {
  private static final long M62 = -1L >>> 2;

  /** Inversion modulo n, the order of G. */
  static final P256SafeGcd MOD_N = new P256SafeGcd(P256Curve.N);
  /** Inversion modulo p, the field prime. */
  static final P256SafeGcd MOD_P = new P256SafeGcd(P256Field.P);

  /** The modulus in signed-62 limbs. */
  private final long[] modulus;
  /** modulus⁻¹ mod 2^62. */
  private final long modulusInv62;

  private P256SafeGcd(BigInteger modulus) {
    this.modulus = toSigned62(P256Field.limbs(modulus));
    this.modulusInv62 = modulus.modInverse(BigInteger.TWO.pow(62)).longValue();
  }

  /**
   * x⁻¹ modulo the (odd, prime) modulus for x in [1, modulus − 1], as four 64-bit limbs (least significant
   * first); 0 for x = 0.
   */
  long[] invert(long[] x) {
    final long[] d = new long[5];
    final long[] e = {1, 0, 0, 0, 0};
    final long[] f = modulus.clone();
    final long[] g = toSigned62(x);
    final long[] t = new long[4]; // the batch's matrix u, v, q, r
    long eta = -1; // −delta, as libsecp256k1's variable-time variant tracks it
    while (true) {
      eta = divsteps62(eta, f[0], g[0], t);
      updateDe(d, e, t);
      updateFg(f, g, t);
      if ((g[0] | g[1] | g[2] | g[3] | g[4]) == 0) {
        break;
      }
    }
    // g = 0, so f = ±gcd = ±1 (the modulus is prime and x ≠ 0; for x = 0, f = modulus and d = 0), and
    // d·x ≡ f. Normalize d·sign(f) into [0, modulus).
    normalize(d, f[4]);
    return fromSigned62(d);
  }

  /**
   * Up to 62 divsteps on the low bits of f and g (f odd), accumulating the transition matrix
   * [u v; q r] (scaled by 2^62) into {@code t}; returns the new eta. Runs of zeros in g are skipped at once,
   * and several bits of g are cancelled per step using an inverse of f modulo 2^6 or 2^4.
   */
  private static long divsteps62(long eta, long f0, long g0, long[] t) {
    long u = 1;
    long v = 0;
    long q = 0;
    long r = 1;
    long f = f0;
    long g = g0;
    int i = 62;
    while (true) {
      // A sentinel bit above position i stops the count at the steps left.
      final int zeros = Long.numberOfTrailingZeros(g | (-1L << i));
      g >>>= zeros;
      u <<= zeros;
      v <<= zeros;
      eta -= zeros;
      i -= zeros;
      if (i == 0) {
        break;
      }
      final long w;
      if (eta < 0) {
        // Swap and negate: (f, g) = (g, −f), and the matrix rows likewise.
        eta = -eta;
        long tmp = f;
        f = g;
        g = -tmp;
        tmp = u;
        u = q;
        q = -tmp;
        tmp = v;
        v = r;
        r = -tmp;
        // Cancel up to 6 bits of g (no more than i steps remain, and no more than eta + 1 before the
        // sign of eta flips): w = −g/f mod 2^k, with f⁻¹ ≡ f·(2 − f²) (mod 2^6).
        final int limit = (int) Math.min(eta + 1, i);
        final long m = (-1L >>> (64 - limit)) & 63;
        w = (f * g * (f * f - 2)) & m;
      } else {
        // Cancel up to 4 bits, with f⁻¹ mod 2^4 = f + ((f + 1) & 4)·2.
        final int limit = (int) Math.min(eta + 1, i);
        final long m = (-1L >>> (64 - limit)) & 15;
        final long fInv = f + (((f + 1) & 4) << 1);
        w = (-fInv * g) & m;
      }
      g += f * w;
      q += u * w;
      r += v * w;
    }
    t[0] = u;
    t[1] = v;
    t[2] = q;
    t[3] = r;
    return eta;
  }

  /**
   * (f, g) = ([u v; q r]·(f, g)) / 2^62: exact, as the batch's divsteps made the low 62 bits zero. The
   * signed 128-bit sums are kept as (high, low) longs.
   */
  private static void updateFg(long[] f, long[] g, long[] t) {
    final long u = t[0];
    final long v = t[1];
    final long q = t[2];
    final long r = t[3];
    long fi = f[0];
    long gi = g[0];
    // cf = u·f0 + v·g0, cg = q·f0 + r·g0
    long cfLo = u * fi;
    long cfHi = Math.multiplyHigh(u, fi);
    long lo = v * gi;
    cfHi += Math.multiplyHigh(v, gi) + carry(cfLo + lo, lo);
    cfLo += lo;
    long cgLo = q * fi;
    long cgHi = Math.multiplyHigh(q, fi);
    lo = r * gi;
    cgHi += Math.multiplyHigh(r, gi) + carry(cgLo + lo, lo);
    cgLo += lo;
    // >> 62 (the low 62 bits are zero)
    cfLo = (cfLo >>> 62) | (cfHi << 2);
    cfHi >>= 62;
    cgLo = (cgLo >>> 62) | (cgHi << 2);
    cgHi >>= 62;
    for (int i = 1; i < 5; i++) {
      fi = f[i];
      gi = g[i];
      lo = u * fi;
      cfHi += Math.multiplyHigh(u, fi) + carry(cfLo + lo, lo);
      cfLo += lo;
      lo = v * gi;
      cfHi += Math.multiplyHigh(v, gi) + carry(cfLo + lo, lo);
      cfLo += lo;
      lo = q * fi;
      cgHi += Math.multiplyHigh(q, fi) + carry(cgLo + lo, lo);
      cgLo += lo;
      lo = r * gi;
      cgHi += Math.multiplyHigh(r, gi) + carry(cgLo + lo, lo);
      cgLo += lo;
      f[i - 1] = cfLo & M62;
      g[i - 1] = cgLo & M62;
      cfLo = (cfLo >>> 62) | (cfHi << 2);
      cfHi >>= 62;
      cgLo = (cgLo >>> 62) | (cgHi << 2);
      cgHi >>= 62;
    }
    f[4] = cfLo;
    g[4] = cgLo;
  }

  /**
   * (d, e) = ([u v; q r]·(d, e) + M·(md, me)) / 2^62 for the modulus M, with md, me chosen so the division
   * is exact; keeps d and e in (−2M, M) (libsecp256k1's update_de_62).
   */
  private void updateDe(long[] d, long[] e, long[] t) {
    final long u = t[0];
    final long v = t[1];
    final long q = t[2];
    final long r = t[3];
    // md, me start as [u, q] if d is negative, plus [v, r] if e is negative.
    final long sd = d[4] >> 63;
    final long se = e[4] >> 63;
    long md = (u & sd) + (v & se);
    long me = (q & sd) + (r & se);
    long di = d[0];
    long ei = e[0];
    long cdLo = u * di;
    long cdHi = Math.multiplyHigh(u, di);
    long lo = v * ei;
    cdHi += Math.multiplyHigh(v, ei) + carry(cdLo + lo, lo);
    cdLo += lo;
    long ceLo = q * di;
    long ceHi = Math.multiplyHigh(q, di);
    lo = r * ei;
    ceHi += Math.multiplyHigh(r, ei) + carry(ceLo + lo, lo);
    ceLo += lo;
    // Correct md, me so that t·[d, e] + M·[md, me] has 62 zero low bits.
    md -= (modulusInv62 * cdLo + md) & M62;
    me -= (modulusInv62 * ceLo + me) & M62;
    lo = modulus[0] * md;
    cdHi += Math.multiplyHigh(modulus[0], md) + carry(cdLo + lo, lo);
    cdLo += lo;
    lo = modulus[0] * me;
    ceHi += Math.multiplyHigh(modulus[0], me) + carry(ceLo + lo, lo);
    ceLo += lo;
    cdLo = (cdLo >>> 62) | (cdHi << 2);
    cdHi >>= 62;
    ceLo = (ceLo >>> 62) | (ceHi << 2);
    ceHi >>= 62;
    for (int i = 1; i < 5; i++) {
      di = d[i];
      ei = e[i];
      final long ni = modulus[i];
      lo = u * di;
      cdHi += Math.multiplyHigh(u, di) + carry(cdLo + lo, lo);
      cdLo += lo;
      lo = v * ei;
      cdHi += Math.multiplyHigh(v, ei) + carry(cdLo + lo, lo);
      cdLo += lo;
      lo = ni * md;
      cdHi += Math.multiplyHigh(ni, md) + carry(cdLo + lo, lo);
      cdLo += lo;
      lo = q * di;
      ceHi += Math.multiplyHigh(q, di) + carry(ceLo + lo, lo);
      ceLo += lo;
      lo = r * ei;
      ceHi += Math.multiplyHigh(r, ei) + carry(ceLo + lo, lo);
      ceLo += lo;
      lo = ni * me;
      ceHi += Math.multiplyHigh(ni, me) + carry(ceLo + lo, lo);
      ceLo += lo;
      d[i - 1] = cdLo & M62;
      e[i - 1] = ceLo & M62;
      cdLo = (cdLo >>> 62) | (cdHi << 2);
      cdHi >>= 62;
      ceLo = (ceLo >>> 62) | (ceHi << 2);
      ceHi >>= 62;
    }
    d[4] = cdLo;
    e[4] = ceLo;
  }

  /** 1 when the unsigned addition that produced {@code sum} from {@code addend} carried out. */
  private static long carry(long sum, long addend) {
    return Long.compareUnsigned(sum, addend) < 0 ? 1L : 0L;
  }

  /**
   * Brings r from (−2M, M) into [0, M), negated when {@code sign} is negative (libsecp256k1's
   * normalize_62).
   */
  private void normalize(long[] r, long sign) {
    long condAdd = r[4] >> 63;
    for (int i = 0; i < 5; i++) {
      r[i] += modulus[i] & condAdd;
    }
    final long condNegate = sign >> 63;
    for (int i = 0; i < 5; i++) {
      r[i] = (r[i] ^ condNegate) - condNegate;
    }
    propagate(r);
    condAdd = r[4] >> 63;
    for (int i = 0; i < 5; i++) {
      r[i] += modulus[i] & condAdd;
    }
    propagate(r);
  }

  private static void propagate(long[] r) {
    for (int i = 0; i < 4; i++) {
      r[i + 1] += r[i] >> 62;
      r[i] &= M62;
    }
  }

  /** Four 64-bit limbs (below 2^256) as five 62-bit limbs. */
  static long[] toSigned62(long[] a) {
    return new long[] {
      a[0] & M62,
      ((a[0] >>> 62) | (a[1] << 2)) & M62,
      ((a[1] >>> 60) | (a[2] << 4)) & M62,
      ((a[2] >>> 58) | (a[3] << 6)) & M62,
      a[3] >>> 56
    };
  }

  /** Five non-negative 62-bit limbs (value below 2^256) as four 64-bit limbs. */
  static long[] fromSigned62(long[] v) {
    return new long[] {
      v[0] | (v[1] << 62),
      (v[1] >>> 2) | (v[2] << 60),
      (v[2] >>> 4) | (v[3] << 58),
      (v[3] >>> 6) | (v[4] << 56)
    };
  }
}
