package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "db", mixinStandardHelpOptions = true,
    description = "Maintenance of the journal database (an SQLite file in mediaferry.state-dir).",
    subcommands = {DbCommand.Check.class, DbCommand.Backup.class, ArchiveCommand.class})
final class DbCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static Path journal(Settings settings) {
    if (!Files.isRegularFile(settings.journalFile())) {
      throw new Settings.Invalid("no journal at " + settings.journalFile() + " (mediaferry.state-dir)");
    }
    return settings.journalFile();
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = "Integrity check of the journal and of the file index against it; exit 1 on any problem.")
  static final class Check implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws SQLException, java.io.IOException {
      Path db = journal(config.load());
      FileIndex.open(db).close(); // makes the index tables if this journal has never had them
      try (Connection c = DriverManager.getConnection(JournalDatabase.url(db));
           Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
        String integrity = single(s, "PRAGMA integrity_check");
        long files = Long.parseLong(single(s, "SELECT count(DISTINCT persistence_id) FROM event_journal"));
        long events = Long.parseLong(single(s, "SELECT count(*) FROM event_journal"));
        long untagged = Long.parseLong(single(s, "SELECT count(*) FROM event_journal j WHERE NOT EXISTS "
            + "(SELECT 1 FROM event_tag t WHERE t.event_id = j.ordering)"));
        long indexed = Long.parseLong(single(s, "SELECT count(*) FROM file_index"));
        long lag = Long.parseLong(single(s, "SELECT coalesce((SELECT max(ordering) FROM event_journal), 0) - "
            + "coalesce((SELECT last_ordering FROM projection_offset WHERE name = 'file_index'), 0)"));
        System.out.println("journal:     " + db);
        System.out.println("integrity:   " + integrity);
        System.out.println("files:       " + files + " (" + events + " events, " + untagged + " without a tag)");
        System.out.println("file index:  " + indexed + " files, " + lag + " events behind the journal");
        boolean ok = "ok".equals(integrity) && untagged == 0 && (lag > 0 || indexed == files);
        if (!ok) {
          System.out.println("PROBLEM: see above; `mediaferry audit --rebuild-index` rebuilds the index, "
              + "`mediaferry db backup` saves a copy before any repair");
        }
        return ok ? ExitCode.OK : ExitCode.FILES_FAILED;
      }
    }
  }

  @Command(name = "backup", mixinStandardHelpOptions = true,
      description = "An online, consistent copy of the journal database (SQLite VACUUM INTO); safe while the "
          + "daemon runs.")
  static final class Backup implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The copy; must not exist yet.")
    Path to;

    @Override
    public Integer call() throws SQLException {
      Path db = journal(config.load());
      if (Files.exists(to)) {
        throw new Settings.Invalid("--to " + to + " already exists; give a new file name");
      }
      try (Connection c = DriverManager.getConnection(JournalDatabase.url(db));
           PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA busy_timeout=10000");
        }
        vacuum.setString(1, to.toAbsolutePath().toString());
        vacuum.execute();
      }
      try (Connection copy = DriverManager.getConnection(JournalDatabase.url(to));
           Statement s = copy.createStatement()) {
        String integrity = single(s, "PRAGMA integrity_check");
        System.out.println("backup " + to + ": " + Files.size(to.toAbsolutePath()) / 1024 + " KiB, integrity "
            + integrity);
        return "ok".equals(integrity) ? ExitCode.OK : ExitCode.FILES_FAILED;
      } catch (java.io.IOException e) {
        throw new SQLException(e);
      }
    }
  }

  private static String single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
