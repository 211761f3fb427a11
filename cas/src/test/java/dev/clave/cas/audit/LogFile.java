package dev.clave.cas.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/** Reads and rewrites an audit log file the way an attacker (or a crash) would: record by record, raw. */
final class LogFile {
  private LogFile() {}

  static Path in(Path dir) {
    return dir.resolve(AuditLog.FILE_NAME);
  }

  /** The entries' canonical bytes, in file order. */
  static List<byte[]> records(Path dir) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(in(dir)));
    b.position(AuditLog.HEADER.length);
    List<byte[]> out = new ArrayList<>();
    while (b.hasRemaining()) {
      byte[] body = new byte[b.getInt()];
      b.get(body);
      b.getInt();
      out.add(body);
    }
    return out;
  }

  /** Writes a well-formed file (valid checksums) with these records. */
  static void write(Path dir, List<byte[]> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(AuditLog.HEADER);
    for (byte[] r : records) {
      out.writeBytes(record(r));
    }
    Files.write(in(dir), out.toByteArray());
  }

  static byte[] record(byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(body);
    return ByteBuffer.allocate(8 + body.length).putInt(body.length).put(body).putInt((int) crc.getValue()).array();
  }

  static byte[] bytes(Path dir) throws IOException {
    return Files.readAllBytes(in(dir));
  }

  static void bytes(Path dir, byte[] content) throws IOException {
    Files.write(in(dir), content);
  }
}
