package dev.clave.las;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a LAS runs.
 *
 * @param stateDir where the LAS keeps its platform (created 0700; keys 0600)
 * @param host address to listen on; loopback by default, since the protocol is plain HTTP
 * @param port TCP port (0 picks a free one)
 * @param mode {@link Mode#SIM} or {@link Mode#HW}
 * @param simDir a {@code clave sim init} directory whose {@code root/} holds the simulation root that
 *     certifies this LAS's platform; required in simulation mode, ignored in hardware mode
 * @param svn null: the platform's TCB is the highest one of the simulation's TCB ladder (what {@code clave sim
 *     init} issues); else {@link dev.clave.attestation.sim.PlatformTcb#ofSvn} with that SVN (0..255).
 *     Changing it gives the LAS a new platform and so a new platform ID (see {@link LasServer}).
 * @param qeSvn the LAS's own security version: the ISVSVN of its quoting enclave (0..65535); null: the
 *     simulation's up-to-date QE SVN. Like a LAS code update on SGX, changing it gives a new platform ID.
 */
public record LasConfig(Path stateDir, String host, int port, Mode mode, Path simDir, Integer svn, Integer qeSvn) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 18766;
  public static final Path DEFAULT_STATE_DIR = Path.of("las-state");
  /** Hardware mode, listening on loopback port 18766, state in {@code ./las-state}. */
  public static final LasConfig DEFAULTS = new LasConfig(DEFAULT_STATE_DIR, DEFAULT_HOST, DEFAULT_PORT, Mode.HW, null, null, null);

  /** Where quotes come from. */
  public enum Mode {
    /** The real DCAP protocol on a software root ({@code clave sim init}); no SGX needed. */
    SIM,
    /** The platform's SGX quoting enclave; needs {@code /dev/sgx_enclave}. */
    HW;

    /** "sim"/"simulation" or "hw"/"hardware", any case. */
    public static Mode parse(String text, String what) {
      return switch (text.strip().toLowerCase(Locale.ROOT)) {
        case "sim", "simulation" -> SIM;
        case "hw", "hardware" -> HW;
        default -> throw new IllegalArgumentException(what + ": expected \"sim\" or \"hw\", got \"" + text + "\"");
      };
    }
  }

  public LasConfig {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(mode, "mode");
    if (host.isBlank()) {
      throw new IllegalArgumentException("listen host: empty");
    }
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("listen port: must be 0..65535, got " + port);
    }
    if (svn != null && (svn < 0 || svn > 0xff)) {
      throw new IllegalArgumentException("svn: must be 0..255, got " + svn);
    }
    if (qeSvn != null && (qeSvn < 0 || qeSvn > 0xffff)) {
      throw new IllegalArgumentException("qe-svn: must be 0..65535, got " + qeSvn);
    }
  }

  /**
   * This configuration with the environment applied: {@code CLAVE_MODE} (else {@code SCONE_MODE}) sets the
   * mode, {@code CLAVE_LAS_ADDR} (else {@code SCONE_LAS_ADDR}) the listen address as {@code HOST:PORT}.
   */
  public LasConfig withEnvironment(Map<String, String> env) {
    LasConfig c = this;
    String mode = first(env, "CLAVE_MODE", "SCONE_MODE");
    if (mode != null) {
      c = c.withMode(Mode.parse(mode, env.get("CLAVE_MODE") != null ? "CLAVE_MODE" : "SCONE_MODE"));
    }
    String addr = first(env, "CLAVE_LAS_ADDR", "SCONE_LAS_ADDR");
    if (addr != null) {
      c = c.withListen(addr, env.get("CLAVE_LAS_ADDR") != null ? "CLAVE_LAS_ADDR" : "SCONE_LAS_ADDR");
    }
    return c;
  }

  private static String first(Map<String, String> env, String a, String b) {
    String v = env.get(a);
    if (v == null || v.isBlank()) {
      v = env.get(b);
    }
    return v == null || v.isBlank() ? null : v;
  }

  /** With the listen address {@code HOST:PORT} ({@code [v6]:PORT} for IPv6); {@code what} names its source in errors. */
  public LasConfig withListen(String hostPort, String what) {
    String s = hostPort.strip();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException(what + ": expected HOST:PORT, got \"" + hostPort + "\"");
    }
    String h = s.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    int p;
    try {
      p = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": port is not a number in \"" + hostPort + "\"");
    }
    if (p < 0 || p > 0xffff || h.isBlank()) {
      throw new IllegalArgumentException(what + ": expected HOST:PORT with port 0..65535, got \"" + hostPort + "\"");
    }
    return new LasConfig(stateDir, h, p, mode, simDir, svn, qeSvn);
  }

  public LasConfig withStateDir(Path v) {
    return new LasConfig(v, host, port, mode, simDir, svn, qeSvn);
  }

  public LasConfig withHost(String v) {
    return new LasConfig(stateDir, v, port, mode, simDir, svn, qeSvn);
  }

  public LasConfig withPort(int v) {
    return new LasConfig(stateDir, host, v, mode, simDir, svn, qeSvn);
  }

  public LasConfig withMode(Mode v) {
    return new LasConfig(stateDir, host, port, v, simDir, svn, qeSvn);
  }

  public LasConfig withSimDir(Path v) {
    return new LasConfig(stateDir, host, port, mode, v, svn, qeSvn);
  }

  public LasConfig withSvn(Integer v) {
    return new LasConfig(stateDir, host, port, mode, simDir, v, qeSvn);
  }

  public LasConfig withQeSvn(Integer v) {
    return new LasConfig(stateDir, host, port, mode, simDir, svn, v);
  }
}
