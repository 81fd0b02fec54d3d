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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
      // the SSH connection and login (~0.5 s) go on while the journal and the actor system start
      CompletableFuture<Target> opening = CompletableFuture.supplyAsync(() -> openTarget(settings), RunCommand::opener);
      long started = System.nanoTime();
      Daemon daemon;
      try {
        JournalDatabase.ensureSchema(settings.journalFile());
        daemon = Daemon.start(settings, opening, once);
      } catch (Exception | Error e) {
        opening.thenAccept(Target::close);
        throw e;
      }
      awaitTarget(opening, daemon);
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

  /**
   * A target that cannot be opened (wrong host key, password, path) stops the daemon before
   * any of its file actors started, so nothing was journaled, and exits 2 as before.
   */
  private static void awaitTarget(CompletableFuture<Target> opening, Daemon daemon) {
    try {
      opening.join();
    } catch (CompletionException e) {
      daemon.stop().join();
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static void opener(Runnable open) {
    Thread thread = new Thread(open, "target-open");
    thread.setDaemon(true);
    thread.start();
  }

  private static Target openTarget(Settings settings) {
    try {
      return Targets.open(settings.target());
    } catch (TargetException e) {
      throw new Settings.Invalid(e.getMessage());
    }
  }
}
