package dev.clave.cas.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LiteralReverseLookupTest {

  private static final byte[] LOOPBACK = {127, 0, 0, 1};

  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(LiteralReverseLookup.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(LiteralReverseLookup.PROPERTY);
    } else {
      System.setProperty(LiteralReverseLookup.PROPERTY, saved);
    }
  }

  /** The built-in resolver as a stub that records the calls it gets. */
  private static final class Builtin implements InetAddressResolver {
    final List<String> calls = new ArrayList<>();

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException {
      calls.add("name " + host);
      return Stream.of(InetAddress.getByAddress(host, new byte[] {10, 1, 2, 3}));
    }

    @Override
    public String lookupByAddress(byte[] addr) {
      calls.add("address " + InetAddressLiteral.of(addr));
      return "builtin.example";
    }
  }

  private static final class InetAddressLiteral {
    static String of(byte[] a) {
      return (a[0] & 255) + "." + (a[1] & 255) + "." + (a[2] & 255) + "." + (a[3] & 255);
    }
  }

  private static InetAddressResolver resolverOver(Builtin builtin) {
    return LiteralReverseLookup.over(builtin);
  }

  @Test
  void delegatesEverythingUnlessOff() throws Exception {
    System.clearProperty(LiteralReverseLookup.PROPERTY);
    Builtin builtin = new Builtin();
    InetAddressResolver resolver = resolverOver(builtin);
    assertThat(resolver.lookupByAddress(LOOPBACK)).isEqualTo("builtin.example");
    assertThat(resolver.lookupByName("cas.example", InetAddressResolver.LookupPolicy.of(
        InetAddressResolver.LookupPolicy.IPV4)).toList()).hasSize(1);
    // Any value other than "off" delegates too.
    System.setProperty(LiteralReverseLookup.PROPERTY, "on");
    assertThat(resolver.lookupByAddress(LOOPBACK)).isEqualTo("builtin.example");
    assertThat(builtin.calls).containsExactly("address 127.0.0.1", "name cas.example", "address 127.0.0.1");
  }

  @Test
  void offRefusesReverseLookupsOnlyAndIsReadAtEveryCall() throws Exception {
    Builtin builtin = new Builtin();
    InetAddressResolver resolver = resolverOver(builtin);
    System.setProperty(LiteralReverseLookup.PROPERTY, "off");
    assertThatThrownBy(() -> resolver.lookupByAddress(LOOPBACK)).isInstanceOf(UnknownHostException.class);
    assertThat(resolver.lookupByName("cas.example", InetAddressResolver.LookupPolicy.of(
        InetAddressResolver.LookupPolicy.IPV4)).toList()).hasSize(1);
    System.clearProperty(LiteralReverseLookup.PROPERTY);
    assertThat(resolver.lookupByAddress(LOOPBACK)).isEqualTo("builtin.example");
    assertThat(builtin.calls).containsExactly("name cas.example", "address 127.0.0.1");
  }

  /** The JVM's resolver is this provider (META-INF/services): off names the address by its literal. */
  @Test
  void jvmUsesTheProvider() throws Exception {
    // Resolve something first, so the JVM's resolver is loaded before the property is set.
    InetAddress.getByName("127.0.0.1").getHostName();
    System.setProperty(LiteralReverseLookup.PROPERTY, "off");
    for (int i = 0; i < 200; i++) {
      assertThat(InetAddress.getByAddress(LOOPBACK).getHostName()).isEqualTo("127.0.0.1");
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      InetAddress.getByAddress(LOOPBACK).getHostName();
    }
    long perLookupNanos = (System.nanoTime() - t0) / 1000;
    // ~1–7 µs here; generous, so a loaded machine does not fail it (the literal name above is the real check).
    assertThat(perLookupNanos).as("ns per getHostName with reverse lookups off").isLessThan(1_000_000);
    // A forward lookup still works.
    assertThat(InetAddress.getByName("localhost").isLoopbackAddress()).isTrue();
    assertThat(new java.net.InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 9, 8, 7}), 443)
        .getHostName()).isEqualTo("10.9.8.7");
  }

  /** Without the property, the built-in resolver answers: 127.0.0.1 is "localhost" where /etc/hosts says so. */
  @Test
  void jvmDelegatesWithoutTheProperty() throws Exception {
    System.clearProperty(LiteralReverseLookup.PROPERTY);
    Path hosts = Path.of("/etc/hosts");
    Assumptions.assumeTrue(Files.isReadable(hosts) && Files.readAllLines(hosts).stream()
        .map(l -> l.replaceAll("#.*", "").trim().split("\\s+"))
        .anyMatch(f -> f.length > 1 && f[0].equals("127.0.0.1") && f[1].equals("localhost")),
        "/etc/hosts names 127.0.0.1 localhost first");
    assertThat(InetAddress.getByAddress(LOOPBACK).getHostName()).isEqualTo("localhost");
  }
}
