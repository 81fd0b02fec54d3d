package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import dev.mediaferry.dock.DockTable;
import dev.mediaferry.journal.JournalDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "db", mixinStandardHelpOptions = true,
    description = "Maintenance of the journal database (an SQLite file in mediaferry.state-dir).",
    subcommands = {DbCommand.Check.class, DbCommand.Backup.class, ArchiveCommand.class, DbCommand.InitLegacy.class})
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
      JournalDatabase.Health health = JournalDatabase.check(db);
      System.out.println("journal:     " + db);
      System.out.println("integrity:   " + health.integrity());
      System.out.println("files:       " + health.files() + " (" + health.events() + " events, " + health.untagged()
          + " without a tag)");
      System.out.println("file index:  " + health.indexed() + " files, " + health.indexLag()
          + " events behind the journal");
      if (!health.ok()) {
        System.out.println("PROBLEM: see above; `mediaferry audit --rebuild-index` rebuilds the index, "
            + "`mediaferry db backup` saves a copy before any repair");
      }
      return health.ok() ? ExitCode.OK : ExitCode.FILES_FAILED;
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
      String integrity = JournalDatabase.backup(db, to);
      try {
        System.out.println("backup " + to + ": " + Files.size(to.toAbsolutePath()) / 1024 + " KiB, integrity "
            + integrity);
      } catch (java.io.IOException e) {
        throw new SQLException(e);
      }
      return "ok".equals(integrity) ? ExitCode.OK : ExitCode.FILES_FAILED;
    }
  }

  @Command(name = "init-legacy", mixinStandardHelpOptions = true,
      description = {"Creates the dock software's table media_transfer_status (with its indexes and updated_at "
          + "trigger, as the field has them) in FILE, in WAL mode, for new installs and tests. An existing table "
          + "is left as it is. See docs/dock-db.md."})
  static final class InitLegacy implements Callable<Integer> {
    @Option(names = "--path", required = true, paramLabel = "FILE",
        description = "The dock's SQLite database (created when missing).")
    Path path;

    @Override
    public Integer call() throws SQLException {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new Settings.Invalid("--path " + path + ": the folder " + parent + " does not exist");
      }
      boolean existed = Files.exists(path);
      DockTable.init(path);
      System.out.println((existed ? "checked " : "created ") + path + ": table " + DockTable.TABLE
          + " ready (WAL); point mediaferry.legacy-db.path at it");
      return ExitCode.OK;
    }
  }
}
