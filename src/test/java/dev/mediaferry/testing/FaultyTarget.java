package dev.mediaferry.testing;

import dev.mediaferry.file.ErrorKind;
import dev.mediaferry.targets.ForwardingTarget;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real target with failures injected: uploads that break after N bytes (leaving a
 * partial temp file), uploads whose stored bytes are corrupted, a permanent error, or
 * uploads that block until released. Each fault applies to the next `times` uploads.
 */
public final class FaultyTarget extends ForwardingTarget {
  private final AtomicInteger breakAtByteTimes = new AtomicInteger();
  private volatile long breakAtByte;
  private final AtomicInteger corruptTimes = new AtomicInteger();
  private volatile ErrorKind alwaysFail;
  private volatile CountDownLatch gate;
  private volatile String permanentFor;
  public final AtomicInteger uploads = new AtomicInteger();
  public final AtomicInteger uploadsStarted = new AtomicInteger();

  public FaultyTarget(Target real) {
    super(real);
  }

  public FaultyTarget breakAfterBytes(long bytes, int times) {
    breakAtByte = bytes;
    breakAtByteTimes.set(times);
    return this;
  }

  public FaultyTarget corruptNext(int times) {
    corruptTimes.set(times);
    return this;
  }

  public FaultyTarget failAlways(ErrorKind kind) {
    alwaysFail = kind;
    return this;
  }

  /** Uploads whose path contains the text fail with a permanent error (permission denied). */
  public FaultyTarget failPermanentlyFor(String pathContains) {
    permanentFor = pathContains;
    return this;
  }

  /** Runs once while the next upload is under way, after its first bytes (e.g. the source grows). */
  public volatile Runnable duringNextUpload;

  /** Uploads wait at their start until the returned latch is counted down. */
  public CountDownLatch blockUploads() {
    gate = new CountDownLatch(1);
    return gate;
  }

  @Override
  public String describe() {
    return "faulty " + real.describe();
  }

  /** Faults are injected into plain uploads: the one-pass path is declined, so SafeCopy takes upload(). */
  @Override
  public Optional<HashedUpload> uploadHashed(Path source, String path, Progress progress, CancelSignal cancel) {
    return Optional.empty();
  }

  @Override
  public String upload(Path source, String path, Progress progress, CancelSignal cancel) throws TargetException {
    if (dev.mediaferry.targets.TargetIdentity.isMarker(path)) {
      return real.upload(source, path, progress, cancel); // faults are for media files, not the identity marker
    }
    uploadsStarted.incrementAndGet();
    awaitGate(path, cancel);
    if (permanentFor != null && path.contains(permanentFor)) {
      throw new TargetException(ErrorKind.PERMANENT, "injected permission denied for " + path);
    }
    if (alwaysFail != null) {
      throw new TargetException(alwaysFail, "injected " + alwaysFail + " for " + path);
    }
    if (breakAtByteTimes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      long limit = breakAtByte;
      try {
        real.upload(source, path, bytes -> {
          if (bytes >= limit) {
            throw new InjectedBreak();
          }
        }, cancel);
      } catch (InjectedBreak e) {
        throw new TargetException(ErrorKind.TRANSIENT, "injected connection reset after " + limit + " bytes of " + path);
      }
    }
    Runnable during = duringNextUpload;
    duringNextUpload = null;
    String sha = real.upload(source, path, during == null ? progress : new Target.Progress() {
      private boolean ran;

      @Override
      public void sent(long bytesSoFar) {
        if (!ran) {
          ran = true;
          during.run();
        }
        progress.sent(bytesSoFar);
      }
    }, cancel);
    uploads.incrementAndGet();
    if (corruptTimes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      flipFirstByte(path);
    }
    return sha;
  }

  private static final class InjectedBreak extends RuntimeException {}

  /** Waits like a stalled upload: it still notices a shutdown's cancel, as real uploads do per chunk. */
  private void awaitGate(String path, CancelSignal cancel) throws TargetException {
    CountDownLatch g = gate;
    if (g == null) {
      return;
    }
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!g.await(20, TimeUnit.MILLISECONDS)) {
        if (cancel.cancelled()) {
          throw new Cancelled(path);
        }
        if (System.nanoTime() > deadline) {
          throw new TargetException(ErrorKind.TRANSIENT, "test gate never opened");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TargetException(ErrorKind.TRANSIENT, "interrupted");
    }
  }

  /** Rewrites the stored file with its first byte flipped (or one byte added to an empty file). */
  private void flipFirstByte(String path) throws TargetException {
    if (!(real instanceof dev.mediaferry.targets.LocalTarget local)) {
      throw new IllegalStateException("corruption needs a local target");
    }
    try {
      Path file = local.base().resolve(path);
      byte[] bytes = java.nio.file.Files.readAllBytes(file);
      byte[] changed = bytes.length == 0 ? new byte[] {1} : bytes.clone();
      if (bytes.length > 0) {
        changed[0] ^= 0x5a;
      }
      java.nio.file.Files.write(file, changed);
    } catch (java.io.IOException e) {
      throw new TargetException(ErrorKind.TRANSIENT, "test corruption failed: " + e);
    }
  }

  /** Free space the target reports from now on (the test plays the NAS filling up); null: the real one. */
  public volatile dev.mediaferry.targets.Space fakeSpace;

  public final AtomicInteger spaceCalls = new AtomicInteger();
  private volatile CountDownLatch spaceGate;

  /** Free-space questions hang (a NAS that stopped answering) until the returned latch is counted down. */
  public CountDownLatch blockSpace() {
    spaceGate = new CountDownLatch(1);
    return spaceGate;
  }

  @Override
  public Optional<dev.mediaferry.targets.Space> space(String dir) throws TargetException {
    spaceCalls.incrementAndGet();
    CountDownLatch gate = spaceGate;
    if (gate != null) {
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TargetException(ErrorKind.TRANSIENT, "interrupted");
      }
    }
    dev.mediaferry.targets.Space fake = fakeSpace;
    return fake != null ? Optional.of(fake) : real.space(dir);
  }
}
