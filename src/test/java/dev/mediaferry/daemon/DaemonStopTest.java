package dev.mediaferry.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mediaferry.config.Settings;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.ForwardingTarget;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stop() means stopped: when it completes, the target's connections are closed too (a --once
 * exits right after it, and connections still closing held that exit), but a NAS that never
 * takes the goodbye cannot hold the stop beyond Daemon.CLOSE_WAIT.
 */
class DaemonStopTest {
  @TempDir Path root;

  /** A target whose close() waits on a latch (a NAS answering the goodbye slowly, or never). */
  private static final class SlowToClose extends ForwardingTarget {
    final CountDownLatch closing = new CountDownLatch(1);
    final CountDownLatch answer = new CountDownLatch(1);
    final AtomicBoolean closed = new AtomicBoolean();

    SlowToClose(LocalTarget real) {
      super(real);
    }

    @Override
    public void close() {
      closing.countDown();
      try {
        answer.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      super.close();
      closed.set(true);
    }
  }

  private Daemon runOnce(SlowToClose target, Settings settings) throws Exception {
    Daemon daemon = Daemon.start(settings, target, true);
    assertEquals(1, daemon.summary().get(60, TimeUnit.SECONDS).verified());
    return daemon;
  }

  private Settings settings() throws Exception {
    Settings settings = TestSettings.under(root, Map.of());
    TestFiles.write(settings.source().dir().resolve("clip.mp4"), 100_000, 1);
    JournalDatabase.ensureSchema(settings.journalFile());
    return settings;
  }

  @Test
  void stopCompletesOnlyOnceTheTargetIsClosed() throws Exception {
    Settings settings = settings();
    SlowToClose target = new SlowToClose(new LocalTarget(TestSettings.nas(settings)));
    Daemon daemon = runOnce(target, settings);
    var stopped = daemon.stop();
    assertTrue(target.closing.await(30, TimeUnit.SECONDS), "the target's close began");
    // the NAS has not answered the goodbye yet: stop() is still waiting (its bound is 2 s)
    assertThrows(TimeoutException.class, () -> stopped.get(500, TimeUnit.MILLISECONDS),
        "stop() completed while the target was still closing");
    target.answer.countDown();
    stopped.get(30, TimeUnit.SECONDS);
    assertTrue(target.closed.get(), "the target is closed when stop() completes");
  }

  @Test
  void aTargetThatNeverClosesHoldsTheStopNoLongerThanTheCloseWait() throws Exception {
    Settings settings = settings();
    SlowToClose target = new SlowToClose(new LocalTarget(TestSettings.nas(settings)));
    Daemon daemon = runOnce(target, settings);
    try {
      assertTimeoutPreemptively(Daemon.CLOSE_WAIT.plus(Duration.ofSeconds(20)), () -> daemon.stop().join());
      assertFalse(target.closed.get(), "the close was still waiting for the NAS");
    } finally {
      target.answer.countDown();
    }
  }
}
