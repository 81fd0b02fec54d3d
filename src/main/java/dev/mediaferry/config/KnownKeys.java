package dev.mediaferry.config;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every key under mediaferry. in the user's file must be one reference.conf defines: a typo
 * (mediaferry.targt.url) would otherwise be ignored silently and the default used instead.
 */
final class KnownKeys {
  private KnownKeys() {}

  static void check(Config user, Config reference, Path file) {
    if (!user.hasPath("mediaferry")) {
      return;
    }
    Set<String> known = reference.getConfig("mediaferry").entrySet().stream()
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    for (Map.Entry<String, ?> entry : user.getConfig("mediaferry").entrySet()) {
      String key = entry.getKey();
      if (!known.contains(key)) {
        String line = user.getValue("mediaferry." + key).origin().lineNumber() > 0
            ? " (line " + user.getValue("mediaferry." + key).origin().lineNumber() + ")" : "";
        throw new Settings.Invalid("config " + file + line + ": unknown key mediaferry." + key
            + "; did you mean mediaferry." + nearest(key, known) + "? (every key is listed in README.md)");
      }
    }
  }

  private static String nearest(String key, Set<String> known) {
    return known.stream().min(Comparator.comparingInt((String k) -> distance(key, k)).thenComparing(k -> k))
        .orElse("");
  }

  /** Levenshtein distance: the fewest single-character edits from a to b. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] current = new int[b.length() + 1];
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      previous = current;
    }
    return previous[b.length()];
  }
}
