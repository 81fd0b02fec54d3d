package dev.mediaferry.observe;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/grafana-dashboard.json queries only metrics the daemon exposes, under the names it exposes them. */
class GrafanaDashboardTest {
  @Test
  void everyMetricTheDashboardQueriesIsExposed() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Path.of("docs/grafana-dashboard.json").toFile());
    Set<String> exposed = exposedNames();
    Set<String> queried = new HashSet<>();
    Matcher names = Pattern.compile("mediaferry_[a-z_]+").matcher(dashboard.toString());
    while (names.find()) {
      queried.add(names.group());
    }
    assertFalse(queried.isEmpty());
    for (String name : queried) {
      assertTrue(exposed.contains(name), name + " is queried by the dashboard but not exposed; exposed: " + exposed);
    }
    assertTrue(dashboard.path("panels").size() >= 8);
  }

  private static Set<String> exposedNames() throws Exception {
    Metrics metrics = new Metrics().forDaemon("test", () -> Map.of("quarantined", 1L));
    metrics.failed(Metrics.Result.RETRY, "TRANSIENT");
    metrics.verified(1, 1, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    Set<String> names = new HashSet<>();
    Matcher sample = Pattern.compile("(?m)^(mediaferry_[a-z_]+)").matcher(out.toString());
    while (sample.find()) {
      names.add(sample.group(1));
    }
    return names;
  }
}
