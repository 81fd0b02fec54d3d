package dev.mediaferry.dock;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.file.FileEvent;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.testing.Cli;
import dev.mediaferry.testing.DockWriter;
import dev.mediaferry.testing.JournalContents;
import dev.mediaferry.testing.TestFiles;
import dev.mediaferry.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The dock's writer as a separate OS process, beside the daemon moving what it writes: no
 * update lost on either side, no "database is locked", the dock's calls stay short; and a
 * daemon killed with SIGKILL mid-way leaves rows and journal agreeing after its restart.
 */
class DockWriterBesideDaemonTest {
  @TempDir Path root;

  private Settings settings() throws Exception {
    Path db = root.resolve("dock/media.db");
    Files.createDirectories(db.getParent());
    DockTable.init(db);
    return TestSettings.under(root, Map.of("mediaferry.legacy-db.path", db.toString(),
        "mediaferry.legacy-db.poll-interval", "200ms", "mediaferry.source.scan", false,
        "mediaferry.transfer.max-concurrent", 4));
  }

  @Test
  void fiveHundredFilesFromTheDockProcessAllEndCompletedWithoutALockError() throws Exception {
    Settings settings = settings();
    JournalDatabase.ensureSchema(settings.journalFile());
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    log.start();
    Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLogger.addAppender(log);
    Daemon daemon = Daemon.start(settings, new LocalTarget(TestSettings.nas(settings)), false);
    Path stats = root.resolve("dock-stats.txt");
    try {
      Process dock = DockWriter.start(settings.legacyDb().path(), settings.source().dir(), 500, 20_000, stats);
      assertTrue(dock.waitFor(240, TimeUnit.SECONDS), "the dock's writer finished");
      assertEquals(0, dock.exitValue(), Files.readString(root.resolve("dock-writer.log")));

      await().atMost(Duration.ofSeconds(180)).until(() -> completed(settings) == 500);
    } finally {
      daemon.stop().get(60, TimeUnit.SECONDS);
      rootLogger.detachAppender(log);
    }
    Matcher m = Pattern.compile("files=500 longestCallMs=(\\d+) lockedErrors=(\\d+)").matcher(Files.readString(stats));
    assertTrue(m.find(), Files.readString(stats));
    assertEquals(0, Long.parseLong(m.group(2)), "the dock never saw 'database is locked': " + Files.readString(stats));
    assertTrue(Long.parseLong(m.group(1)) < DockWriter.BUSY_TIMEOUT_MS / 5,
        "the dock's longest call " + m.group(1) + " ms stays far below its busy timeout");
    assertTrue(log.list.stream().noneMatch(e -> e.getFormattedMessage().contains("locked")
        && e.getFormattedMessage().contains("dock")), "no lock trouble logged on our side");
    assertEquals(500, TestFiles.listFiles(TestSettings.nas(settings)).size(), "every file on the NAS");
    System.out.println("dock writer beside the daemon: " + Files.readString(stats).trim());
  }

  @Test
  void aDaemonKilledMidwayLeavesRowsAndJournalAgreeingAfterItsRestart() throws Exception {
    Settings settings = settings();
    Path conf = Path.of(Cli.configFile(root, "mediaferry {\n home = \"" + root + "\"\n"
        + " source { stable-for = 0s, scan = false }\n delete.delay = 0s\n storage.min-free = 0\n"
        + " transfer.max-concurrent = 2\n legacy-db { path = \"" + settings.legacyDb().path() + "\", "
        + "poll-interval = 200ms }\n}\n"));
    try (DockWriter dock = new DockWriter(settings.legacyDb().path())) {
      for (int i = 0; i < 60; i++) {
        dock.download(settings.source().dir().resolve("f/IMG_" + i + ".JPG"), 400_000, i);
      }
    }
    Process first = Cli.start(root, "run", "--config", conf.toString());
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> completed(settings) >= 10);
    } finally {
      first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
    }
    assertTrue(completed(settings) < 60, "killed mid-way (" + completed(settings) + " completed)");

    Process second = Cli.start(root, "run", "--config", conf.toString());
    try {
      await().atMost(Duration.ofSeconds(120)).until(() -> completed(settings) == 60);
    } finally {
      second.destroy(); // SIGTERM: a graceful stop
      second.waitFor(60, TimeUnit.SECONDS);
    }
    Map<String, List<Object>> journal = JournalContents.read(settings);
    assertEquals(60, journal.size());
    for (List<Object> events : journal.values()) {
      assertEquals(1, JournalContents.count(events, FileEvent.Verified.class), events.toString());
    }
    for (DockTableTest.Status row : DockTableTest.rows(settings.legacyDb().path()).values()) {
      assertEquals("completed", row.transfer());
      assertTrue(row.start() != null && row.end() != null, row.toString());
    }
  }

  private static long completed(Settings settings) throws Exception {
    return DockTableTest.rows(settings.legacyDb().path()).values().stream()
        .filter(r -> "completed".equals(r.transfer())).count();
  }
}
