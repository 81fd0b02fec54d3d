package dev.mediaferry.transfer;

import dev.mediaferry.targets.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a long upload's progress every 10 seconds, from the copying thread. */
final class ProgressLog implements Target.Progress {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);
  private static final long EVERY_NANOS = 10_000_000_000L;

  private final String name;
  private final long total;
  private final long started = System.nanoTime();
  private long lastLogged = started;

  ProgressLog(String name, long total) {
    this.name = name;
    this.total = total;
  }

  @Override
  public void sent(long bytesSoFar) {
    long now = System.nanoTime();
    if (now - lastLogged < EVERY_NANOS) {
      return;
    }
    lastLogged = now;
    double seconds = (now - started) / 1e9;
    LOG.info("[{}] {} of {} MB ({}%) at {} MB/s", name, bytesSoFar / 1_000_000, total / 1_000_000,
        total == 0 ? 100 : bytesSoFar * 100 / total, String.format("%.1f", bytesSoFar / 1e6 / seconds));
  }
}
