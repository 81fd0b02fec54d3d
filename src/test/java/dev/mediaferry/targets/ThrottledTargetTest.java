package dev.mediaferry.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.testing.TestFiles;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared upload limit, on a real local target: the time an upload takes is the behaviour
 * under test here (a limiter that does not limit, or limits twice, fails these bounds).
 */
class ThrottledTargetTest {
  static final long MB = 1_000_000;

  @TempDir Path dir;

  private Path nas() throws Exception {
    return java.nio.file.Files.createDirectories(dir.resolve("nas"));
  }

  private double secondsToUpload(Target target, Path... sources) throws Exception {
    long start = System.nanoTime();
    CompletableFuture<?>[] uploads = new CompletableFuture<?>[sources.length];
    for (int i = 0; i < sources.length; i++) {
      Path source = sources[i];
      String name = "up-" + i + ".bin";
      uploads[i] = CompletableFuture.runAsync(() -> {
        try {
          target.upload(source, name, Target.Progress.NONE, Target.CancelSignal.NEVER);
        } catch (TargetException e) {
          throw new IllegalStateException(e);
        }
      });
    }
    CompletableFuture.allOf(uploads).join();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Timed to the last byte handed over (what the limit paces); the target's fsync of 200 MB
   * that follows depends on the disk and the machine's load, not on the limit.
   */
  @Test
  void at20MBPerSecondA200MBUploadTakesTenSeconds() throws Exception {
    Path source = TestFiles.write(dir.resolve("src/clip.mp4"), 200 * MB, 1);
    Target target = new ThrottledTarget(new LocalTarget(nas()), () -> 20 * MB);
    AtomicLong lastByteAt = new AtomicLong();

    long start = System.nanoTime();
    target.upload(source, "clip.mp4", bytes -> {
      if (bytes == 200 * MB) {
        lastByteAt.set(System.nanoTime());
      }
    }, Target.CancelSignal.NEVER);

    double seconds = (lastByteAt.get() - start) / 1e9;
    assertTrue(seconds >= 9.0 && seconds <= 11.0, "200 MB at 20 MB/s took " + seconds + " s to send");
    assertEquals(TestFiles.sha256(source), TestFiles.sha256(dir.resolve("nas/clip.mp4")));
  }

  @Test
  void twoUploadsShareOneLimit() throws Exception {
    Path a = TestFiles.write(dir.resolve("src/a.mp4"), 30 * MB, 1);
    Path b = TestFiles.write(dir.resolve("src/b.mp4"), 30 * MB, 2);
    Target target = new ThrottledTarget(new LocalTarget(nas()), () -> 20 * MB);

    double seconds = secondsToUpload(target, a, b);

    // shared: 3 s (not 1.5 s, as two separate limits would give; not 6 s, as a limit taken twice would)
    assertTrue(seconds >= 2.7 && seconds <= 4.5, "2 x 30 MB at 20 MB/s together took " + seconds + " s");
  }

  @Test
  void aCancelledUploadStopsWaitingAtOnce() throws Exception {
    Path source = TestFiles.write(dir.resolve("src/big.mp4"), 50 * MB, 3);
    Target target = new ThrottledTarget(new LocalTarget(nas()), () -> MB); // 50 s at this rate
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicLong sent = new AtomicLong();
    CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(300,
        java.util.concurrent.TimeUnit.MILLISECONDS)).thenRun(() -> cancelled.set(true));

    long start = System.nanoTime();
    assertThrows(Target.Cancelled.class, () -> target.upload(source, "big.bin", sent::set, cancelled::get));
    double seconds = (System.nanoTime() - start) / 1e9;

    assertTrue(seconds < 1.5, "cancelled after 0.3 s, returned after " + seconds + " s");
    assertTrue(sent.get() < 5 * MB, "it was limited until the cancel: " + sent.get() + " bytes");
  }

  @Test
  void aRateThatRisesAppliesToTheCopyUnderWay() throws Exception {
    Path source = TestFiles.write(dir.resolve("src/clip.mp4"), 60 * MB, 4);
    long start = System.nanoTime();
    // 2 MB/s for the first second, then unlimited (a window ends): about 1 s, not 30
    Target target = new ThrottledTarget(new LocalTarget(nas()),
        () -> System.nanoTime() - start < 1_000_000_000L ? 2 * MB : 0);

    double seconds = secondsToUpload(target, source);

    assertTrue(seconds < 5, "took " + seconds + " s");
  }
}
