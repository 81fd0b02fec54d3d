package dev.mediaferry.http;

import dev.mediaferry.observe.Health;
import dev.mediaferry.observe.LiveStatus;
import dev.mediaferry.transfer.TransferSupervisor;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON documents of /health and /status, as ordered maps (Jackson writes them). Times
 * are ISO-8601 UTC; sizes in bytes, rates in bytes per second, durations in seconds. The
 * field names are a contract: `mediaferry status` and operators' scripts read them.
 */
final class StatusDocument {
  static final int QUEUE_SHOWN = 20;
  static final int PENDING_DELETES_SHOWN = 50;

  private StatusDocument() {}

  static Map<String, Object> health(Health.Report report) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("status", report.status().name().toLowerCase());
    doc.put("reasons", report.reasons().stream().map(r -> Map.of(
        "key", r.key(), "level", r.level().name().toLowerCase(), "message", r.message())).toList());
    return doc;
  }

  static Map<String, Object> of(DaemonView view) {
    Map<String, Object> doc = new LinkedHashMap<>();
    DaemonView.About about = view.about();
    doc.put("version", about.version());
    doc.put("startedAt", iso(about.startedAtMillis()));
    doc.put("uptimeSeconds", (System.currentTimeMillis() - about.startedAtMillis()) / 1000);
    doc.put("source", about.source());
    doc.put("target", about.target());
    doc.put("journal", about.journal());
    Map<String, Long> files = view.filesByState();
    doc.put("health", health(view.health(files)));
    doc.put("queue", queue(view.queue(QUEUE_SHOWN)));
    doc.put("inFlight", view.inFlight().stream().map(StatusDocument::flight).toList());
    List<DaemonView.PendingDelete> deletes = view.pendingDeletes();
    doc.put("pendingDeletesTotal", deletes.size());
    doc.put("pendingDeletes", deletes.stream().limit(PENDING_DELETES_SHOWN)
        .map(d -> Map.of("path", d.path(), "dueAt", iso(d.dueAtMillis()))).toList());
    doc.put("recentFailures", view.recentFailures().stream().map(StatusDocument::failure).toList());
    doc.put("files", files);
    return doc;
  }

  private static Map<String, Object> queue(TransferSupervisor.Queue queue) {
    Map<String, Object> doc = new LinkedHashMap<>();
    if (queue == null) {
      doc.put("error", "no queue yet (the file index is catching up at start), or the supervisor did not answer in "
          + "time");
      return doc;
    }
    doc.put("queued", queue.queued());
    doc.put("queuedBytes", queue.queuedBytes());
    doc.put("waitingForRetry", queue.waitingForRetry());
    doc.put("inFlight", queue.inFlight());
    doc.put("deletesDue", queue.deletesDue());
    doc.put("heldBackBecause", queue.heldBackBecause());
    doc.put("next", queue.next().stream().map(f -> Map.of("path", f.relativePath(), "bytes", f.size())).toList());
    return doc;
  }

  private static Map<String, Object> flight(LiveStatus.Flight flight) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("path", flight.path());
    doc.put("bytesDone", flight.bytesDone());
    doc.put("bytesTotal", flight.bytesTotal());
    doc.put("startedAt", iso(flight.startedAtMillis()));
    doc.put("rateBytesPerSecond", Math.round(flight.rateBytesPerSecond()));
    doc.put("etaSeconds", flight.etaSeconds());
    return doc;
  }

  private static Map<String, Object> failure(LiveStatus.Failure failure) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("at", iso(failure.atMillis()));
    doc.put("path", failure.path());
    doc.put("kind", failure.kind());
    doc.put("message", failure.message());
    doc.put("retryAt", failure.retryAtMillis() == null ? null : iso(failure.retryAtMillis()));
    return doc;
  }

  private static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
