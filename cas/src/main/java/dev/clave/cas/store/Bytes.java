package dev.clave.cas.store;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The store's binary encodings: big-endian integers and length-prefixed fields ({@code u32} length, then the
 * bytes). {@link Writer} builds them; {@link Reader} parses them and names what is malformed.
 */
final class Bytes {
  private Bytes() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static final class Writer {
    private final ByteArrayOutputStream out;

    Writer(int sizeHint) {
      out = new ByteArrayOutputStream(sizeHint);
    }

    Writer raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Writer u8(int v) {
      out.write(v);
      return this;
    }

    Writer u32(long v) {
      out.writeBytes(ByteBuffer.allocate(4).putInt((int) v).array());
      return this;
    }

    Writer u64(long v) {
      out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
      return this;
    }

    /** A length-prefixed field. */
    Writer field(byte[] b) {
      return u32(b.length).raw(b);
    }

    /** A length-prefixed UTF-8 string. */
    Writer field(String s) {
      return field(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Thrown by {@link Reader}; callers turn it into the exception that fits where the bytes came from. */
  static final class MalformedException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedException(String message) {
      super(message);
    }
  }

  static final class Reader {
    private final ByteBuffer in;

    Reader(byte[] data) {
      in = ByteBuffer.wrap(data);
    }

    int position() {
      return in.position();
    }

    byte[] raw(int length, String what) throws MalformedException {
      need(length, what);
      byte[] b = new byte[length];
      in.get(b);
      return b;
    }

    int u8(String what) throws MalformedException {
      need(1, what);
      return in.get() & 0xff;
    }

    long u64(String what) throws MalformedException {
      need(8, what);
      return in.getLong();
    }

    /** A length-prefixed field of at most {@code maxLength} bytes. */
    byte[] field(String what, int maxLength) throws MalformedException {
      need(4, "the length of " + what);
      long length = in.getInt() & 0xffffffffL;
      if (length > maxLength) {
        throw new MalformedException(what + " at offset " + (in.position() - 4) + " claims " + length
            + " bytes; at most " + maxLength + " are allowed");
      }
      return raw((int) length, what);
    }

    void end() throws MalformedException {
      if (in.hasRemaining()) {
        throw new MalformedException(in.remaining() + " unexpected bytes after the end, at offset " + in.position());
      }
    }

    private void need(int length, String what) throws MalformedException {
      if (in.remaining() < length) {
        throw new MalformedException("truncated at offset " + in.position() + ": " + what + " needs " + length
            + " bytes, " + in.remaining() + " remain");
      }
    }
  }
}
