package dev.clave.policy;

import java.util.Collection;

/** "Did you mean" for misspelt keys and values: the closest candidate within a small edit distance. */
final class Suggest {
  private Suggest() {}

  /** The candidate nearest to {@code word} if it is within a third of the word's length (at least 1 edit, at most 3). */
  static String closest(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = Math.max(1, Math.min(3, word.length() / 3));
    for (String c : candidates) {
      int d = distance(word.toLowerCase(), c.toLowerCase(), limit);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // A prefix of a longer key ("debug" for "debug-mode") is a likely meaning too.
    if (bestDistance > limit) {
      for (String c : candidates) {
        if (word.length() >= 3 && c.startsWith(word)) {
          return c;
        }
      }
      return null;
    }
    return best;
  }

  /** Levenshtein distance, giving up (returning limit + 1) once it must exceed {@code limit}. */
  private static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      int rowMin = cur[0];
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        rowMin = Math.min(rowMin, cur[j]);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** " (did you mean `X`?)" for the closest candidate, or "". */
  static String closestHint(String word, Collection<String> candidates) {
    String near = closest(word, candidates);
    return near == null ? "" : " (did you mean `" + near + "`?)";
  }
}
