package dev.clave.runtime;

import dev.clave.attestation.Bytes;
import dev.clave.policy.protect.KeyHash;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code clave run} needs to know before it starts, resolved from options and the environment:
 * an option wins over {@code CLAVE_*}, which wins over the original's {@code SCONE_*}; blank variables count
 * as unset.
 *
 * @param configId {@code SESSION/SERVICE}; null only when printing the MRENCLAVE
 * @param cas the CAS's enclave port; null only when printing the MRENCLAVE
 * @param las the LAS
 * @param casKeyHash the CAS's pinned key hash, or null (then any server at {@code cas} is believed)
 * @param command PROGRAM and its ARGS as the caller gave them
 * @param printMrenclave print the program's MRENCLAVE instead of running it
 */
public record RunSettings(
    String configId,
    Endpoint cas,
    Endpoint las,
    KeyHash casKeyHash,
    Mode mode,
    EnclaveSigner signer,
    List<String> command,
    boolean printMrenclave) {
  /** The CAS's enclave API port (the original's). */
  public static final int DEFAULT_CAS_PORT = 18765;
  /** The LAS's port. */
  public static final int DEFAULT_LAS_PORT = 18766;
  public static final Endpoint DEFAULT_LAS = new Endpoint("127.0.0.1", DEFAULT_LAS_PORT);
  private static final int MAX_CONFIG_ID = 1024;

  public RunSettings {
    Objects.requireNonNull(las, "las");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(signer, "signer");
    command = List.copyOf(command);
  }

  /** What the command line gave; null (or false) where an option was not given. */
  public record Flags(
      String configId,
      String cas,
      String las,
      String casKeyHash,
      String mode,
      boolean printMrenclave,
      String mrSigner,
      Integer isvProdId,
      Integer isvSvn,
      List<String> command) {
    public Flags {
      command = command == null ? List.of() : List.copyOf(command);
    }
  }

  /**
   * Resolves the settings.
   *
   * @throws RunFailure ({@link ExitCodes#USAGE}) naming the option or variable that is missing or wrong
   */
  public static RunSettings resolve(Flags flags, Map<String, String> env) throws RunFailure {
    try {
      boolean print = flags.printMrenclave() || "1".equals(pick(null, env, "CLAVE_HASH", "SCONE_HASH").value());
      if (flags.command().isEmpty()) {
        throw new RunFailure(ExitCodes.USAGE, "no program given: clave run [OPTIONS] -- PROGRAM [ARGS…]");
      }
      if (flags.command().get(0).isEmpty() || flags.command().get(0).indexOf('\0') >= 0) {
        throw new RunFailure(ExitCodes.USAGE, "PROGRAM: not a file name");
      }
      Source mode = pick(flags.mode(), env, "CLAVE_MODE", "SCONE_MODE");
      Mode m = mode.value() == null ? Mode.SIM : Mode.parse(mode.value(), mode.name("--mode"));
      Source las = pick(flags.las(), env, "CLAVE_LAS_ADDR", "SCONE_LAS_ADDR");
      Endpoint lasEndpoint = las.value() == null ? DEFAULT_LAS : Endpoint.parse(las.value(), DEFAULT_LAS_PORT, las.name("--las"));
      EnclaveSigner signer = signer(flags);
      if (print) {
        return new RunSettings(null, null, lasEndpoint, null, m, signer, flags.command(), true);
      }
      Source id = pick(flags.configId(), env, "CLAVE_CONFIG_ID", "SCONE_CONFIG_ID");
      if (id.value() == null) {
        throw new RunFailure(ExitCodes.USAGE, "no config ID: give --config-id SESSION/SERVICE or set CLAVE_CONFIG_ID (or SCONE_CONFIG_ID)");
      }
      String configId = configId(id.value(), id.name("--config-id"));
      Source cas = pick(flags.cas(), env, "CLAVE_CAS_ADDR", "SCONE_CAS_ADDR");
      if (cas.value() == null) {
        throw new RunFailure(ExitCodes.USAGE, "no CAS address: give --cas HOST[:PORT] or set CLAVE_CAS_ADDR (or SCONE_CAS_ADDR)");
      }
      Endpoint casEndpoint = Endpoint.parse(cas.value(), DEFAULT_CAS_PORT, cas.name("--cas"));
      Source pin = pick(flags.casKeyHash(), env, "CLAVE_CAS_KEY_HASH", null);
      KeyHash keyHash = null;
      if (pin.value() != null) {
        try {
          keyHash = KeyHash.parse(pin.value().strip());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(pin.name("--cas-key-hash") + ": " + e.getMessage());
        }
      }
      return new RunSettings(configId, casEndpoint, lasEndpoint, keyHash, m, signer, flags.command(), false);
    } catch (IllegalArgumentException e) {
      throw new RunFailure(ExitCodes.USAGE, e.getMessage());
    }
  }

  private static EnclaveSigner signer(Flags flags) {
    EnclaveSigner d = EnclaveSigner.DEFAULT;
    Bytes mrSigner = d.mrSigner();
    if (flags.mrSigner() != null) {
      if (!flags.mrSigner().strip().matches("[0-9A-Fa-f]{64}")) {
        throw new IllegalArgumentException("--mrsigner: expected 64 hex digits");
      }
      mrSigner = Bytes.fromHex(flags.mrSigner().strip());
    }
    int prodId = flags.isvProdId() == null ? d.isvProdId() : range(flags.isvProdId(), "--isvprodid");
    int svn = flags.isvSvn() == null ? d.isvSvn() : range(flags.isvSvn(), "--isvsvn");
    return new EnclaveSigner(mrSigner, prodId, svn);
  }

  private static int range(int v, String what) {
    if (v < 0 || v > 0xffff) {
      throw new IllegalArgumentException(what + ": must be 0..65535, got " + v);
    }
    return v;
  }

  private static String configId(String text, String what) {
    String s = text.strip();
    int slash = s.lastIndexOf('/');
    if (s.length() > MAX_CONFIG_ID || slash <= 0 || slash == s.length() - 1
        || s.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
      throw new IllegalArgumentException(what + ": expected SESSION/SERVICE, got \"" + Printable.line(text, 200) + "\"");
    }
    return s;
  }

  /** A value and where it came from, for error messages. */
  private record Source(String value, String variable) {
    String name(String option) {
      return variable == null ? option : variable;
    }
  }

  private static Source pick(String flag, Map<String, String> env, String clave, String scone) {
    if (flag != null) {
      return new Source(flag, null);
    }
    for (String var : new String[] {clave, scone}) {
      String v = var == null ? null : env.get(var);
      if (v != null && !v.isBlank()) {
        return new Source(v, var);
      }
    }
    return new Source(null, null);
  }
}
