package dev.mediaferry.transfer;

import dev.mediaferry.targets.Target;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets a graceful shutdown abandon the uploads still running after the grace period and
 * wait until they have removed their temp files. Copies run on their own threads, so this
 * is the one piece of state shared outside messages.
 */
public final class ShutdownSignal implements Target.CancelSignal {
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicInteger running = new AtomicInteger();
  private final Object lock = new Object();

  @Override
  public boolean cancelled() {
    return cancelled.get();
  }

  public void cancel() {
    cancelled.set(true);
  }

  void copyStarted() {
    running.incrementAndGet();
  }

  void copyEnded() {
    if (running.decrementAndGet() == 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** Waits until no copy runs any more; true when none is left. */
  public boolean awaitCopiesStopped(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (running.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
