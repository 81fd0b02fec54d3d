package dev.mediaferry.cli;

import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.journal.JournalDatabase;
import dev.mediaferry.targets.Target;
import dev.mediaferry.targets.TargetException;
import dev.mediaferry.targets.TargetIdentity;
import dev.mediaferry.targets.all.Targets;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "target", mixinStandardHelpOptions = true,
    description = "The target's identity: mediaferry writes only to the target whose marker file "
        + "(.mediaferry-target-<id> at its base) it recorded at first use.",
    subcommands = {TargetCommand.Init.class})
final class TargetCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Accepts the target at mediaferry.target.url as this daemon's target, deliberately: adopts "
          + "the identity marker found there, or writes a new one, and records it in the journal database.",
          "Run it after moving to a new NAS or a new, empty share. Do NOT run it because a share is not mounted: "
          + "mount the share instead, or copies land on the dock's own disk.",
          "Takes the daemon's lock: stop the daemon first (exit 3 while it runs)."})
  static final class Init implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws Exception {
      Settings settings = config.load();
      Files.createDirectories(settings.stateDir());
      try (InstanceLock lock = InstanceLock.acquire(settings.lockFile())) {
        JournalDatabase.ensureSchema(settings.journalFile());
        TargetIdentity.Record record = JournalDatabase.targetRecord(settings.journalFile(), settings.target().url());
        String before = record.recorded();
        try (Target target = Targets.open(settings.target())) {
          String id = TargetIdentity.init(target, record);
          System.out.println("mediaferry: " + target.describe() + " is this daemon's target, known by "
              + TargetIdentity.markerName(id) + (before == null ? "" : before.equals(id) ? " (unchanged)"
              : " (was " + TargetIdentity.markerName(before) + ")"));
          return ExitCode.OK;
        } catch (TargetException e) {
          System.err.println("mediaferry: cannot initialise the target: " + e.getMessage());
          return ExitCode.FILES_FAILED;
        }
      } catch (InstanceLock.HeldElsewhere e) {
        System.err.println("mediaferry: " + e.getMessage());
        return ExitCode.LOCKED;
      }
    }
  }
}
