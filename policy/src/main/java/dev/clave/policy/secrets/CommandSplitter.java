package dev.clave.policy.secrets;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns a service's {@code command:} into the argv template (reference §1.3), before placeholders and
 * {@code @@N} are replaced, so that a secret containing a space stays one argument.
 *
 * <p>The string form is split the way a POSIX shell splits words, without any expansion:
 *
 * <ul>
 *   <li>Unquoted space, tab, line feed and carriage return separate arguments; runs of them count once.
 *   <li>{@code '…'} quotes literally: no escapes at all inside (as in a shell).
 *   <li>{@code "…"} quotes too; inside, a backslash escapes only {@code "} and {@code \} ({@code \"} is a
 *       quote, {@code \\} a backslash); any other backslash stays as it is.
 *   <li>Outside quotes a backslash is an ordinary character (so {@code C:\dir} and {@code \@\@} pass
 *       through unchanged).
 *   <li>Quoted and unquoted parts next to each other form one argument ({@code --name="a b"} is {@code
 *       --name=a b}); {@code ''} or {@code ""} alone is an empty argument.
 * </ul>
 *
 * <p>An unterminated quote, a NUL character, a command longer than {@link #MAX_LENGTH} and an empty command
 * are errors. The list form is taken as is, with the same NUL, length and emptiness checks.
 */
public final class CommandSplitter {
  /** The longest command, in characters (Linux's usual limit for one argv string is 128 KiB). */
  public static final int MAX_LENGTH = 128 * 1024;

  private CommandSplitter() {}

  /** The arguments of a {@code command:} string. */
  public static List<String> split(String command) throws SecretException {
    if (command.length() > MAX_LENGTH) {
      throw new SecretException("command is longer than " + MAX_LENGTH + " characters");
    }
    List<String> args = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inArgument = false;
    int i = 0;
    while (i < command.length()) {
      char c = command.charAt(i);
      if (c == '\0') {
        throw new SecretException("command contains a NUL character at offset " + i);
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inArgument) {
          args.add(current.toString());
          current.setLength(0);
          inArgument = false;
        }
        i++;
      } else if (c == '\'') {
        int close = command.indexOf('\'', i + 1);
        if (close < 0) {
          throw new SecretException("command has an unterminated single quote at offset " + i);
        }
        String quoted = command.substring(i + 1, close);
        int nul = quoted.indexOf('\0');
        if (nul >= 0) {
          throw new SecretException("command contains a NUL character at offset " + (i + 1 + nul));
        }
        current.append(quoted);
        inArgument = true;
        i = close + 1;
      } else if (c == '"') {
        int j = i + 1;
        while (true) {
          if (j >= command.length()) {
            throw new SecretException("command has an unterminated double quote at offset " + i);
          }
          char d = command.charAt(j);
          if (d == '\0') {
            throw new SecretException("command contains a NUL character at offset " + j);
          }
          if (d == '"') {
            break;
          }
          if (d == '\\' && j + 1 < command.length() && (command.charAt(j + 1) == '"' || command.charAt(j + 1) == '\\')) {
            current.append(command.charAt(j + 1));
            j += 2;
          } else {
            current.append(d);
            j++;
          }
        }
        inArgument = true;
        i = j + 1;
      } else {
        current.append(c);
        inArgument = true;
        i++;
      }
    }
    if (inArgument) {
      args.add(current.toString());
    }
    if (args.isEmpty()) {
      throw new SecretException("command is empty");
    }
    return List.copyOf(args);
  }

  /** The list form ({@code command: [prog, arg]}), checked and copied. */
  public static List<String> fromList(List<String> command) throws SecretException {
    if (command.isEmpty()) {
      throw new SecretException("command is empty");
    }
    long total = 0;
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      if (arg == null) {
        throw new SecretException("command argument " + i + " is null");
      }
      int nul = arg.indexOf('\0');
      if (nul >= 0) {
        throw new SecretException("command argument " + i + " contains a NUL character at offset " + nul);
      }
      total += arg.length() + 1;
      if (total > MAX_LENGTH) {
        throw new SecretException("command is longer than " + MAX_LENGTH + " characters");
      }
    }
    return List.copyOf(command);
  }
}
