package dev.mediaferry.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  /** The JVM's metrics are built at the first scrape (not at start), and then come in every scrape, once. */
  @Test
  void theJvmMetricsComeInTheFirstScrapeAndEveryOneAfter() {
    Metrics metrics = new Metrics().forDaemon("test", Map::of);

    for (int scrape = 1; scrape <= 2; scrape++) {
      List<String> names = names(metrics.registry().scrape());
      assertTrue(names.contains("jvm_memory_used_bytes"), "scrape " + scrape + ": " + names);
      assertTrue(names.contains("process_cpu_seconds"), "scrape " + scrape + ": " + names);
      assertTrue(names.contains("mediaferry_build"), "scrape " + scrape + ": " + names);
      assertEquals(names.stream().distinct().count(), names.size(), "each family once: " + names);
    }
  }

  private static List<String> names(MetricSnapshots snapshots) {
    return snapshots.stream().map(MetricSnapshot::getMetadata).map(m -> m.getPrometheusName()).toList();
  }
}
