package dev.clave.runtime;

import dev.clave.attestation.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A program as {@code clave run} measures it (the rule is in the package overview).
 *
 * @param executable the file that is executed: PROGRAM found through PATH, symbolic links resolved
 * @param measured the file whose content is the MRENCLAVE: {@code executable}, or the jar of {@code java -jar}
 * @param mrEnclave SHA-256 of {@code measured}'s content
 */
public record MeasuredProgram(Path executable, Path measured, Bytes mrEnclave) {
  /** Where PROGRAM is searched when PATH is not set (what shells use then). */
  static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

  /** True when the program is a jar run by {@code java -jar}. */
  public boolean javaJar() {
    return !measured.equals(executable);
  }

  /**
   * Finds and measures PROGRAM.
   *
   * @param command PROGRAM and its ARGS, as the caller gave them
   * @param env the caller's environment (its PATH)
   * @param cwd the caller's working directory
   * @throws RunFailure ({@link ExitCodes#PROGRAM_UNUSABLE}) when the program or its jar is missing or unreadable
   */
  public static MeasuredProgram measure(List<String> command, Map<String, String> env, Path cwd) throws RunFailure {
    String program = command.get(0);
    Path executable = find(program, env.get("PATH"), cwd);
    Path measured = executable;
    if (isJavaLauncher(executable)) {
      Optional<String> jar;
      try {
        jar = JavaLauncherArgs.jar(command.subList(1, command.size()));
      } catch (JavaLauncherArgs.Unreadable e) {
        throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, "cannot tell which program " + display(program) + " runs: " + e.getMessage());
      }
      if (jar.isPresent()) {
        measured = realFile(cwd.resolve(jar.get()), "the jar " + display(jar.get()), false);
      }
    }
    return new MeasuredProgram(executable, measured, Bytes.wrap(sha256(measured)));
  }

  /** A file named {@code java} (after links are resolved) is the Java launcher. */
  static boolean isJavaLauncher(Path executable) {
    return executable.getFileName() != null && executable.getFileName().toString().equals("java");
  }

  private static Path find(String program, String path, Path cwd) throws RunFailure {
    if (program.indexOf('/') >= 0) {
      return realFile(cwd.resolve(program), "the program " + display(program), true);
    }
    String search = path == null ? DEFAULT_PATH : path;
    for (String dir : search.split(":", -1)) {
      // An empty PATH entry means the current directory, as for execvp(3).
      Path candidate = cwd.resolve(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return realFile(candidate, "the program " + display(program), true);
      }
    }
    throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, "the program " + display(program) + " is not in PATH ("
        + Printable.line(search, 300) + ")" + (path == null ? ", the default as PATH is not set" : ""));
  }

  private static Path realFile(Path p, String what, boolean executable) throws RunFailure {
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, what + " does not exist (" + display(p.toString()) + ")");
    }
    if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
      throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, what + " is not a regular file (" + display(real.toString()) + ")");
    }
    if (executable && !Files.isExecutable(real)) {
      throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, what + " is not executable (" + display(real.toString()) + ")");
    }
    if (!Files.isReadable(real)) {
      throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, what + " is not readable, so it cannot be measured ("
          + display(real.toString()) + ")");
    }
    return real;
  }

  private static byte[] sha256(Path file) throws RunFailure {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        d.update(buf, 0, n);
      }
      return d.digest();
    } catch (IOException e) {
      throw new RunFailure(ExitCodes.PROGRAM_UNUSABLE, "cannot read " + display(file.toString()) + " to measure it: " + e.getMessage());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256", e);
    }
  }

  private static String display(String s) {
    return "`" + Printable.line(s, 300) + "`";
  }
}
