package dev.mediaferry.testing;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line must
 * be a HELP, a TYPE or a sample of the family last typed, with well-formed labels and a
 * number; anything else fails the test. Samples are keyed as written: name{labels}.
 */
public final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE = Pattern.compile(
      "(" + NAME + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
          + "([-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN))( -?[0-9]+)?");

  public final Map<String, Double> samples = new LinkedHashMap<>();
  public final Map<String, String> types = new HashMap<>();

  private PrometheusText() {}

  public static PrometheusText parse(String text) {
    PrometheusText parsed = new PrometheusText();
    String family = null;
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      Matcher m;
      if ((m = HELP.matcher(line)).matches()) {
        continue;
      } else if ((m = TYPE.matcher(line)).matches()) {
        family = m.group(1);
        if (parsed.types.put(family, m.group(2)) != null) {
          throw new AssertionError("line " + lineNo + ": family " + family + " typed twice");
        }
      } else if ((m = SAMPLE.matcher(line)).matches()) {
        String name = m.group(1);
        if (family == null || !belongsTo(name, family, parsed.types.get(family))) {
          throw new AssertionError("line " + lineNo + ": sample " + name + " outside its family (" + family + ")");
        }
        String key = name + (m.group(2) == null ? "" : m.group(2).replace(",}", "}"));
        if (parsed.samples.put(key, Double.parseDouble(m.group(3).replace("Inf", "Infinity"))) != null) {
          throw new AssertionError("line " + lineNo + ": sample " + key + " twice");
        }
      } else {
        throw new AssertionError("line " + lineNo + " is not valid exposition format: " + line);
      }
    }
    return parsed;
  }

  private static boolean belongsTo(String sample, String family, String type) {
    return switch (type) {
      case "counter" -> sample.equals(family) || sample.equals(family + "_created");
      case "histogram" -> sample.equals(family + "_bucket") || sample.equals(family + "_sum")
          || sample.equals(family + "_count") || sample.equals(family + "_created");
      case "summary" -> sample.equals(family) || sample.equals(family + "_sum") || sample.equals(family + "_count")
          || sample.equals(family + "_created");
      default -> sample.equals(family);
    };
  }

  /** The sample's value, or 0 when it is not exposed (a counter not yet incremented). */
  public double value(String key) {
    return samples.getOrDefault(key, 0.0);
  }
}
