package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.discovery.SourceScan;
import dev.mediaferry.file.FileInfo;
import dev.mediaferry.file.FileState.Status;
import dev.mediaferry.journal.FileIndex;
import dev.mediaferry.journal.IndexProjection;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.storage.Retention;
import dev.mediaferry.storage.RetentionPlan;
import dev.mediaferry.targets.Space;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.all.Targets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "storage", mixinStandardHelpOptions = true, subcommands = StorageCommand.Cleanup.class,
    description = "Target and dock free space, the reserve, the bytes waiting to be offloaded, and an estimate of "
        + "the days until the target is full at the last 30 days' ingest rate. Does not need the daemon.")
final class StorageCommand implements Callable<Integer> {
  private static final Set<Status> DONE = EnumSet.of(Status.VERIFIED, Status.PENDING_DELETE, Status.DELETED,
      Status.QUARANTINED, Status.SUPERSEDED);

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
      Map<String, FileIndex.Row> rows = index.getAll(present.stream().map(FileInfo::fileId).toList());
      List<FileInfo> waiting = present.stream().filter(f -> rows.get(f.fileId()) == null
          || !DONE.contains(rows.get(f.fileId()).state().status())).toList();
      System.out.printf("waiting:  %d files, %s in the source folder not yet verified%n", waiting.size(),
          bytes(waiting.stream().mapToLong(FileInfo::size).sum()));
      long ingest = index.bytesVerifiedSince(Instant.now().minus(Duration.ofDays(30)).toEpochMilli());
      System.out.printf("ingest:   %s verified in the last 30 days (%s per day)%n", bytes(ingest), bytes(ingest / 30));
      if (target != null && ingest > 0) {
        double days = Math.max(0, target.freeBytes() - reserve) / (ingest / 30.0);
        System.out.printf("estimate: the target reaches its reserve in about %.0f days at that rate%n", days);
      } else {
        System.out.println("estimate: none (no ingest in the last 30 days, or target space unknown)");
      }
    }
    return ExitCode.OK;
  }

  private static Space targetSpace(Settings settings) {
    try (Target target = Targets.open(settings.target())) {
      return target.space("");
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
        return plan(settings, opened, opened.space(""));
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
      Path journal = DbCommand.journal(settings);
      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "mediaferry-storage", Daemon.pekkoConfig(settings));
      ExecutorService blocking = Executors.newSingleThreadExecutor();
      try (FileIndex index = FileIndex.open(journal)) {
        IndexProjection.catchUp(system, index, blocking).toCompletableFuture().join();
        List<RetentionPlan.Candidate> chosen =
            Retention.plan(index, opened, settings.storage(), shortfall, Instant.now());
        long freed = 0;
        for (RetentionPlan.Candidate c : chosen) {
          freed += c.bytes();
          System.out.printf("would remove  %-50s %,14d bytes  delivered %s%n", c.remotePath(), c.bytes(),
              c.deliveredAt());
        }
        System.out.printf("%d files, %s would be freed (%s needed)%n", chosen.size(), bytes(freed), bytes(shortfall));
      } finally {
        blocking.shutdown();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
      }
      return ExitCode.OK;
    }
  }

  static String bytes(long n) {
    return n >= 1L << 30 ? String.format("%.1f GiB", n / (double) (1L << 30))
        : String.format("%.1f MiB", n / (double) (1L << 20));
  }
}
