package dev.mediaferry.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.mediaferry.config.Settings;
import dev.mediaferry.file.FileState;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 8, item 14: the file index and the journal share one SQLite file. With many files
 * moving at once the index's writes must never meet SQLITE_BUSY (a read-then-write
 * transaction that loses its snapshot fails at once, whatever the busy timeout).
 */
class JournalContentionTest {
  @TempDir Path root;

  @Test
  void fiveHundredSmallFilesAtConcurrencyEightMeetNoSqliteBusy() throws Exception {
    Settings settings = TestSettings.under(root, Map.of("mediaferry.transfer.max-concurrent", 8,
        "mediaferry.delete.after-sync", false));
    for (int i = 0; i < 500; i++) {
      TestFiles.write(settings.source().dir().resolve(String.format("f%03d/clip-%03d.jpg", i / 50, i)), 512, i);
    }
    JournalDatabase.ensureSchema(settings.journalFile());
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLogger.addAppender(log);
    RunSummary summary;
    try {
      Daemon daemon = Daemon.start(settings, new LocalTarget(TestSettings.nas(settings)), true);
      try {
        summary = daemon.summary().get(JournalContents.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } finally {
        daemon.stop().get(60, TimeUnit.SECONDS);
      }
    } finally {
      rootLogger.detachAppender(log);
    }

    assertEquals(500, summary.verified(), summary.toString());
    List<String> busy = log.list.stream().filter(JournalContentionTest::mentionsBusy)
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertEquals(List.of(), busy, "no SQLITE_BUSY in the log");
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      assertTrue(index.isCurrent(), "the index caught up with the journal");
      assertEquals(500L, index.counts().get(FileState.Status.VERIFIED));
    }
  }

  private static boolean mentionsBusy(ILoggingEvent event) {
    if (event.getFormattedMessage().contains("SQLITE_BUSY")) {
      return true;
    }
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).contains("SQLITE_BUSY")) {
        return true;
      }
    }
    return false;
  }
}
