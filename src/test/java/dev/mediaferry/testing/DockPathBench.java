package dev.mediaferry.testing;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.dock.DockTable;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.LocalTarget;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * For scripts/bench --dock N: files per second through the folder scan vs the dock's table
 * (same files, local target, run --once in this JVM), and the dock writer's longest call
 * while the daemon moves what it writes at full speed. args: work folder, files, bytes each.
 */
public final class DockPathBench {
  private DockPathBench() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int files = Integer.parseInt(args[1]);
    long bytes = Long.parseLong(args[2]);
    double scan = once(work.resolve("scan"), files, bytes, false);
    double table = once(work.resolve("table"), files, bytes, true);
    System.out.printf("%d x %d bytes, local target: scan path %.0f files/s, table path %.0f files/s (ratio %.2f)%n",
        files, bytes, scan, table, table / scan);
    System.out.println("dock writer beside the daemon at full speed: " + besideDaemon(work.resolve("live"), files,
        bytes));
    System.exit(0);
  }

  private static Settings settings(Path home, boolean table) throws Exception {
    Path db = home.resolve("dock.db");
    Files.createDirectories(home);
    DockTable.init(db);
    return TestSettings.under(home, Map.of("mediaferry.legacy-db.path", db.toString(), "mediaferry.source.scan",
        !table, "mediaferry.legacy-db.poll-interval", "200ms", "mediaferry.transfer.max-concurrent", 4));
  }

  private static double once(Path home, int files, long bytes, boolean table) throws Exception {
    Settings settings = settings(home, table);
    try (DockWriter dock = new DockWriter(settings.legacyDb().path())) {
      for (int i = 0; i < files; i++) {
        dock.download(settings.source().dir().resolve("f/IMG_" + i + ".JPG"), bytes, i);
      }
    }
    JournalDatabase.ensureSchema(settings.journalFile());
    long started = System.nanoTime();
    Daemon daemon = Daemon.start(settings, new LocalTarget(TestSettings.nas(settings)), true);
    RunSummary summary = daemon.summary().get(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - started) / 1e9;
    daemon.stop().get(120, TimeUnit.SECONDS);
    if (summary.verified() != files) {
      throw new IllegalStateException((table ? "table" : "scan") + " path verified " + summary);
    }
    return files / seconds;
  }

  private static String besideDaemon(Path home, int files, long bytes) throws Exception {
    Settings settings = settings(home, true);
    JournalDatabase.ensureSchema(settings.journalFile());
    Daemon daemon = Daemon.start(settings, new LocalTarget(TestSettings.nas(settings)), false);
    Path stats = home.resolve("stats.txt");
    try {
      Process writer = DockWriter.start(settings.legacyDb().path(), settings.source().dir(), files, bytes, stats);
      writer.waitFor(30, TimeUnit.MINUTES);
      Awaitility.await().atMost(Duration.ofMinutes(30)).until(() -> completed(settings.legacyDb().path()) == files);
    } finally {
      daemon.stop().get(120, TimeUnit.SECONDS);
    }
    return Files.readString(stats).trim();
  }

  private static long completed(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT count(*) FROM media_transfer_status WHERE transfer_status = 'completed'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
