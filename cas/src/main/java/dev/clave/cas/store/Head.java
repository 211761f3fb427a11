package dev.clave.cas.store;

/**
 * The head of the store: the state version, the multiset digest of all rows, the previous head's MAC and this
 * head's MAC. The MAC chains heads, so the head at version v+1 names the one at v: at start the store accepts
 * a database one write ahead of the key store only if it continues the key store's head.
 */
record Head(long version, byte[] digest, byte[] prevMac, byte[] mac) {
  static Head initial(StoreKeys keys, int format) {
    byte[] digest = new byte[Digest256.LENGTH];
    byte[] prev = new byte[Crypto.MAC_LENGTH];
    return new Head(0, digest, prev, keys.headMac(format, 0, digest, prev));
  }

  Head next(StoreKeys keys, int format, Digest256 newDigest) {
    byte[] d = newDigest.bytes();
    return new Head(version + 1, d, mac, keys.headMac(format, version + 1, d, mac));
  }

  Digest256 digest256() {
    return Digest256.of(digest);
  }

  @Override
  public String toString() {
    return "Head[version " + version + "]";
  }
}
