package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import dev.mediaferry.discovery.SourceScan;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.journal.OfflineJournal;
import dev.mediaferry.storage.IngestEstimate;
import dev.mediaferry.storage.Retention;
import dev.mediaferry.storage.RetentionPlan;
import dev.mediaferry.targets.Space;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.all.Targets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "storage", mixinStandardHelpOptions = true, subcommands = StorageCommand.Cleanup.class,
    description = "Target and dock free space, the reserve, the bytes waiting to be offloaded, and an estimate of "
        + "the days until the target is full at the last 30 days' ingest rate. Does not need the daemon.")
final class StorageCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    Settings settings = config.load();
    Space target = targetSpace(settings);
    FileStore dockStore = Files.getFileStore(settings.source().dir());
    Space dock = new Space(dockStore.getUsableSpace(), dockStore.getTotalSpace());
    long reserve = settings.storage().reserveOf(target == null ? 0 : target.totalBytes());
    System.out.println("target:   " + settings.target().url() + "  " + (target == null ? "free space unknown" : describe(target)));
    System.out.printf("reserve:  %s (mediaferry.storage.min-free = %s)%n", bytes(reserve),
        settings.storage().minFreePercent() > 0 ? settings.storage().minFreePercent() + "%" : bytes(reserve));
    System.out.printf("dock:     %s  %s (alerts at %d%% and %d%%)%n", settings.source().dir(), describe(dock),
        settings.storage().warnPercent(), settings.storage().criticalPercent());
    List<FileInfo> present = new SourceScan(settings.source().dir(), settings.source().exclude()).run();
    Files.createDirectories(settings.stateDir());
    JournalDatabase.ensureSchema(settings.journalFile());
    try (FileIndex index = FileIndex.open(settings.journalFile())) {
      IngestEstimate estimate = IngestEstimate.of(index, present, target, reserve, Instant.now());
      System.out.printf("waiting:  %d files, %s in the source folder not yet verified%n", estimate.waitingFiles(),
          bytes(estimate.waitingBytes()));
      System.out.printf("ingest:   %s verified in the last 30 days (%s per day)%n", bytes(estimate.ingest30Days()),
          bytes(estimate.ingest30Days() / 30));
      if (estimate.daysLeft().isPresent()) {
        System.out.printf("estimate: the target reaches its reserve in about %.0f days at that rate%n",
            estimate.daysLeft().getAsDouble());
      } else {
        System.out.println("estimate: none (no ingest in the last 30 days, or target space unknown)");
      }
    }
    return ExitCode.OK;
  }

  private static Space targetSpace(Settings settings) {
    try (Target target = Targets.open(settings.target())) {
      return target.space("").orElse(null);
    } catch (TargetException e) {
      System.err.println("mediaferry: cannot read the target's space: " + e.getMessage());
      return null;
    }
  }

  private static String describe(Space space) {
    return String.format("%s free of %s (%.0f%% used)", bytes(space.freeBytes()), bytes(space.totalBytes()),
        space.usedPercent());
  }

  @Command(name = "cleanup", mixinStandardHelpOptions = true,
      description = {"What retention (mediaferry.storage.retention) would remove from the target now to restore "
          + "the reserve, and how much that frees. Removal itself runs inside the daemon when retention is enabled, "
          + "so that each one is journaled by its file."})
  static final class Cleanup implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @picocli.CommandLine.Option(names = "--dry-run", required = true,
        description = "Print the plan; nothing is removed.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      Settings settings = config.load();
      try (Target opened = Targets.open(settings.target())) {
        Space space = opened.space("").orElse(null);
        if (space == null) {
          System.err.println("mediaferry: " + opened.describe() + " cannot report its free space (no df on the "
              + "NAS), so there is no reserve to restore; retention needs an account with a shell");
          return ExitCode.FILES_FAILED;
        }
        return plan(settings, opened, space);
      } catch (TargetException e) {
        System.err.println("mediaferry: cannot read the target's space: " + e.getMessage());
        return ExitCode.FILES_FAILED;
      }
    }

    /** One connection to the target serves both the measurement and the walk of scope = all. */
    private static Integer plan(Settings settings, Target opened, Space target) throws Exception {
      long shortfall = Retention.shortfall(target, settings.storage());
      System.out.printf("target %s: %s; reserve %s; %s below it%n", settings.target().url(), describe(target),
          bytes(settings.storage().reserveOf(target.totalBytes())), bytes(shortfall));
      if (!settings.storage().retention().enabled()) {
        System.out.println("retention is off (mediaferry.storage.retention.enabled = false): the daemon removes nothing");
      }
      try (OfflineJournal journal = OfflineJournal.open(settings, "storage")) {
        List<RetentionPlan.Candidate> chosen =
            Retention.plan(journal.indexCaughtUp(), opened, settings.storage(), shortfall, Instant.now());
        long freed = 0;
        for (RetentionPlan.Candidate c : chosen) {
          freed += c.bytes();
          System.out.printf("would remove  %-50s %,14d bytes  delivered %s%n", c.remotePath(), c.bytes(),
              c.deliveredAt());
        }
        System.out.printf("%d files, %s would be freed (%s needed)%n", chosen.size(), bytes(freed), bytes(shortfall));
      }
      return ExitCode.OK;
    }
  }

  static String bytes(long n) {
    return n >= 1L << 30 ? String.format("%.1f GiB", n / (double) (1L << 30))
        : String.format("%.1f MiB", n / (double) (1L << 20));
  }
}
