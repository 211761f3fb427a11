package dev.clave.runtime;

import java.util.Objects;

/**
 * A TCP address given as {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port} (a bare IPv6
 * address without brackets takes the default port).
 */
public record Endpoint(String host, int port) {
  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 1 || port > 0xffff) {
      throw new IllegalArgumentException("port must be 1..65535, got " + port);
    }
  }

  /**
   * Parses an address; {@code what} names its source (an option or variable) in the error.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static Endpoint parse(String text, int defaultPort, String what) {
    String s = text.strip();
    String host = s;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw bad(text, what);
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw bad(text, what);
        }
        port = rest.substring(1);
      }
    } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
      host = s.substring(0, s.indexOf(':'));
      port = s.substring(s.indexOf(':') + 1);
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@' || c == '?' || c == '#')) {
      throw bad(text, what);
    }
    int p = defaultPort;
    if (port != null) {
      if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 0xffff) {
        throw bad(text, what);
      }
      p = Integer.parseInt(port);
    }
    return new Endpoint(host, p);
  }

  private static IllegalArgumentException bad(String text, String what) {
    return new IllegalArgumentException(what + ": expected HOST or HOST:PORT (port 1..65535), got \""
        + Printable.line(text, 200) + "\"");
  }

  /** {@code host:port}, with brackets around an IPv6 host. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
