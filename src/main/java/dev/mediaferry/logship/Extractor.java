package dev.mediaferry.logship;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** What a line yields: its IPv4 addresses (the default), or each match's group of a configured expression. */
final class Extractor {
  /** Four octets 0-255, not part of a longer run of digits and dots. */
  static final Pattern IPV4 = Pattern.compile(
      "(?<![\\d.])((?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d))(?![\\d.]*\\d)");

  private final Pattern pattern;

  private Extractor(Pattern pattern) {
    this.pattern = pattern;
  }

  /** "ipv4" or a regular expression with exactly one group. */
  static Extractor of(String extract) {
    if (extract.equalsIgnoreCase("ipv4")) {
      return new Extractor(IPV4);
    }
    Pattern pattern;
    try {
      pattern = Pattern.compile(extract);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("mediaferry.logship.extract is not a valid regular expression: "
          + e.getDescription() + " near index " + e.getIndex() + "; use ipv4 or an expression with one group");
    }
    if (pattern.matcher("").groupCount() != 1) {
      throw new IllegalArgumentException("mediaferry.logship.extract = \"" + extract + "\" has "
          + pattern.matcher("").groupCount() + " groups: it needs exactly one, around the part to upload");
    }
    return new Extractor(pattern);
  }

  void extract(CharSequence line, List<String> into) {
    Matcher m = pattern.matcher(line);
    while (m.find()) {
      if (m.group(1) != null && !m.group(1).isEmpty()) {
        into.add(m.group(1));
      }
    }
  }
}
