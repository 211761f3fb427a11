package dev.clave.cas.store;

import java.util.Arrays;

/**
 * One version of a session as stored: its hash and the bytes the CAS serialized. The content is copied in
 * and out; {@code toString} shows only the hash and the size.
 *
 * @param hash the session hash, 64 lowercase hex
 * @param content the stored bytes
 */
public record StoredSession(String hash, byte[] content) {
  public StoredSession {
    content = content.clone();
  }

  @Override
  public byte[] content() {
    return content.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredSession s && hash.equals(s.hash) && Arrays.equals(content, s.content);
  }

  @Override
  public int hashCode() {
    return hash.hashCode();
  }

  @Override
  public String toString() {
    return "StoredSession[" + hash + ", " + content.length + " bytes]";
  }
}
