package dev.mediaferry.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
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

  /** Keys whose object in reference.conf may be written as one value (dedup = global for dedup.mode). */
  private static final Set<String> SHORT_FORMS = Set.of("logship.dedup");

  /** user: the file as parsed; resolved: the same with its substitutions resolved (to list its keys). */
  static void check(Config user, Config resolved, Config reference, Path file) {
    if (!resolved.hasPath("mediaferry")) {
      return;
    }
    Set<String> known = reference.getConfig("mediaferry").entrySet().stream()
        .map(Map.Entry::getKey).collect(Collectors.toSet());
    for (Map.Entry<String, ?> entry : resolved.getConfig("mediaferry").entrySet()) {
      String key = entry.getKey();
      if (!known.contains(key) && !SHORT_FORMS.contains(key)) {
        int lineNumber = lineOf(user, "mediaferry." + key);
        String line = lineNumber > 0 ? " (line " + lineNumber + ")" : "";
        throw new Settings.Invalid("config " + file + line + ": unknown key mediaferry." + key
            + "; did you mean mediaferry." + nearest(key, known) + "? (every key is listed in README.md)");
      }
    }
  }

  /** Where the key is written, read without resolving it (its value may be a substitution). */
  private static int lineOf(Config user, String path) {
    ConfigValue value = user.root();
    for (String segment : ConfigUtil.splitPath(path)) {
      if (!(value instanceof ConfigObject object) || !object.containsKey(segment)) {
        return -1;
      }
      value = object.get(segment);
    }
    return value.origin().lineNumber();
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
