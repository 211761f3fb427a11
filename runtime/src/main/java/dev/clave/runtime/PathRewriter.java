package dev.clave.runtime;

import java.util.Comparator;
import java.util.List;

/**
 * Rewrites the policy paths of injected files in arguments and variable values to where the files really
 * are: an occurrence of a path P becomes ROOT + P when it stands on its own — at the start of the text or
 * after a separator, and at the end or before one. Separators are white space and {@code = : , ; " ' ( ) [
 * ] { } < > | &}; so {@code --config=/etc/app.conf} and {@code A:/etc/app.conf} are rewritten, while {@code
 * /etc/app.conf.bak} and {@code /x/etc/app.conf} are not. Longer paths win; rewritten text is not scanned again.
 */
final class PathRewriter {
  private static final String SEPARATORS = "=:,;\"'()[]{}<>|&";

  private final List<String> paths;
  private final String root;

  /** @param paths the policy paths of the injected files; @param root the private root directory */
  PathRewriter(List<String> paths, String root) {
    this.paths = paths.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    this.root = root;
  }

  String rewrite(String text) {
    if (paths.isEmpty() || text.indexOf('/') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 64);
    int i = 0;
    while (i < text.length()) {
      String hit = i == 0 || separator(text.charAt(i - 1)) ? match(text, i) : null;
      if (hit != null) {
        out.append(root).append(hit);
        i += hit.length();
      } else {
        out.append(text.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  private String match(String text, int at) {
    for (String p : paths) {
      int end = at + p.length();
      if (text.startsWith(p, at) && (end == text.length() || separator(text.charAt(end)))) {
        return p;
      }
    }
    return null;
  }

  private static boolean separator(char c) {
    return Character.isWhitespace(c) || SEPARATORS.indexOf(c) >= 0;
  }
}
