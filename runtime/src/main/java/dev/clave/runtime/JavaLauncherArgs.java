package dev.clave.runtime;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a {@code java} launcher's arguments as far as {@code clave run} needs: which jar {@code -jar} runs.
 * The launcher takes options up to the first argument that is not one; {@code -jar FILE} there makes FILE
 * the program and everything after it the program's arguments. Options that take their value as the next
 * argument are skipped with it. An argument file ({@code @FILE}) could hide a {@code -jar}, so it is refused.
 */
final class JavaLauncherArgs {
  private JavaLauncherArgs() {}

  /** Launcher options whose value is the next argument (java --help, JDK 21). */
  private static final Set<String> WITH_VALUE = Set.of(
      "-cp", "-classpath", "--class-path", "-p", "--module-path", "--upgrade-module-path", "--add-modules",
      "--limit-modules", "--add-reads", "--add-exports", "--add-opens", "--patch-module", "--enable-native-access",
      "--source");

  /** A java command line {@code clave run} cannot read. */
  static final class Unreadable extends Exception {
    Unreadable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The FILE of {@code -jar FILE}, or empty when the launcher runs something else (a main class, a module, a
   * source file).
   *
   * @param args the launcher's arguments, without the {@code java} itself
   */
  static Optional<String> jar(List<String> args) throws Unreadable {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-jar")) {
        if (i + 1 >= args.size()) {
          throw new Unreadable("-jar without a jar file");
        }
        return Optional.of(args.get(i + 1));
      }
      if (a.startsWith("@")) {
        throw new Unreadable("java argument files (" + Printable.line(a, 100) + ") are not supported: write the options out");
      }
      if (a.equals("-m") || a.equals("--module") || a.startsWith("--module=") || !a.startsWith("-")) {
        return Optional.empty();
      }
      if (WITH_VALUE.contains(a)) {
        i++;
      }
    }
    return Optional.empty();
  }
}
