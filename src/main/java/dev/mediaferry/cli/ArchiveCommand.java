package dev.mediaferry.cli;

import dev.mediaferry.audit.Archive;
import dev.mediaferry.config.Settings;
import dev.mediaferry.daemon.InstanceLock;
import dev.mediaferry.journal.OfflineJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "archive", mixinStandardHelpOptions = true,
    description = {"Moves the events of files that finished (deleted or superseded) before DATE out of the journal "
        + "into a compressed JSON-lines file. The file is read back and compared event by event before anything "
        + "is deleted from the journal; `mediaferry audit --archive FILE` reads it like the journal.",
        "Quarantined and unfinished files are never archived."})
final class ArchiveCommand implements Callable<Integer> {
  @Mixin
  ConfigOption config;

  @Option(names = "--before", required = true, paramLabel = "DATE",
      description = "Files whose last event is before DATE (2026-01-01, or an ISO instant).")
  String before;

  @Option(names = "--to", paramLabel = "FILE",
      description = "The archive to write (must not exist). Default: archive-<DATE>-<now>.jsonl.gz in the state folder.")
  Path to;

  @Override
  public Integer call() throws Exception {
    Settings settings = config.load();
    DbCommand.journal(settings);
    Instant cutoff = TimeOption.parse("--before", before);
    Path file = to != null ? to : settings.stateDir().resolve("archive-" + before.replace(':', '-') + "-"
        + Instant.now().toEpochMilli() + ".jsonl.gz");
    if (Files.exists(file)) {
      throw new Settings.Invalid("--to " + file + " already exists; give a new file name");
    }
    // under the daemon's lock: events written between the read and the delete would be lost
    InstanceLock lock;
    try {
      lock = InstanceLock.acquire(settings.lockFile());
    } catch (InstanceLock.HeldElsewhere e) {
      System.err.println("mediaferry: nothing archived: " + e.getMessage());
      return ExitCode.LOCKED;
    }
    try (lock; OfflineJournal journal = OfflineJournal.open(settings, "archive")) {
      Archive.Moved moved = Archive.moveOut(journal, cutoff, file);
      if (moved.files() == 0) {
        System.out.println("nothing to archive: no file finished before " + cutoff);
      } else {
        System.out.printf("archived %d files (%d events) to %s (%d KiB); they are no longer in the journal%n",
            moved.files(), moved.events(), file, Files.size(file) / 1024);
      }
      return ExitCode.OK;
    } catch (Archive.ReadBackMismatch e) {
      System.err.println("mediaferry: " + e.getMessage());
      return ExitCode.FILES_FAILED;
    }
  }
}
