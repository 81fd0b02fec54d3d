package dev.mediaferry.audit;

import dev.mediaferry.file.FileEvent;
import dev.mediaferry.file.FileState.Status;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/** The audit's summary (events, bytes moved, first and last time, files per state) and each file's last event. */
public final class AuditSummary {
  private long events;
  private long bytesMoved;
  private Instant first;
  private Instant last;
  private final Map<String, Instant> lastEventOf = new HashMap<>();

  /** inWindow: the event is within --since/--until (only those are counted; every one sets its file's last event). */
  public void count(AuditEvent e, boolean inWindow) {
    lastEventOf.put(e.fileId(), e.time());
    if (!inWindow) {
      return;
    }
    events++;
    first = first == null ? e.time() : first;
    last = e.time();
    if (e.event() instanceof FileEvent.Verified v) {
      bytesMoved += v.bytesSent();
    }
  }

  public Instant lastEventOf(String fileId) {
    return lastEventOf.get(fileId);
  }

  public void print(PrintStream out, Path journalFile, InvariantChecker replay) {
    Map<Status, Integer> perState = new EnumMap<>(Status.class);
    replay.states().values().forEach(s -> perState.merge(s.status(), 1, Integer::sum));
    out.println("journal:      " + journalFile);
    out.println("files:        " + replay.filesChecked());
    out.println("events:       " + events);
    out.println("first event:  " + AuditOutput.time(first));
    out.println("last event:   " + AuditOutput.time(last));
    out.printf("bytes moved:  %,d (%.1f MB)%n", bytesMoved, bytesMoved / 1e6);
    out.println("files per state:");
    perState.forEach((status, n) -> out.printf("  %-15s %d%n", status, n));
  }
}
