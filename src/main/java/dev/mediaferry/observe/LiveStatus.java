package dev.mediaferry.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What is happening now, for /status: every copy in flight with its bytes so far (written by
 * the copying threads), and the last failures. Thread-safe; the HTTP server reads it while
 * transfers write it. The journal stays the record: this is only the live view.
 */
public final class LiveStatus {
  private static final int FAILURES_KEPT = 20;

  /** A copy in flight as /status shows it; rate in bytes/s, eta in seconds (null until known). */
  public record Flight(String path, long bytesDone, long bytesTotal, long startedAtMillis, double rateBytesPerSecond,
      Long etaSeconds) {}

  /** A failed attempt; retryAtMillis null when the file will not be retried (quarantined, superseded). */
  public record Failure(long atMillis, String path, String kind, String message, Long retryAtMillis) {}

  private final Map<String, Copy> copies = new ConcurrentHashMap<>();
  private final ArrayDeque<Failure> failures = new ArrayDeque<>();

  /** A copy of the file started; the returned progress is fed by the copying thread. */
  public Copy started(String fileId, String path, long bytesTotal) {
    Copy copy = new Copy(path, bytesTotal, System.currentTimeMillis(), System.nanoTime());
    copies.put(fileId, copy);
    return copy;
  }

  public void ended(String fileId) {
    copies.remove(fileId);
  }

  public void failed(Failure failure) {
    synchronized (failures) {
      failures.addFirst(failure);
      if (failures.size() > FAILURES_KEPT) {
        failures.removeLast();
      }
    }
  }

  /** The copies in flight, longest running first. */
  public List<Flight> inFlight() {
    return copies.values().stream().map(Copy::snapshot)
        .sorted(Comparator.comparingLong(Flight::startedAtMillis)).toList();
  }

  /** The last failures, newest first. */
  public List<Failure> recentFailures() {
    synchronized (failures) {
      return new ArrayList<>(failures);
    }
  }

  /** One copy's progress: set from the copying thread, read by /status. */
  public static final class Copy {
    private final String path;
    private final long total;
    private final long startedAtMillis;
    private final long startedNanos;
    private final AtomicLong done = new AtomicLong();

    private Copy(String path, long total, long startedAtMillis, long startedNanos) {
      this.path = path;
      this.total = total;
      this.startedAtMillis = startedAtMillis;
      this.startedNanos = startedNanos;
    }

    public void sent(long bytesSoFar) {
      done.set(bytesSoFar);
    }

    Flight snapshot() {
      long bytesDone = done.get();
      double seconds = (System.nanoTime() - startedNanos) / 1e9;
      double rate = seconds > 0 ? bytesDone / seconds : 0;
      Long eta = rate > 0 ? Math.round((total - bytesDone) / rate) : null;
      return new Flight(path, bytesDone, total, startedAtMillis, rate, eta);
    }
  }
}
