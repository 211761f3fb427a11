package dev.clave.sgxplugin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the EPC size from sysfs: {@code devices/system/node/node<N>/x86/sgx_total_bytes}, one file per NUMA
 * node (Linux ≥ 5.17 with SGX initialised and NUMA configured), summed. Java cannot run CPUID, so this is the
 * only source besides an explicit size.
 */
final class EpcSize {
  /** More NUMA nodes than any machine has (the kernel's MAX_NUMNODES is at most 1024). */
  static final int MAX_NODES = 1024;
  /** A decimal 64-bit count and a newline fit easily. */
  private static final int MAX_FILE_BYTES = 32;

  private EpcSize() {}

  /** The EPC size from {@code sysRoot} (the host's {@code /sys}); never throws. */
  static EpcReading read(Path sysRoot) {
    Path nodes = sysRoot.resolve("devices/system/node");
    if (!Files.isDirectory(nodes)) {
      return EpcReading.unknown(nodes + " does not exist");
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(nodes, "node[0-9]*")) {
      for (Path node : dir) {
        if (files.size() == MAX_NODES) {
          return EpcReading.unknown(nodes + " lists more than " + MAX_NODES + " NUMA nodes");
        }
        Path file = node.resolve("x86/sgx_total_bytes");
        if (Files.exists(file)) {
          files.add(file);
        }
      }
    } catch (IOException e) {
      return EpcReading.unknown("cannot list " + nodes + ": " + e);
    }
    if (files.isEmpty()) {
      return EpcReading.unknown("no " + nodes + "/node*/x86/sgx_total_bytes (it needs Linux 5.17 or newer with SGX enabled)");
    }
    long total = 0;
    for (Path file : files) {
      try {
        total = Math.addExact(total, readCount(file));
      } catch (IllegalArgumentException e) {
        return EpcReading.unknown(e.getMessage());
      } catch (ArithmeticException e) {
        return EpcReading.unknown("the sgx_total_bytes files of " + nodes + " add up to more than 2^63 bytes");
      }
    }
    return EpcReading.known(total, files.size() == 1 ? files.get(0).toString() : files.size() + " NUMA nodes in " + nodes);
  }

  private static long readCount(Path file) {
    byte[] content;
    try (InputStream in = Files.newInputStream(file)) {
      content = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + " vanished while it was read");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e);
    }
    if (content.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(file + ": longer than " + MAX_FILE_BYTES + " bytes, not a byte count");
    }
    String text = new String(content, StandardCharsets.US_ASCII).strip();
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(file + ": not a byte count: \"" + printable(text) + "\"");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(file + ": byte count out of range: " + text);
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.chars().forEach(c -> b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c)));
    return b.toString();
  }
}
