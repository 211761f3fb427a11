package dev.clave.policy.secrets;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Host pass-through with {@code @@} (reference §1.3): the only way a value from outside the enclave reaches
 * the program's argv or environment.
 *
 * <p><b>Arguments.</b> An argument of the command template that is exactly {@code @@N} (N ≥ 1, decimal, no
 * leading zero) is replaced by the host's {@code argv[N]}; {@code argv[0]} is the program, so the host
 * invocation {@code ./prog a b} supplies {@code @@1 = a} and {@code @@2 = b}. Only whole arguments count:
 * {@code --addr=@@1} stays as written. {@code @@0}, a leading zero, a position above {@link #MAX_POSITION},
 * a position the host did not supply, and a position used twice are errors.
 *
 * <p><b>Environment.</b> A key {@code \@\@NAME} (with literal backslashes, as the shipped YAML writes it)
 * or {@code @@NAME} takes NAME from the host environment; when the host does not set it the program gets
 * {@code NAME=} (empty). The policy's value for such a key is ignored.
 *
 * <p><b>Order.</b> Host values are untrusted and are used verbatim: they are never scanned for secret
 * placeholders, or a host could make the runtime hand a program secrets in places the policy did not put
 * them. {@link #argv} and {@link #environment} replace placeholders in the policy's strings and {@code @@}
 * references with host values in one pass, in the right order.
 */
public final class HostArguments {
  /** The highest {@code @@N}: far above any real command line, low enough to refuse nonsense. */
  public static final int MAX_POSITION = 4096;

  private HostArguments() {}

  /**
   * The host position an argument refers to, or 0 when it is an ordinary argument.
   *
   * @throws SecretException for {@code @@0}, a leading zero or a position above {@link #MAX_POSITION}
   */
  static int position(String argument) throws SecretException {
    if (argument.length() < 3 || !argument.startsWith("@@")) {
      return 0;
    }
    for (int i = 2; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (c < '0' || c > '9') {
        return 0;
      }
    }
    String digits = argument.substring(2);
    if (digits.equals("0")) {
      throw new SecretException("@@0 is not allowed: host argument positions start at 1 (argv[0] is the program)");
    }
    if (digits.charAt(0) == '0') {
      throw new SecretException(argument + ": write host argument positions without leading zeros");
    }
    if (digits.length() > 4 || Integer.parseInt(digits) > MAX_POSITION) {
      throw new SecretException(argument + ": host argument positions go up to " + MAX_POSITION);
    }
    return Integer.parseInt(digits);
  }

  /**
   * Checks a command template without host arguments (at parse time): every {@code @@N} is well formed and
   * used once.
   *
   * @return the positions used, in template order
   */
  public static List<Integer> validate(List<String> template) throws SecretException {
    List<Integer> used = new ArrayList<>();
    BitSet seen = new BitSet();
    for (String argument : template) {
      int n = position(argument);
      if (n == 0) {
        continue;
      }
      if (seen.get(n)) {
        throw new SecretException("command uses host argument @@" + n + " more than once");
      }
      seen.set(n);
      used.add(n);
    }
    return used;
  }

  /**
   * The template with each {@code @@N} replaced by {@code hostArgv[N]}; other arguments unchanged (placeholders
   * are not touched: see {@link #argv}).
   *
   * @param hostArgv the host's argv, the program first
   */
  public static List<String> expand(List<String> template, List<String> hostArgv) throws SecretException {
    validate(template);
    List<String> out = new ArrayList<>(template.size());
    for (String argument : template) {
      int n = position(argument);
      out.add(n == 0 ? argument : hostArgument(n, hostArgv));
    }
    return List.copyOf(out);
  }

  /**
   * The program's argv: policy arguments with their placeholders replaced (text context), {@code @@N}
   * arguments replaced by the host's values verbatim.
   */
  public static List<String> argv(List<String> template, List<String> hostArgv, Map<String, SecretValue> secrets)
      throws SecretException {
    validate(template);
    List<String> out = new ArrayList<>(template.size());
    for (int i = 0; i < template.size(); i++) {
      String argument = template.get(i);
      int n = position(argument);
      if (n != 0) {
        out.add(hostArgument(n, hostArgv));
        continue;
      }
      try {
        out.add(Placeholders.substituteText(argument, secrets));
      } catch (SecretException e) {
        throw new SecretException("command argument " + i + ": " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static String hostArgument(int n, List<String> hostArgv) throws SecretException {
    int given = Math.max(0, hostArgv.size() - 1);
    if (n > given) {
      throw new SecretException(
          "command needs host argument @@" + n + " but only " + given + (given == 1 ? " was" : " were") + " given");
    }
    return hostArgv.get(n);
  }

  // ---- environment ----

  /**
   * The host variable an environment key takes, or null for an ordinary key.
   *
   * @throws SecretException for a key that is only the prefix, or names an invalid variable
   */
  public static String hostVariable(String key) throws SecretException {
    String name;
    if (key.startsWith("\\@\\@")) {
      name = key.substring(4);
    } else if (key.startsWith("@@")) {
      name = key.substring(2);
    } else {
      return null;
    }
    if (name.isEmpty()) {
      throw new SecretException("environment key '" + key + "' names no host variable");
    }
    if (name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new SecretException("environment key '" + key + "': a variable name cannot contain '=' or NUL");
    }
    return name;
  }

  /**
   * Checks environment keys at parse time: no variable is both set by the policy and taken from the host,
   * nor taken twice ({@code \@\@X} and {@code @@X}).
   */
  public static void validateEnvironment(Set<String> keys) throws SecretException {
    Map<String, String> byName = new LinkedHashMap<>();
    for (String key : keys) {
      String host = hostVariable(key);
      String name = host == null ? key : host;
      String other = byName.putIfAbsent(name, key);
      if (other != null) {
        throw new SecretException(
            "environment variable " + name + " is given twice: as '" + other + "' and as '" + key + "'");
      }
    }
  }

  /**
   * The environment with {@code @@NAME} keys replaced by {@code NAME} and the host's value ("" when unset);
   * other entries unchanged, order kept (placeholders are not touched: see {@link #environment}).
   */
  public static Map<String, String> expandEnvironment(Map<String, String> environment, Map<String, String> hostEnvironment)
      throws SecretException {
    validateEnvironment(environment.keySet());
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      String host = hostVariable(e.getKey());
      if (host == null) {
        out.put(e.getKey(), e.getValue());
      } else {
        out.put(host, hostEnvironment.getOrDefault(host, ""));
      }
    }
    return out;
  }

  /**
   * The program's environment: policy values with their placeholders replaced (text context), {@code @@NAME}
   * entries with the host's values verbatim ("" when unset). Order kept.
   */
  public static Map<String, String> environment(
      Map<String, String> environment, Map<String, String> hostEnvironment, Map<String, SecretValue> secrets)
      throws SecretException {
    validateEnvironment(environment.keySet());
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : environment.entrySet()) {
      String host = hostVariable(e.getKey());
      if (host != null) {
        out.put(host, hostEnvironment.getOrDefault(host, ""));
        continue;
      }
      try {
        out.put(e.getKey(), Placeholders.substituteText(e.getValue(), secrets));
      } catch (SecretException ex) {
        throw new SecretException("environment variable " + e.getKey() + ": " + ex.getMessage());
      }
    }
    return out;
  }
}
