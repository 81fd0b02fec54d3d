package dev.mediaferry.cli;

import dev.mediaferry.config.FolderCheck;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.Daemon;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.CryptoWarmUp;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.all.Targets;
import dev.mediaferry.transfer.RunSummary;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Runs the daemon in the foreground: scans the source folder, copies stable files to the target, "
        + "verifies them by SHA-256 and deletes local copies after the delete delay (moved to the trash first).",
        "Ctrl-C or SIGTERM stops gracefully: nothing new starts, transfers in flight get mediaferry.shutdown.grace."})
final class RunCommand implements Callable<Integer> {

  @Mixin
  ConfigOption config;

  @Option(names = "--once", description = "Take the files present now (once stable), drive each to its end state "
      + "for this run, print a one-line summary and exit: 0 when all went well, 1 when any failed.")
  boolean once;

  @Override
  public Integer call() throws Exception {
    CryptoWarmUp.startInBackground(); // first: before the actor system's code queues for the compiler
    Settings settings = config.load();
    if (!Files.isDirectory(settings.source().dir())) {
      throw new Settings.Invalid("mediaferry.source.dir: folder " + settings.source().dir()
          + " does not exist; create it or point the key at the folder to offload");
    }
    FolderCheck.check(settings);
    Files.createDirectories(settings.stateDir());
    try (InstanceLock lock = InstanceLock.acquire(settings.lockFile())) {
      JournalDatabase.ensureSchema(settings.journalFile());
      Target target = openTarget(settings);
      long started = System.nanoTime();
      Daemon daemon = Daemon.start(settings, target, once);
      if (!once) {
        daemon.system().getWhenTerminated().toCompletableFuture().join();
        return ExitCode.OK;
      }
      RunSummary summary = daemon.summary().join();
      daemon.stop().join();
      System.out.println(summary.line((System.nanoTime() - started) / 1e9));
      return summary.failed() > 0 ? ExitCode.FILES_FAILED : ExitCode.OK;
    } catch (InstanceLock.HeldElsewhere e) {
      System.err.println("mediaferry: " + e.getMessage());
      return ExitCode.LOCKED;
    }
  }

  private static Target openTarget(Settings settings) {
    try {
      return Targets.open(settings.target());
    } catch (TargetException e) {
      throw new Settings.Invalid(e.getMessage());
    }
  }
}
