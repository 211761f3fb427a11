package dev.clave.sgxplugin;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the sizes and durations the plugin's options take, with errors naming the option. */
public final class Quantities {
  private static final Pattern BYTES = Pattern.compile("([0-9]{1,19})(Ki|Mi|Gi|Ti)?");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m)");

  private Quantities() {}

  /** A byte count: digits with an optional binary suffix as in Kubernetes quantities (Ki, Mi, Gi, Ti). */
  public static long bytes(String text, String what) {
    Matcher m = BYTES.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(what + ": expected a byte count such as 98566144 or 94Mi, got \"" + text + "\"");
    }
    int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
      case "Ki" -> 10;
      case "Mi" -> 20;
      case "Gi" -> 30;
      default -> 40;
    };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + ": " + text + " is more than 2^63 bytes");
    }
  }

  /** A duration written as digits and ms, s or m. */
  public static Duration duration(String text, String what) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(what + ": expected a duration such as 500ms, 5s or 1m, got \"" + text + "\"");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
