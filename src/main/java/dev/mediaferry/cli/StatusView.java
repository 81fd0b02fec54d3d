package dev.mediaferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;

/** The readable form of a /status document: one screen, a progress bar per file in flight. */
final class StatusView {
  private static final int BAR = 24;

  private StatusView() {}

  static void print(JsonNode s, PrintStream out) {
    out.printf("mediaferry %s  up %s  %s%n", s.path("version").asText(),
        duration(s.path("uptimeSeconds").asLong()), s.at("/health/status").asText().toUpperCase());
    s.at("/health/reasons").forEach(r -> out.printf("  %-8s %s%n", r.path("level").asText(), r.path("message").asText()));
    out.printf("%s -> %s%n", s.path("source").asText(), s.path("target").asText());
    JsonNode q = s.path("queue");
    if (q.has("error")) {
      out.println("queue: " + q.path("error").asText());
    } else {
      out.printf("queue: %d files (%s) waiting, %d waiting for a retry, %d deletes due%n", q.path("queued").asInt(),
          bytes(q.path("queuedBytes").asLong()), q.path("waitingForRetry").asInt(), q.path("deletesDue").asInt());
      if (!q.path("heldBackBecause").isNull() && !q.path("heldBackBecause").isMissingNode()) {
        out.println("  held back: " + q.path("heldBackBecause").asText());
      }
    }
    JsonNode flights = s.path("inFlight");
    out.printf("in flight: %d%n", flights.size());
    flights.forEach(f -> out.println("  " + flight(f)));
    out.printf("pending deletes: %d%n", s.path("pendingDeletesTotal").asInt());
    int shown = 0;
    for (JsonNode d : s.path("pendingDeletes")) {
      if (shown++ == 5) {
        break;
      }
      out.printf("  %s  at %s%n", d.path("path").asText(), d.path("dueAt").asText());
    }
    if (s.path("recentFailures").size() > 0) {
      out.println("recent failures:");
      s.path("recentFailures").forEach(f -> out.printf("  %s  %s  %s: %s%s%n", f.path("at").asText(),
          f.path("path").asText(), f.path("kind").asText(), f.path("message").asText(),
          f.path("retryAt").isNull() ? "" : " (retry at " + f.path("retryAt").asText() + ")"));
    }
    StringBuilder files = new StringBuilder("files:");
    s.path("files").fields().forEachRemaining(e -> files.append(' ').append(e.getKey()).append('=')
        .append(e.getValue().asLong()));
    out.println(files);
  }

  /** clip.mp4  [#########---------------]  38%  760 MB / 2.0 GB  85.3 MB/s  ETA 15s */
  static String flight(JsonNode f) {
    long done = f.path("bytesDone").asLong();
    long total = f.path("bytesTotal").asLong();
    int percent = total == 0 ? 100 : (int) (done * 100 / total);
    int filled = percent * BAR / 100;
    String eta = f.path("etaSeconds").isNull() ? "?" : duration(f.path("etaSeconds").asLong());
    return String.format("%s  [%s%s] %3d%%  %s / %s  %s/s  ETA %s", f.path("path").asText(), "#".repeat(filled),
        "-".repeat(BAR - filled), percent, bytes(done), bytes(total), bytes(f.path("rateBytesPerSecond").asLong()),
        eta);
  }

  static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int i = -1;
    while (v >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return String.format("%.1f %s", v, units[i]);
  }

  static String duration(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    if (d.toHours() > 0) {
      return d.toHours() + "h" + d.toMinutesPart() + "m";
    }
    return d.toMinutes() > 0 ? d.toMinutes() + "m" + d.toSecondsPart() + "s" : seconds + "s";
  }
}
