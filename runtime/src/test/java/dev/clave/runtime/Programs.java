package dev.clave.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Real programs for {@code clave run} to start: shell scripts that record how they were started. {@link
 * #recorder} writes, into the directory named by its first argument: {@code argv} (its arguments,
 * NUL-separated), {@code environ} (its environment exactly as it was executed, from /proc), {@code pwd},
 * and, when {@code CONF} is set, {@code conf} (that file's content), {@code conf-mode} (its octal mode), and,
 * when {@code CLAVE_ROOT} is set, {@code root-mode} (that directory's mode while it ran). It exits with {@code EXIT_CODE}
 * (default 0), or kills itself with signal {@code DIE_BY}.
 */
public final class Programs {
  private Programs() {}

  public static final String RECORDER = """
      #!/bin/sh
      # Records how it was started, for the test to compare with the policy.
      out=$1
      for a in "$@"; do printf '%s\\0' "$a"; done > "$out/argv"
      cat /proc/$$/environ > "$out/environ"
      pwd -P > "$out/pwd"
      if [ -n "$CONF" ]; then
        cat "$CONF" > "$out/conf"
        stat -c %a "$CONF" > "$out/conf-mode"
      fi
      if [ -n "$CLAVE_ROOT" ]; then stat -c %a "$CLAVE_ROOT" > "$out/root-mode"; fi
      if [ -n "$DIE_BY" ]; then kill -s "$DIE_BY" $$; fi
      exit "${EXIT_CODE:-0}"
      """;

  /** Writes an executable script. */
  public static Path script(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /** The recorder at {@code file}, with {@code variant} appended as a comment (another variant, another MRENCLAVE). */
  public static Path recorder(Path file, String variant) throws IOException {
    return script(file, RECORDER + "# " + variant + "\n");
  }

  /** SHA-256 of a file's bytes: the simulated MRENCLAVE, computed independently of the runtime. */
  public static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The recorded arguments. */
  public static List<String> argv(Path out) throws IOException {
    return nulSeparated(Files.readString(out.resolve("argv")));
  }

  /** The recorded environment, in order. */
  public static Map<String, String> environ(Path out) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String entry : nulSeparated(Files.readString(out.resolve("environ")))) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    return env;
  }

  private static List<String> nulSeparated(String s) {
    List<String> items = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\0') {
        items.add(s.substring(start, i));
        start = i + 1;
      }
    }
    return items;
  }
}
