package dev.mediaferry.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics, in one registry per daemon (tests run several at once).
 * Names follow Prometheus conventions: the mediaferry_ prefix, the unit in the name, _total
 * for counters (the client appends it). docs/operations.md explains each one.
 */
public final class Metrics {
  /** How a transfer attempt ended, the label of mediaferry_transfers_total. */
  public enum Result { VERIFIED, RETRY, QUARANTINED, SUPERSEDED }

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter transfers = Counter.builder().name("mediaferry_transfers")
      .help("Transfer attempts by how they ended: verified, retry, quarantined, superseded")
      .labelNames("result").register(registry);
  private final Counter bytes = Counter.builder().name("mediaferry_transferred_bytes")
      .help("Bytes sent to the target by verified transfers").unit(Unit.BYTES).register(registry);
  private final Histogram duration = Histogram.builder().name("mediaferry_transfer_duration_seconds")
      .help("Time from the start of a copy to its verification").unit(Unit.SECONDS).classicOnly()
      .classicUpperBounds(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600).register(registry);
  private final Counter retries = Counter.builder().name("mediaferry_retries")
      .help("Failed attempts that will be retried, by error kind").labelNames("kind").register(registry);
  private final Histogram journalWrites = Histogram.builder().name("mediaferry_journal_write_seconds")
      .help("Time to write a file's events to the journal").unit(Unit.SECONDS).classicOnly()
      .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5).register(registry);
  private final Gauge queued = Gauge.builder().name("mediaferry_files_queued")
      .help("Files waiting for a transfer slot (or for target space)").register(registry);
  private final Gauge waitingForRetry = Gauge.builder().name("mediaferry_files_waiting_retry")
      .help("Files waiting for their retry time").register(registry);
  private final Gauge inFlight = Gauge.builder().name("mediaferry_files_in_flight")
      .help("Transfers running now").register(registry);
  private final Gauge targetFree = Gauge.builder().name("mediaferry_target_free_bytes")
      .help("Free space on the target, as last measured").unit(Unit.BYTES).register(registry);
  private final Gauge targetSize = Gauge.builder().name("mediaferry_target_size_bytes")
      .help("Size of the target's filesystem").unit(Unit.BYTES).register(registry);
  private final Gauge dockFree = Gauge.builder().name("mediaferry_dock_free_bytes")
      .help("Free space on the dock's disk holding the source folder").unit(Unit.BYTES).register(registry);
  private final Gauge dockSize = Gauge.builder().name("mediaferry_dock_size_bytes")
      .help("Size of the dock's disk holding the source folder").unit(Unit.BYTES).register(registry);
  private final Gauge lastSuccess = Gauge.builder().name("mediaferry_last_success_timestamp_seconds")
      .help("Unix time of the last verified transfer (0: none since start)").unit(Unit.SECONDS).register(registry);
  private final Gauge startTime = Gauge.builder().name("mediaferry_start_time_seconds")
      .help("Unix time the daemon started").unit(Unit.SECONDS).register(registry);

  public Metrics() {
    startTime.set(System.currentTimeMillis() / 1000.0);
    for (Result result : Result.values()) {
      transfers.initLabelValues(result.name().toLowerCase()); // 0 from the start, so rate() and alerts work
    }
  }

  /** Adds the build info, the JVM's metrics and the files per journal state (read at each scrape). */
  public Metrics forDaemon(String version, Supplier<Map<String, Long>> filesByState) {
    Info.builder().name("mediaferry_build_info").help("The running build").labelNames("version", "java")
        .register(registry).setLabelValues(version, System.getProperty("java.version"));
    GaugeWithCallback.builder().name("mediaferry_files").help("Files by journal state (quarantined, "
            + "pending_delete, ...), from the file index").labelNames("state")
        .callback(callback -> filesByState.get().forEach((state, n) -> callback.call(n, state)))
        .register(registry);
    registry.register(new JvmMetricsOnFirstScrape());
    return this;
  }

  /**
   * The Prometheus client's JVM metrics (jvm_*, process_*), built when they are first scraped:
   * building them starts the JVM's management beans, CPU that a `run --once` nobody scrapes
   * would spend for nothing (one-file --once, 8 alternated runs each: median 1.705 -> 1.63 s,
   * 0.15 s less CPU; docs/benchmarks.md, eighth session).
   */
  private static final class JvmMetricsOnFirstScrape implements MultiCollector {
    private PrometheusRegistry jvm;

    @Override
    public synchronized MetricSnapshots collect() {
      if (jvm == null) {
        jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);
      }
      return jvm.scrape();
    }
  }

  /** The log shipper's metrics, read at each scrape from its last cycle's figures. */
  public void logship(Supplier<LogshipFigures> latest) {
    counter("mediaferry_logship_lines_read", "Complete log lines read", latest, LogshipFigures::linesRead);
    counter("mediaferry_logship_items_found", "Items (IPv4 addresses) found in the lines", latest,
        LogshipFigures::itemsFound);
    CounterWithCallback.builder().name("mediaferry_logship_duplicates")
        .help("Items dropped as already sent: the same day (scope=day) or an earlier day (scope=global)")
        .labelNames("scope").callback(callback -> {
          callback.call(latest.get().duplicatesDay(), "day");
          callback.call(latest.get().duplicatesGlobal(), "global");
        }).register(registry);
    counter("mediaferry_logship_new_items", "Items never sent before (within dedup.expire-days)", latest,
        LogshipFigures::newItems);
    counter("mediaferry_logship_uploaded_items", "Items in batches the endpoint acknowledged", latest,
        LogshipFigures::uploadedItems);
    counter("mediaferry_logship_uploaded_batches", "Batches the endpoint acknowledged", latest,
        LogshipFigures::uploadedBatches);
    counter("mediaferry_logship_failed_uploads", "Upload attempts that failed (retried)", latest,
        LogshipFigures::failedAttempts);
    GaugeWithCallback.builder().name("mediaferry_logship_queued_items")
        .help("Items journaled and waiting for the endpoint's acknowledgement")
        .callback(callback -> callback.call(latest.get().queuedItems())).register(registry);
    GaugeWithCallback.builder().name("mediaferry_logship_queued_batches")
        .help("Batches journaled and waiting for the endpoint's acknowledgement")
        .callback(callback -> callback.call(latest.get().queuedBatches())).register(registry);
    GaugeWithCallback.builder().name("mediaferry_logship_last_upload_timestamp_seconds")
        .help("Unix time of the last acknowledged batch (0: none since start)").unit(Unit.SECONDS)
        .callback(callback -> callback.call(latest.get().lastUploadMillis() / 1000.0)).register(registry);
  }

  private void counter(String name, String help, Supplier<LogshipFigures> latest,
      java.util.function.ToLongFunction<LogshipFigures> value) {
    CounterWithCallback.builder().name(name).help(help)
        .callback(callback -> callback.call(value.applyAsLong(latest.get()))).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void verified(long bytesSent, long durationMs, long nowMillis) {
    transfers.labelValues("verified").inc();
    bytes.inc(bytesSent);
    duration.observe(durationMs / 1000.0);
    lastSuccess.set(nowMillis / 1000.0);
  }

  /** A failed attempt: retried later (counted by kind), or the end of the file's road. */
  public void failed(Result result, String errorKind) {
    transfers.labelValues(result.name().toLowerCase()).inc();
    if (result == Result.RETRY) {
      retries.labelValues(errorKind.toLowerCase()).inc();
    }
  }

  public void journalWrite(long nanos) {
    journalWrites.observe(nanos / 1e9);
  }

  public void workload(int queuedFiles, int waitingFiles, int inFlightFiles) {
    queued.set(queuedFiles);
    waitingForRetry.set(waitingFiles);
    inFlight.set(inFlightFiles);
  }

  public void targetSpace(long freeBytes, long totalBytes) {
    targetFree.set(freeBytes);
    targetSize.set(totalBytes);
  }

  public void dockSpace(long freeBytes, long totalBytes) {
    dockFree.set(freeBytes);
    dockSize.set(totalBytes);
  }
}
