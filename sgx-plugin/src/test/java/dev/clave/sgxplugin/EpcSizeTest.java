package dev.clave.sgxplugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpcSizeTest {
  @TempDir Path sys;

  private void write(String node, String content) throws IOException {
    Path f = sys.resolve("devices/system/node/" + node + "/x86/sgx_total_bytes");
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }

  @Test
  void sumsTheNumaNodes() throws IOException {
    write("node0", "98566144\n");
    write("node1", "1048576\n");
    Files.createDirectories(sys.resolve("devices/system/node/node2")); // a node without EPC
    Files.createDirectories(sys.resolve("devices/system/node/possible"));
    EpcReading r = EpcSize.read(sys);
    assertThat(r.bytes()).isEqualTo(OptionalLong.of(98566144L + 1048576L));
    assertThat(r.detail()).isEqualTo("2 NUMA nodes in " + sys.resolve("devices/system/node"));
  }

  @Test
  void oneNodeNamesItsFile() throws IOException {
    write("node0", "4096");
    EpcReading r = EpcSize.read(sys);
    assertThat(r.bytes()).isEqualTo(OptionalLong.of(4096));
    assertThat(r.detail()).isEqualTo(sys.resolve("devices/system/node/node0/x86/sgx_total_bytes").toString());
  }

  @Test
  void withoutSysfsFilesTheSizeIsUnknownAndSaysWhy() throws IOException {
    assertThat(EpcSize.read(sys)).isEqualTo(EpcReading.unknown(sys.resolve("devices/system/node") + " does not exist"));
    Files.createDirectories(sys.resolve("devices/system/node/node0"));
    assertThat(EpcSize.read(sys).bytes()).isEmpty();
    assertThat(EpcSize.read(sys).detail()).startsWith("no " + sys.resolve("devices/system/node") + "/node*/x86/sgx_total_bytes");
  }

  @Test
  void malformedContentIsReportedNotParsed() throws IOException {
    write("node0", "12ab\n");
    Path f = sys.resolve("devices/system/node/node0/x86/sgx_total_bytes");
    assertThat(EpcSize.read(sys)).isEqualTo(EpcReading.unknown(f + ": not a byte count: \"12ab\""));
    write("node0", "-5");
    assertThat(EpcSize.read(sys).detail()).isEqualTo(f + ": not a byte count: \"-5\"");
    write("node0", "1".repeat(40));
    assertThat(EpcSize.read(sys).detail()).isEqualTo(f + ": longer than 32 bytes, not a byte count");
    write("node0", "99999999999999999999");
    assertThat(EpcSize.read(sys).detail()).isEqualTo(f + ": not a byte count: \"99999999999999999999\"");
    write("node0", "9223372036854775808");
    assertThat(EpcSize.read(sys).detail()).isEqualTo(f + ": byte count out of range: 9223372036854775808");
    write("node0", "\u0001");
    assertThat(EpcSize.read(sys).detail()).isEqualTo(f + ": not a byte count: \"\\x01\"");
  }

  @Test
  void anOverflowingSumIsRefused() throws IOException {
    write("node0", String.valueOf(Long.MAX_VALUE));
    write("node1", "1");
    assertThat(EpcSize.read(sys).detail()).endsWith("add up to more than 2^63 bytes");
  }
}
