package dev.clave.cas.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The JVM's name resolver (found by {@link java.util.ServiceLoader} at the first use of {@link InetAddress}):
 * the JDK's built-in resolver, except that reverse lookups are refused at once while the system property
 * {@value #PROPERTY} is {@code off}. {@link InetAddress#getHostName()} then names the address by its literal
 * text, as it does when a lookup fails, without asking {@code /etc/hosts} or DNS.
 *
 * <p>Why: Helidon 4.5's {@code ConnectionHandler.createNioSocket} calls {@code InetSocketAddress.getHostName()}
 * on every accepted TLS connection (to name its {@code SSLEngine}), a reverse lookup the JDK does not cache:
 * ~25 µs for 127.0.0.1, milliseconds for a pod address (a PTR query), the resolver's timeout when DNS is down.
 * Every attestation is a new connection, and the CAS has no use for peers' names, so {@code CasServer} sets the
 * property to {@code off}.
 *
 * <p>This class is on the class path of every program that includes the CAS (the CLI does): unless the property
 * is {@code off} it is a pure delegate to the built-in resolver. The property is read at every reverse lookup,
 * so setting it after the resolver was loaded takes effect.
 */
public final class LiteralReverseLookup extends InetAddressResolverProvider {

  /** The system property; {@code off} turns reverse lookups off. */
  public static final String PROPERTY = "clave.net.reverseLookup";

  @Override
  public InetAddressResolver get(Configuration configuration) {
    return over(configuration.builtinResolver());
  }

  /** The resolver over {@code builtin} (tests: {@link Configuration} is sealed). */
  static InetAddressResolver over(InetAddressResolver builtin) {
    return new Resolver(builtin);
  }

  @Override
  public String name() {
    return "clave-literal-reverse-lookup";
  }

  /** Whether reverse lookups are off now. */
  public static boolean reverseLookupOff() {
    return "off".equals(System.getProperty(PROPERTY));
  }

  private record Resolver(InetAddressResolver builtin) implements InetAddressResolver {

    @Override
    public Stream<InetAddress> lookupByName(String host, LookupPolicy lookupPolicy) throws UnknownHostException {
      return builtin.lookupByName(host, lookupPolicy);
    }

    @Override
    public String lookupByAddress(byte[] addr) throws UnknownHostException {
      if (reverseLookupOff()) {
        // The JDK catches this and uses the address's literal text as the host name.
        throw new UnknownHostException("reverse lookup off (" + PROPERTY + "=off)");
      }
      return builtin.lookupByAddress(addr);
    }
  }
}
