package dev.mediaferry.daemon;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mediaferry.config.Settings;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.FaultyTarget;
import dev.mediaferry.testing.JournalLockHolder;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Another process holds a write lock on the journal for longer than the busy timeout: the
 * journal writes fail, and the daemon must not lose its transfer slot over it. With one slot
 * and two files, both are delivered once the lock is gone, and a `journal` alert was raised.
 */
class JournalFailureTest {
  @TempDir Path root;

  @Test
  void aJournalLockedByAnotherProcessFreesTheSlotRetriesAndAlerts() throws Exception {
    Settings settings = TestSettings.under(root, Map.of(
        "mediaferry.transfer.max-concurrent", 1,
        "pekko-persistence-jdbc.shared-databases.sqlite.db.properties.busy_timeout", "300"));
    TestFiles.write(settings.source().dir().resolve("a.mp4"), 100_000, 1);
    TestFiles.write(settings.source().dir().resolve("b.mp4"), 100_000, 2);
    JournalDatabase.ensureSchema(settings.journalFile());
    ListAppender<ILoggingEvent> alerts = new ListAppender<>();
    alerts.start();
    Logger alertLog = (Logger) LoggerFactory.getLogger("mediaferry.alerts");
    alertLog.addAppender(alerts);
    FaultyTarget target = new FaultyTarget(new LocalTarget(TestSettings.nas(settings)));
    CountDownLatch gate = target.blockUploads();
    Daemon daemon = Daemon.start(settings, target, true);
    Process holder = null;
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> target.uploadsStarted.get() == 1);
      // the first upload is under way; its Verified event will meet the lock
      holder = JournalLockHolder.hold(settings.journalFile(), root);
      gate.countDown();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> alerts.list.stream()
          .anyMatch(e -> e.getFormattedMessage().contains("journal")));
      JournalLockHolder.release(holder); // the lock was held past several busy timeouts: let go
      RunSummary summary = daemon.summary().get(60, TimeUnit.SECONDS);

      assertEquals(2, summary.verified(), summary.toString());
      assertEquals(0, summary.failed(), summary.toString());
    } finally {
      alertLog.detachAppender(alerts);
      daemon.stop().get(60, TimeUnit.SECONDS);
      if (holder != null) {
        holder.destroyForcibly();
      }
    }
  }
}
