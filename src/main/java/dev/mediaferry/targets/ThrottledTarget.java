package dev.mediaferry.targets;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Uploads share one rate limit (mediaferry.transfer.bandwidth and its windows). After each
 * chunk a copy reports, its thread waits until the bytes sent so far by every copy fit the
 * rate: a schedule of reservations (no credit is saved up while idle, so no burst follows a
 * pause). The rate is read at every chunk, so a window that starts applies at once. A copy
 * being cancelled stops waiting; it notices the cancel itself at its next chunk.
 */
public final class ThrottledTarget extends ForwardingTarget {
  private static final long MAX_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final LongSupplier bytesPerSecond;
  /** When the bytes reserved so far have all been sent at the rate (System.nanoTime scale). */
  private long sentBy = System.nanoTime();

  /** bytesPerSecond: the rate now (0 or less: unlimited). */
  public ThrottledTarget(Target real, LongSupplier bytesPerSecond) {
    super(real);
    this.bytesPerSecond = bytesPerSecond;
  }

  @Override
  public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
    return real.upload(source, path, throttling(0, progress, cancel), cancel);
  }

  @Override
  public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel)
      throws TargetException {
    return real.uploadHashed(source, path, throttling(0, progress, cancel), cancel);
  }

  @Override
  public void uploadFrom(Path source, String path, long offset, Progress progress, CancelSignal cancel)
      throws TargetException {
    real.uploadFrom(source, path, offset, throttling(offset, progress, cancel), cancel);
  }

  /** Progress counts bytes of the file; the limit counts bytes sent, from the first that goes (offset). */
  private Progress throttling(long offset, Progress progress, CancelSignal cancel) {
    return new Progress() {
      private long reported = offset;

      @Override
      public void sent(long bytesSoFar) {
        long chunk = bytesSoFar - reported;
        reported = bytesSoFar;
        progress.sent(bytesSoFar);
        awaitTurn(chunk, cancel);
      }
    };
  }

  private void awaitTurn(long bytes, CancelSignal cancel) {
    long rate = bytesPerSecond.getAsLong();
    if (rate <= 0 || bytes <= 0) {
      return;
    }
    long until;
    synchronized (this) {
      long start = Math.max(System.nanoTime(), sentBy);
      sentBy = start + TimeUnit.SECONDS.toNanos(bytes) / rate;
      until = sentBy;
    }
    for (long left; (left = until - System.nanoTime()) > 0 && !cancel.cancelled(); ) {
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, MAX_SLEEP_NANOS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
